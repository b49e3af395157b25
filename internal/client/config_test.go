package client

import (
	"strings"
	"testing"
)

func TestHostRule(t *testing.T) {
	ok := map[string]string{
		"https://idcs-abc.identity.oraclecloud.com":        "https://idcs-abc.identity.oraclecloud.com",
		"https://idcs-abc.identity.oraclecloud.com/":       "https://idcs-abc.identity.oraclecloud.com",
		"  https://idcs-abc.identity.oraclecloud.com:443 ": "https://idcs-abc.identity.oraclecloud.com:443",
		"HTTPS://Example.com":                              "https://Example.com",
		"http://127.0.0.1:8080":                            "http://127.0.0.1:8080",
		"http://127.1.2.3:8080/":                           "http://127.1.2.3:8080",
		"http://localhost:9000":                            "http://localhost:9000",
		"http://LOCALHOST":                                 "http://LOCALHOST",
		"http://[::1]:8080":                                "http://[::1]:8080",
	}
	for in, want := range ok {
		u, err := normalizeHost(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if u.String() != want {
			t.Errorf("%q -> %q, want %q", in, u.String(), want)
		}
	}
	bad := map[string]string{
		"":                                  "host is empty",
		"idcs-abc.identity.oraclecloud.com": "not a URL with a scheme",
		"http://idcs-abc.identity.oraclecloud.com": "only https is allowed, except for a loopback host",
		"http://10.0.0.1":                          "only https is allowed",
		"http://localhost.evil.com":                "only https is allowed",
		"http://128.0.0.1":                         "only https is allowed",
		"ftp://example.com":                        `scheme "ftp": use https`,
		"https://example.com/ui/v1/console":        "without a path",
		"https://example.com?x=1":                  "without a path, query",
		"https://user:pw@example.com":              "must not contain user information",
		"https://":                                 "not a URL with a scheme",
		"://x":                                     "not a URL with a scheme",
	}
	for in, want := range bad {
		_, err := normalizeHost(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", in, err, want)
			continue
		}
		if strings.Contains(err.Error(), "pw@") {
			t.Errorf("%q: password in message %v", in, err)
		}
	}
}

func TestNewCredentials(t *testing.T) {
	const host = "https://idcs-abc.identity.oraclecloud.com"
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Host: host}, "no credentials"},
		{Config{Host: host, ClientID: "a", ClientSecret: "b", AccessToken: "c"}, "not both"},
		{Config{Host: host, ClientID: "a"}, "both client_id and client_secret"},
		{Config{Host: host, ClientSecret: "b"}, "both client_id and client_secret"},
		{Config{Host: "http://example.com", AccessToken: "t"}, "only https"},
	} {
		_, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want %q", tc.cfg, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), `"b"`) || strings.Contains(err.Error(), `"c"`)) {
			t.Errorf("secret in %v", err)
		}
	}
	for _, cfg := range []Config{{Host: host, AccessToken: "t"}, {Host: host + "/", ClientID: "a", ClientSecret: "b"}} {
		if _, err := New(cfg); err != nil {
			t.Errorf("New: %v", err)
		}
	}
}
