package main

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// Issue 27 item 9: the least-privilege audit application the docs recommend (Authenticator
// Client + User Administrator) can be defined with -app or in the users file, and it reads
// /mfa/v1 and SCIM Users but may not enroll.
func TestAppsFromFlagsAndUsersFile(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(users, []byte(`{"users":[{"userName":"ci.user","email":"ci@example.com"}],
		"applications":[{"id":"settings","secret":"settings-secret","roles":["security administrator"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	o, err := parseFlags([]string{"-quiet", "-users", users, "-app", "audit:audit-secret:Authenticator Client, User Administrator"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := buildConfig(o, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emulator.New(cfg))
	defer ts.Close()
	audit := token(t, ts.URL, "audit", "audit-secret")
	uid := cfg.Users[0].ID
	if uid == "" {
		uid = findUser(t, ts.URL, audit, "ci.user")
	}
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/admin/v1/Users?filter=" + url.QueryEscape(`userName eq "ci.user"`), 200},
		{http.MethodGet, "/mfa/v1/users/" + uid + "/factors", 200},
		{http.MethodPost, "/mfa/v1/users/" + uid + "/factors", 401},
		{http.MethodGet, "/admin/v1/AuthenticationFactorSettings", 403},
	} {
		if st := call(t, ts.URL, audit, c.method, c.path, `{"method":"EMAIL"}`); st != c.want {
			t.Errorf("audit app %s %s: %d, want %d", c.method, c.path, st, c.want)
		}
	}
	settings := token(t, ts.URL, "settings", "settings-secret")
	if st := call(t, ts.URL, settings, http.MethodGet, "/admin/v1/AuthenticationFactorSettings", ""); st != 200 {
		t.Errorf("settings app from the users file: %d, want 200", st)
	}
}

func TestBadAppsAreRefused(t *testing.T) {
	for _, args := range [][]string{
		{"-app", "audit:secret"}, {"-app", "audit:secret:"}, {"-app", "audit:secret:Auditor"},
		{"-app", ":secret:Me"}, {"-app", "idcsmfa-emulator:x:Me"},
	} {
		var stdout, stderr strings.Builder
		if err := run(append([]string{"-listen", "127.0.0.1:0", "-quiet"}, args...), &stdout, &stderr); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// -version prints one line and serves nothing.
func TestVersionFlag(t *testing.T) {
	var stdout, stderr strings.Builder
	if err := run([]string{"-version"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if out := stdout.String(); !strings.HasPrefix(out, "idcs-emulator ") || strings.Count(out, "\n") != 1 || strings.Contains(out, "listening") {
		t.Fatalf("-version printed %q", out)
	}
}

func token(t *testing.T, base, id, secret string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth2/v1/token", strings.NewReader("grant_type=client_credentials&scope=urn%3Aopc%3Aidm%3A__myscopes__"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if st := sendJSON(t, req, &tok); st != 200 || tok.AccessToken == "" {
		t.Fatalf("token for %s: %d", id, st)
	}
	return tok.AccessToken
}

func call(t *testing.T, base, tok, method, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	return sendJSON(t, req, nil)
}

func findUser(t *testing.T, base, tok, name string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/admin/v1/Users?filter="+url.QueryEscape(`userName eq "`+name+`"`), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	var list struct {
		Resources []struct {
			ID string `json:"id"`
		} `json:"Resources"`
	}
	if st := sendJSON(t, req, &list); st != 200 || len(list.Resources) != 1 {
		t.Fatalf("find %s: %d", name, st)
	}
	return list.Resources[0].ID
}

// Issue 27 item 9: EMULATOR.md's flag table lists every flag of the command, and nothing else.
func TestEveryFlagIsInEmulatorMD(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "EMULATOR.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(doc), "| Flag | Default | Meaning |")
	if !ok {
		t.Fatal("EMULATOR.md has no flag table")
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(table, "\n")[2:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		cell := strings.Trim(strings.Split(line, "|")[1], " `")
		if name, _, _ := strings.Cut(cell, " "); strings.HasPrefix(name, "-") {
			documented[strings.TrimPrefix(name, "-")] = true
		}
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	var o options
	registerFlags(fs, &o)
	fs.VisitAll(func(f *flag.Flag) {
		if !documented[f.Name] {
			t.Errorf("-%s is not in EMULATOR.md's flag table", f.Name)
		}
		delete(documented, f.Name)
	})
	for name := range documented {
		t.Errorf("EMULATOR.md's flag table lists -%s, which the command does not have", name)
	}
}
