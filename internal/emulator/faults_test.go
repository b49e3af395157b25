package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRateLimitAnswers429WithRetryAfterPerClient(t *testing.T) {
	h := newHarness(t, Config{})
	other := h.tokenFor(DefaultAuthenticatorClientID, DefaultAuthenticatorClientSecret)
	u := h.newUser("rate")
	// 0.1/s: one request, then one every 10 s, so a loaded machine cannot refill the bucket.
	h.s.SetFaults(Faults{RateLimitPerSecond: 0.1})
	var limited int
	var retryAfter string
	for i := 0; i < 6; i++ {
		req, _ := http.NewRequest(http.MethodGet, h.hs.URL+factorsPath(u), nil)
		req.Header.Set("Authorization", "Bearer "+h.token)
		resp, err := h.hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited++
			retryAfter = resp.Header.Get("Retry-After")
		}
	}
	if limited != 5 {
		t.Fatalf("%d of 6 immediate requests were limited at 0.1/s, want 5", limited)
	}
	if n, err := strconv.Atoi(retryAfter); err != nil || n < 1 || n > 10 {
		t.Fatalf("Retry-After %q is not a whole number of seconds >= 1", retryAfter)
	}
	h.expectError(429, "AUTH-429", http.MethodGet, factorsPath(u), nil)
	// Another OAuth client has its own budget.
	if st, _, raw := h.doWith(other, http.MethodGet, factorsPath(u), nil); st != 200 {
		t.Fatalf("other client limited too: %d %s", st, raw)
	}
	if got := h.s.Stats().Faults.RateLimited; got < 4 {
		t.Fatalf("stats count %d rate-limited requests", got)
	}
	// SCIM answers 429 in SCIM format.
	if st, m, _ := h.do(http.MethodGet, "/admin/v1/Users", nil); st != 429 || m["status"] != "429" {
		t.Fatalf("SCIM under rate limit: %d %v", st, m)
	}
}

func TestErrorRateAnswers500BeforeTheWork(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("boom")
	h.s.SetFaults(Faults{ErrorRate: 1})
	h.expectError(500, "AUTH-1112", http.MethodPost, factorsPath(u), map[string]any{"method": "EMAIL", "skipFactorVerification": true})
	if n := len(h.s.Factors(u)); n != 0 {
		t.Fatalf("a 500 did the work: %d factors", n)
	}
	if st, m, _ := h.do(http.MethodGet, "/admin/v1/Users", nil); st != 500 || m["status"] != "500" {
		t.Fatalf("SCIM error: %d %v", st, m)
	}
	// The token endpoint and the emulator's own namespace are not faulted.
	h.tokenFor(DefaultClientID, DefaultClientSecret)
	h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/messages", nil)
	if got := h.s.Stats().Faults.Errors; got != 2 {
		t.Fatalf("stats count %d errors, want 2", got)
	}
}

func TestDropRateDoesTheWorkAndClosesTheConnection(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("drop")
	h.s.SetFaults(Faults{DropRate: 1})
	req, _ := http.NewRequest(http.MethodPost, h.hs.URL+factorsPath(u), strings.NewReader(`{"method":"EMAIL","skipFactorVerification":"true"}`))
	req.Header.Set("Authorization", "Bearer "+h.token)
	resp, err := h.hs.Client().Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got an answer (%d) although the connection should drop", resp.StatusCode)
	}
	f := h.s.Factors(u)
	if len(f) != 1 || f[0].Status != StatusEnrolled {
		t.Fatalf("the dropped request's work was not done: %+v", f)
	}
	if got := h.s.Stats().Faults.Dropped; got != 1 {
		t.Fatalf("stats count %d drops", got)
	}
	h.s.SetFaults(Faults{})
	m := h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
	if len(factorIDs(m)) != 1 {
		t.Fatalf("listing after the drop: %v", m)
	}
}

func TestLatencyIsAdded(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("slow")
	h.mustDo(http.StatusOK, http.MethodPut, "/emulator/v1/faults", `{"latency":"80ms"}`)
	if f := h.s.CurrentFaults(); f.Latency != 80*time.Millisecond {
		t.Fatalf("PUT faults: %+v", f)
	}
	start := time.Now()
	h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("request took %v with 80ms latency", d)
	}
	if st, _, _ := h.do(http.MethodPut, "/emulator/v1/faults", `{"errorRate":2}`); st != 400 {
		t.Fatalf("errorRate 2 accepted: %d", st)
	}
	h.mustDo(http.StatusOK, http.MethodPut, "/emulator/v1/faults", `{"latency":0}`)
}

func TestStatsCountRequestsByTemplatedEndpoint(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("stat")
	h.s.ResetStats()
	fid := h.enrolledSMS(u, "7700900400")
	h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u)+"/"+fid, nil)
	h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/messages", nil) // not counted
	st := h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/stats", nil)
	req := st["requests"].(map[string]any)
	want := map[string]float64{
		"POST /mfa/v1/users/{id}/factors":             1,
		"PATCH /mfa/v1/users/{id}/factors/{factorId}": 1,
		"GET /mfa/v1/users/{id}/factors/{factorId}":   1,
	}
	for k, v := range want {
		if req[k] != v {
			t.Fatalf("stats[%s] = %v, want %v (all: %v)", k, req[k], v, req)
		}
	}
	if len(req) != len(want) {
		t.Fatalf("unexpected endpoints counted: %v", req)
	}
	h.mustDo(http.StatusNoContent, http.MethodPost, "/emulator/v1/stats/reset", nil)
	if s := h.s.Stats(); len(s.Requests) != 0 || s.TokenRequests != 0 {
		t.Fatalf("reset left %+v", s)
	}
	h.tokenFor(DefaultClientID, DefaultClientSecret)
	if s := h.s.Stats(); s.TokenRequests != 1 || s.Requests["POST /oauth2/v1/token"] != 1 {
		t.Fatalf("token request not counted: %+v", s)
	}
}
