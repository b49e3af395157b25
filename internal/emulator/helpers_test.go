package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock lets tests expire tokens, passcodes and requestStates without sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type harness struct {
	t     *testing.T
	s     *Server
	hs    *httptest.Server
	clock *fakeClock
	token string
}

// newHarness serves a Server over real HTTP (so dropped connections are real) with a fake
// clock and a token of the default MFA Client application.
func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	clock := newFakeClock()
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	if cfg.Seed == 0 {
		cfg.Seed = 42
	}
	s := New(cfg)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	h := &harness{t: t, s: s, hs: hs, clock: clock}
	h.token = h.tokenFor(DefaultClientID, DefaultClientSecret)
	return h
}

func (h *harness) tokenFor(id, secret string) string {
	h.t.Helper()
	st, m := h.tokenRequest(id, secret, url.Values{"grant_type": {"client_credentials"}, "scope": {scopeMyScopes}})
	tok, _ := m["access_token"].(string)
	if st != http.StatusOK || tok == "" {
		h.t.Fatalf("token request for %s: status %d", id, st)
	}
	return tok
}

// tokenRequest posts form to the token endpoint with the client's credentials and returns
// the status and the decoded answer (a token or an OAuth error; nil if it is not JSON).
func (h *harness) tokenRequest(clientID, secret string, form url.Values) (int, map[string]any) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.hs.URL+"/oauth2/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	resp, err := h.hs.Client().Do(req)
	if err != nil {
		h.t.Fatalf("token request: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// mustDoWith sends a request with tok (see do) and fails unless the status is want.
func (h *harness) mustDoWith(tok string, want int, method, path string, body any) map[string]any {
	h.t.Helper()
	st, m, raw := h.doWith(tok, method, path, body)
	if st != want {
		h.t.Fatalf("%s %s: %d, want %d: %s", method, path, st, want, raw)
	}
	return m
}

// do sends body (nil, a raw string, or a value encoded as JSON) with the harness token and
// returns the status, the decoded JSON object (nil if none) and the raw body.
func (h *harness) do(method, path string, body any) (int, map[string]any, []byte) {
	h.t.Helper()
	return h.doWith(h.token, method, path, body)
}

func (h *harness) doWith(token, method, path string, body any) (int, map[string]any, []byte) {
	h.t.Helper()
	var data []byte
	switch b := body.(type) {
	case nil:
	case string:
		data = []byte(b)
	case []byte:
		data = b
	default:
		var err error
		if data, err = json.Marshal(b); err != nil {
			h.t.Fatalf("marshal: %v", err)
		}
	}
	status, _, m, raw := h.rawDo(token, method, path, "application/json", data)
	return status, m, raw
}

// rawDo sends body as it is (nil: none) with the given Content-Type ("" sends none) and
// token ("" none), and returns the status, headers, decoded JSON object (nil if none) and
// raw body.
func (h *harness) rawDo(token, method, path, contentType string, body []byte) (int, http.Header, map[string]any, []byte) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, h.hs.URL+path, rd)
	if err != nil {
		h.t.Fatalf("request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.hs.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, resp.Header, m, raw
}

// mustDo is do that fails the test unless the status is want.
func (h *harness) mustDo(want int, method, path string, body any) map[string]any {
	h.t.Helper()
	status, m, raw := h.do(method, path, body)
	if status != want {
		h.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	return m
}

func (h *harness) newUser(name string) string {
	h.t.Helper()
	u, err := h.s.AddUser(User{UserName: name, Email: name + "@example.com", GivenName: strings.ToUpper(name[:1]) + name[1:]})
	if err != nil {
		h.t.Fatalf("AddUser: %v", err)
	}
	return u.ID
}

// stringsOf are the values of field, a string, in each object of the list at key of a JSON
// answer m.
func stringsOf(m map[string]any, key, field string) []string {
	var out []string
	for _, e := range m[key].([]any) {
		out = append(out, e.(map[string]any)[field].(string))
	}
	return out
}

func factorsPath(userID string) string { return "/mfa/v1/users/" + userID + "/factors" }

func (h *harness) enroll(userID string, body map[string]any) map[string]any {
	h.t.Helper()
	return h.mustDo(http.StatusOK, http.MethodPost, factorsPath(userID), body)
}

// enrollSecurityQuestions starts a security-questions enrollment (E3) and returns the path
// E5 sets the answers at.
func (h *harness) enrollSecurityQuestions(userID string) string {
	h.t.Helper()
	h.enroll(userID, map[string]any{"method": "SECURITY_QUESTIONS"})
	return factorsPath(userID) + "/" + SecurityQuestionsFactorID
}

// enrollSMS starts an SMS enrollment and returns factorId and requestState.
func (h *harness) enrollSMS(userID, number string) (string, string) {
	h.t.Helper()
	m := h.enroll(userID, map[string]any{"method": "SMS", "countryCode": "+44", "mobileNumber": number})
	return m["factorId"].(string), m["requestState"].(string)
}

func (h *harness) otp(userID, factorID string) string {
	h.t.Helper()
	otp, ok := h.s.LastOTP(userID, factorID)
	if !ok {
		h.t.Fatalf("no OTP for %s/%s", userID, factorID)
	}
	return otp
}

// enrolledSMS enrolls an SMS factor through the full passcode round trip.
func (h *harness) enrolledSMS(userID, number string) string {
	h.t.Helper()
	fid, rs := h.enrollSMS(userID, number)
	h.mustDo(http.StatusOK, http.MethodPatch, factorsPath(userID)+"/"+fid, map[string]any{"otpCode": h.otp(userID, fid), "requestState": rs})
	return fid
}

// causeCode returns the AUTH code of an /mfa/v1 error body.
func causeCode(m map[string]any) string {
	cause, _ := m["cause"].([]any)
	if len(cause) == 0 {
		return ""
	}
	c, _ := cause[0].(map[string]any)
	code, _ := c["code"].(string)
	return code
}

// expectError checks status, AUTH code and the /mfa/v1 error body's shape.
func (h *harness) expectError(status int, code, method, path string, body any) {
	h.t.Helper()
	h.expectErrorWith(h.token, status, code, method, path, body)
}

func (h *harness) expectErrorWith(token string, status int, code, method, path string, body any) {
	h.t.Helper()
	got, m, raw := h.doWith(token, method, path, body)
	if got != status || causeCode(m) != code {
		h.t.Fatalf("%s %s: got %d %s, want %d %s: %s", method, path, got, causeCode(m), status, code, raw)
	}
	if m["status"] != "failed" || m["ecId"] == nil {
		h.t.Fatalf("%s %s: error body lacks status=failed or ecId: %s", method, path, raw)
	}
}

// totpAt is the code of a base32 secret at t with the server's TOTP settings.
func (h *harness) totpAt(secret string, t time.Time) string {
	h.t.Helper()
	key, err := decodeBase32(secret)
	if err != nil {
		h.t.Fatalf("secret %q: %v", secret, err)
	}
	return h.s.totp.code(key, h.s.totp.step(t))
}
