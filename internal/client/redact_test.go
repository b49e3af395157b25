package client

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestRedactBody(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		gone              []string // must not appear
		kept              []string // must still appear
	}{
		{
			name: "activation", ctype: "application/json",
			body: `{"otpCode":"170230","requestState":"QK1xyzSTATE"}`,
			gone: []string{"170230", "QK1xyzSTATE"}, kept: []string{`"otpCode":"***REDACTED***"`},
		},
		{
			name: "token answer", ctype: "application/json",
			body: `{"access_token":"eyJhbGciOi.payload.sig","token_type":"Bearer","expires_in":3600,"refresh_token":"AQIDBAWF1"}`,
			gone: []string{"eyJhbGciOi", "AQIDBAWF1"}, kept: []string{`"token_type":"Bearer"`, `"expires_in":3600`},
		},
		{
			name: "offline totp enrollment answer", ctype: "application/json",
			body: `{"status":"success","factorId":"f1","sharedSecret":"JBSWY3DPEHPK3PXP","qrCode":{"content":"otpauth://totp/u?secret=JBSWY3DPEHPK3PXP","imageData":"iVBORw0KGgo","imageType":"image/png"},"requestState":"RS-1"}`,
			gone: []string{"JBSWY3DPEHPK3PXP", "iVBORw0KGgo", "RS-1"}, kept: []string{`"factorId":"f1"`, `"imageType":"image/png"`},
		},
		{
			name: "encrypted otp", ctype: "application/json",
			body: `{"requestId":"r1","otp":{"value":"Q2lwaGVydGV4dA==","alg":"RSAES-OAEP","x5t":"thumb"}}`,
			gone: []string{"Q2lwaGVydGV4dA=="}, kept: []string{`"alg":"RSAES-OAEP"`, `"requestId":"r1"`},
		},
		{
			name: "security answers and bypass code", ctype: "application/json",
			body: `{"securityQuestions":[{"id":"FavoriteToy","answer":"toy123","hintText":"hint"}],"bypassCode":"397541940949","code":"266090512569"}`,
			gone: []string{"toy123", "397541940949", "266090512569"}, kept: []string{`"id":"FavoriteToy"`},
		},
		{
			name: "error codes stay", ctype: "application/json",
			body: `{"status":"failed","ecId":"e1","cause":[{"code":"AUTH-1105","message":"Invalid passcode."}],"requestState":"RS-2"}`,
			gone: []string{"RS-2"}, kept: []string{`"code":"AUTH-1105"`, `"ecId":"e1"`},
		},
		{
			name: "secret-ish keys", ctype: "application/json; charset=utf-8",
			body: `{"client_secret":"cs-1","clientSecret":"cs-2","my_api_secret":"cs-3","password":"pw-1","id_token":"it-1","assertion":"as-1"}`,
			gone: []string{"cs-1", "cs-2", "cs-3", "pw-1", "it-1", "as-1"},
		},
		{
			name: "form", ctype: "application/x-www-form-urlencoded;charset=UTF-8",
			body: "grant_type=client_credentials&scope=urn%3Aopc%3Aidm%3A__myscopes__&client_secret=cs-9&client_assertion=ca-9",
			gone: []string{"cs-9", "ca-9"}, kept: []string{"grant_type=client_credentials"},
		},
		{
			name: "not json", ctype: "text/html",
			body: `<html>access_token=tok-7</html>`,
			gone: []string{"tok-7", "html"}, kept: []string{"non-JSON"},
		},
		{
			name: "json followed by junk", ctype: "application/json",
			body: `{"a":1} {"otpCode":"555666"}`,
			gone: []string{"555666"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactBody(tt.ctype, []byte(tt.body))
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("%q still in %s", g, got)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(got, k) {
					t.Errorf("%q missing from %s", k, got)
				}
			}
		})
	}
}

func TestRedactHeaders(t *testing.T) {
	h := http.Header{"Authorization": {"Basic Y2xpZW50OnNlY3JldA=="}, "Proxy-Authorization": {"x"}, "Cookie": {"c"}, "User-Agent": {"ua"}}
	got := RedactHeaders(h)
	for _, k := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
		if got[k] != Redacted {
			t.Errorf("%s = %q", k, got[k])
		}
	}
	if got["User-Agent"] != "ua" {
		t.Errorf("User-Agent = %q", got["User-Agent"])
	}
}

// TestLogsHoldNoSecrets drives a whole token + enroll + activate + verify sequence through the
// logger and checks that the captured log holds none of the secrets but does hold the exchange.
func TestLogsHoldNoSecrets(t *testing.T) {
	const (
		clientSecret = "client-secret-Zq9"
		accessToken  = "access-token-Kx7"
		otp          = "480982"
		reqState     = "request-state-Pw3"
		shared       = "JBSWY3DPEHPK3PXP"
		bypass       = "397541940949"
		answer       = "moviemovie"
	)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/v1/token", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"access_token":"`+accessToken+`","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("POST /mfa/v1/users/{u}/factors", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"status":"success","factorId":"f1","factorStatus":"ENROLLMENT_INITIATED","methods":["TOTP"],"sharedSecret":"`+shared+`","qrCode":{"content":"otpauth://totp/x?secret=`+shared+`","imageData":"PNGDATA","imageType":"image/png"},"requestState":"`+reqState+`"}`)
	})
	mux.HandleFunc("PATCH /mfa/v1/users/{u}/factors/{f}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, `{"status":"failed","ecId":"e1","cause":[{"code":"AUTH-1105","message":"Invalid passcode `+otp+` for `+reqState+`."}],"requestState":"`+reqState+`"}`)
	})
	mux.HandleFunc("PATCH /mfa/v1/requests/{r}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"status":"success"}`)
	})
	log := &recordingLogger{}
	c, _ := newTestClient(t, mux, func(cfg *Config) {
		cfg.AccessToken, cfg.ClientID, cfg.ClientSecret, cfg.Logger = "", "client-id-1", clientSecret, log
	})
	ctx := context.Background()
	off := true
	if _, err := c.Enroll(ctx, "u1", EnrollRequest{Method: MethodTOTP, OfflineTOTP: &off}); err != nil {
		t.Fatal(err)
	}
	err := c.ActivateFactor(ctx, "u1", "f1", otp, reqState)
	if err == nil {
		t.Fatal("expected the invalid passcode error")
	}
	for _, s := range []string{otp, reqState} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q holds a secret", err)
		}
	}
	if err := c.CompleteVerification(ctx, "r1", VerificationAnswer{BypassCode: bypass, RequestState: reqState,
		SecurityQuestions: []SecurityAnswer{{ID: "FavoriteMovie", Answer: answer}}}); err != nil {
		t.Fatal(err)
	}

	text := log.text()
	for _, s := range []string{clientSecret, accessToken, otp, reqState, shared, bypass, answer, "PNGDATA"} {
		if strings.Contains(text, s) {
			t.Errorf("log holds secret %q", s)
		}
	}
	entries := log.all()
	if len(entries) != 4 {
		t.Fatalf("want 4 log entries (token, enroll, activate, verify), got %d: %s", len(entries), text)
	}
	tokenEntry := entries[0]
	if tokenEntry["path"] != "/oauth2/v1/token" || tokenEntry["status"] != 200 || tokenEntry["attempt"] != 1 {
		t.Errorf("token entry: %v", tokenEntry)
	}
	if h := tokenEntry["request_headers"].(map[string]string); h["Authorization"] != Redacted {
		t.Errorf("token request Authorization not redacted: %v", h)
	}
	act := entries[2]
	if act["method"] != "PATCH" || act["status"] != 401 || !strings.Contains(act["response_body"].(string), "AUTH-1105") {
		t.Errorf("activation entry: %v", act)
	}
	if _, ok := act["duration_ms"].(int64); !ok {
		t.Errorf("no duration: %v", act)
	}
	var reqBody map[string]string
	_ = json.Unmarshal([]byte(act["request_body"].(string)), &reqBody)
	if reqBody["otpCode"] != Redacted || reqBody["requestState"] != Redacted {
		t.Errorf("activation request body: %v", act["request_body"])
	}
}

// TestRedactAllSampleBodies: in every body of Oracle's samples, no value held under a secret
// key survives redaction.
func TestRedactAllSampleBodies(t *testing.T) {
	checked := 0
	for _, r := range loadExamples(t) {
		bodies := []string{string(r.RequestBody)}
		for _, ex := range r.Examples {
			bodies = append(bodies, string(ex.RequestBody), ex.ResponseBody)
		}
		for _, b := range bodies {
			var v any
			if json.Unmarshal([]byte(b), &v) != nil {
				continue
			}
			out := RedactBody("application/json", []byte(b))
			for _, s := range specSecrets(v, "") {
				if len(s) < 4 || errorCodeRe.MatchString(s) || strings.HasPrefix(s, "{{") {
					continue
				}
				checked++
				if strings.Contains(out, s) {
					t.Errorf("%s: secret %q survives in %s", r.Name, s, out)
				}
			}
		}
	}
	if checked < 30 {
		t.Fatalf("only %d secret values checked", checked)
	}
}

// specSecrets lists, independently of the redaction code, the values the brief names as
// secrets: tokens, passcodes, requestState, shared secrets, bypass codes, answers, passwords,
// the QR code's content and image, and the encrypted OTP's value.
func specSecrets(v any, parent string) []string {
	named := map[string]bool{"access_token": true, "refresh_token": true, "client_secret": true, "otpCode": true,
		"requestState": true, "sharedSecret": true, "bypassCode": true, "answer": true, "password": true, "code": true,
		"qrCodeContent": true, "qrCodeImgContent": true}
	var out []string
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			s, isStr := c.(string)
			switch {
			case isStr && (named[k] || (parent == "qrCode" && (k == "content" || k == "imageData")) || (parent == "otp" && k == "value")):
				out = append(out, s)
			default:
				out = append(out, specSecrets(c, k)...)
			}
		}
	case []any:
		for _, c := range t {
			out = append(out, specSecrets(c, parent)...)
		}
	}
	return out
}

// FuzzRedactBody: any body gives a bounded log text without panicking, and a passcode placed
// under otpCode in a JSON object never survives.
func FuzzRedactBody(f *testing.F) {
	for _, r := range loadExamples(f) {
		for _, ex := range r.Examples {
			f.Add(ex.ResponseBody, "application/json")
		}
	}
	f.Add("grant_type=client_credentials&client_secret=x", "application/x-www-form-urlencoded")
	f.Add(`{"a":[{"otp":{"value":1}}]}`, "application/json")
	f.Fuzz(func(t *testing.T, body, ctype string) {
		out := RedactBody(ctype, []byte(body))
		if len(out) > maxLoggedBody+64 && len(out) > len(body)+64 {
			t.Fatalf("log text of %d bytes for a %d-byte body", len(out), len(body))
		}
		var m map[string]any
		if json.Unmarshal([]byte(body), &m) == nil && m != nil {
			const marker = "ZZsecret-passcode-9731"
			m["otpCode"] = marker
			b, _ := json.Marshal(m)
			if strings.Contains(RedactBody("application/json", b), marker) {
				t.Fatalf("otpCode survived in %s", b)
			}
		}
	})
}
