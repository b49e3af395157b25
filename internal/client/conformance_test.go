package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Test values substituted for the Postman placeholders.
var placeholderValues = map[string]string{
	"HOST":         "",
	"userGUID":     "7b3d902ab05b4214bae6b2924ca6be21",
	"userID":       "7b3d902ab05b4214bae6b2924ca6be21",
	"factorID":     "88178d80636a428393a5674ba46dc867",
	"requestID":    "f843736e-cbd8-4548-b41f-343b624a79fc",
	"requestState": "QK1-request-state-secret",
}

var placeholderRe = regexp.MustCompile(`\{\{(\w+)\}\}`)

func fillPlaceholders(s string) string {
	return placeholderRe.ReplaceAllStringFunc(s, func(m string) string {
		return placeholderValues[placeholderRe.FindStringSubmatch(m)[1]]
	})
}

// One Oracle sample sends `"otpCode":67899"`; read it as the string it was meant to be.
var brokenNumberRe = regexp.MustCompile(`:\s*(\d+)"`)

func exampleBody(t *testing.T, raw string) map[string]any {
	t.Helper()
	raw = strings.TrimSpace(fillPlaceholders(raw))
	if raw == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		if err2 := json.Unmarshal([]byte(brokenNumberRe.ReplaceAllString(raw, `: "$1"`)), &m); err2 != nil {
			t.Fatalf("example request body is not JSON even leniently: %v", err)
		}
	}
	return m
}

// normalize makes Oracle's mixed booleans ("true" and true) and numbers comparable.
func normalize(v any) any {
	switch t := v.(type) {
	case bool:
		return fmt.Sprint(t)
	case float64:
		return fmt.Sprint(t)
	case map[string]any:
		out := map[string]any{}
		for k, c := range t {
			out[k] = normalize(c)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			out[i] = normalize(c)
		}
		return out
	}
	return v
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

type recorded struct {
	method, path, rawQuery string
	body                   map[string]any
	auth, ua, ctype        string
}

// callForExample runs the client method that issues the sample's request, and returns what it
// parsed, so the test can compare it with the sample's answer.
func callForExample(ctx context.Context, c *Client, r exampleRequest, req map[string]any) (any, error) {
	g := placeholderValues
	path := r.URL
	switch {
	case r.Method == "GET" && strings.Contains(path, "/mfa/v1/users?"):
		return c.FindUserFactors(ctx, "user1@example.com", UserIDTypeName)
	case r.Method == "GET" && strings.HasSuffix(path, "/factors"):
		return c.ListFactors(ctx, g["userGUID"])
	case r.Method == "GET" && strings.Contains(path, "/factors/"):
		return c.GetFactor(ctx, g["userGUID"], g["factorID"])
	case r.Method == "POST" && strings.HasSuffix(path, "/factors"):
		er := EnrollRequest{Method: str(req, "method"), CountryCode: str(req, "countryCode"), MobileNumber: str(req, "mobileNumber"),
			SharedSecret: str(req, "sharedSecret"), OTPCode: str(req, "otpCode"), SkipVerification: fmt.Sprint(req["skipFactorVerification"]) == "true"}
		if v, ok := req["offlineTOTP"]; ok {
			b := fmt.Sprint(v) == "true"
			er.OfflineTOTP = &b
		}
		return c.Enroll(ctx, g["userGUID"], er)
	case r.Method == "PATCH" && strings.Contains(path, "/factors/"):
		factor := g["factorID"]
		if strings.HasSuffix(path, "/SecurityQuestions") {
			var answers []SecurityAnswer
			b, _ := json.Marshal(req["securityQuestions"])
			_ = json.Unmarshal(b, &answers)
			return nil, c.SetSecurityQuestions(ctx, g["userGUID"], answers)
		}
		if _, ok := req["resendOtp"]; ok {
			return c.ResendOTP(ctx, g["userGUID"], factor, str(req, "requestState"))
		}
		return nil, c.ActivateFactor(ctx, g["userGUID"], factor, str(req, "otpCode"), str(req, "requestState"))
	case r.Method == "PATCH" && strings.HasSuffix(path, "/users/{{userGUID}}"):
		if _, ok := req["disableMFA"]; ok {
			return nil, c.DisableMFA(ctx, g["userGUID"])
		}
		return nil, c.SetPreferredFactor(ctx, g["userGUID"], str(req, "preferredFactorId"), str(req, "preferredMethod"))
	case r.Method == "DELETE":
		return nil, c.DeleteFactor(ctx, g["userGUID"], g["factorID"])
	case r.Method == "POST" && strings.HasSuffix(path, "/mfa/v1/requests"):
		return c.InitiateVerification(ctx, VerificationRequest{UserID: str(req, "userId"), UserIDType: UserIDType(str(req, "userIdType")),
			FactorID: str(req, "factorId"), Method: str(req, "method")})
	case r.Method == "PATCH" && strings.Contains(path, "/requests/"):
		if _, ok := req["resendOtp"]; ok {
			return c.ResendVerification(ctx, g["requestID"], str(req, "requestState"))
		}
		var a VerificationAnswer
		b, _ := json.Marshal(req)
		_ = json.Unmarshal(b, &a)
		return nil, c.CompleteVerification(ctx, g["requestID"], a)
	case r.Method == "GET" && strings.Contains(path, "/requests/"):
		return c.GetVerification(ctx, g["requestID"])
	}
	return nil, fmt.Errorf("no client call for %s %s", r.Method, r.URL)
}

// TestConformanceExamples feeds every /mfa/v1 answer of Oracle's samples through the client:
// the request the client sends must have the sample's method, path and body keys, and every
// field of the sample's answer must come out of the client's parsed value.
func TestConformanceExamples(t *testing.T) {
	var (
		mu       sync.Mutex
		got      recorded
		respCode int
		respBody string
	)
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = recorded{method: r.Method, path: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery,
			auth: r.Header.Get("Authorization"), ua: r.Header.Get("User-Agent"), ctype: r.Header.Get("Content-Type")}
		if len(b) > 0 {
			_ = json.Unmarshal(b, &got.body)
		}
		code, body := respCode, respBody
		mu.Unlock()
		if code == http.StatusNoContent {
			w.WriteHeader(code)
			return
		}
		writeJSON(w, code, body)
	}), func(cfg *Config) { cfg.UserAgent = "terraform-provider-idcsmfa/1.2.3" })

	n := 0
	for _, r := range mfaExamples(t) {
		for _, ex := range r.Examples {
			n++
			t.Run(r.Name+"/"+ex.Name, func(t *testing.T) {
				reqBody := exampleBody(t, firstNonEmpty(string(ex.RequestBody), string(r.RequestBody)))
				mu.Lock()
				respCode, respBody = ex.Code, ex.ResponseBody
				mu.Unlock()

				out, err := callForExample(context.Background(), c, r, reqBody)
				if err != nil {
					t.Fatalf("client call failed on a success sample: %v", err)
				}

				mu.Lock()
				rec := got
				mu.Unlock()
				wantURL := fillPlaceholders(r.URL)
				wantPath, wantQuery, _ := strings.Cut(wantURL, "?")
				if rec.method != r.Method || rec.path != wantPath {
					t.Errorf("request = %s %s, sample = %s %s", rec.method, rec.path, r.Method, wantPath)
				}
				if wantQuery != "" && !sameQuery(rec.rawQuery, wantQuery) {
					t.Errorf("query = %q, sample = %q", rec.rawQuery, wantQuery)
				}
				if rec.auth != "Bearer static-access-token-0123456789" || rec.ua != "terraform-provider-idcsmfa/1.2.3" {
					t.Errorf("headers: Authorization %q, User-Agent %q", rec.auth, rec.ua)
				}
				if reqBody != nil {
					if rec.ctype != "application/json" {
						t.Errorf("Content-Type = %q", rec.ctype)
					}
					if !reflect.DeepEqual(normalize(rec.body), normalize(reqBody)) {
						t.Errorf("request body\n got  %v\n want %v", rec.body, reqBody)
					}
				}
				compareAnswer(t, ex.ResponseBody, out)
			})
		}
	}
	if n < 44 {
		t.Fatalf("only %d examples exercised", n)
	}
}

func sameQuery(a, b string) bool {
	split := func(s string) []string {
		p := strings.Split(s, "&")
		for i := range p {
			p[i] = strings.ReplaceAll(p[i], "%40", "@")
		}
		sort.Strings(p)
		return p
	}
	return reflect.DeepEqual(split(a), split(b))
}

// compareAnswer checks that every field of the sample answer is in the parsed value.
func compareAnswer(t *testing.T, sample string, out any) {
	t.Helper()
	if strings.TrimSpace(sample) == "" || out == nil || reflect.ValueOf(out).IsNil() {
		return
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(sample), &want); err != nil {
		t.Fatalf("sample answer: %v", err)
	}
	b, _ := json.Marshal(out)
	var have map[string]any
	_ = json.Unmarshal(b, &have)
	// VerificationStatus has no JSON tags; read it by field name.
	if vs, ok := out.(*VerificationStatus); ok {
		have = map[string]any{"status": vs.Status}
		if vs.Code != "" {
			have["cause"] = []any{map[string]any{"code": vs.Code, "message": vs.Message}}
		}
	}
	for k, v := range want {
		switch k {
		case "offlineTOTP":
			continue // an echo of the request, not state
		case "status":
			if _, ok := have["status"]; !ok {
				continue // the call succeeded, which is what "success" says
			}
		}
		if !reflect.DeepEqual(normalize(have[k]), normalize(v)) {
			t.Errorf("field %q: parsed %v, sample %v", k, have[k], v)
		}
	}
}

// TestSCIMErrorExamples parses the SCIM error answers of the samples.
func TestSCIMErrorExamples(t *testing.T) {
	seen := 0
	for _, r := range loadExamples(t) {
		for _, ex := range r.Examples {
			if ex.Code < 400 {
				continue
			}
			seen++
			var want struct {
				Detail string `json:"detail"`
				Ext    struct {
					MessageID string `json:"messageId"`
				} `json:"urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error"`
			}
			if err := json.Unmarshal([]byte(ex.ResponseBody), &want); err != nil {
				t.Fatalf("%s: %v", ex.Name, err)
			}
			c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-Oracle-Dms-Ecid", "ecid-from-header")
				writeJSON(w, ex.Code, ex.ResponseBody)
			}))
			_, err := c.ListUsers(context.Background(), ListUsersRequest{})
			var ae *APIError
			if !asAPIError(err, &ae) {
				t.Fatalf("%s: error %T %v is not an *APIError", ex.Name, err, err)
			}
			if ae.StatusCode != ex.Code || ae.Code != want.Ext.MessageID || ae.Message != want.Detail || ae.ECID != "ecid-from-header" {
				t.Errorf("%s: parsed %+v", ex.Name, ae)
			}
			if ex.Code == 401 && !isErr(err, ErrInvalidPasscode) {
				t.Errorf("%s: not ErrInvalidPasscode", ex.Name)
			}
			if ex.Code == 404 && !isErr(err, ErrNotFound) {
				t.Errorf("%s: not ErrNotFound", ex.Name)
			}
		}
	}
	if seen != 3 {
		t.Fatalf("expected the 3 SCIM error samples, saw %d", seen)
	}
}
