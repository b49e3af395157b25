package emulator

import (
	"context"
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
	h.expectDroppedEmailEnrollment(u)
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

// DropNext aims the drop at one route and a number of requests: the work is done, the
// answer lost, and the other routes and later requests are answered.
func TestDropNextDropsOnlyTheNamedRouteAfterTheWork(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("dropnext")
	const route = "POST /mfa/v1/users/{id}/factors"
	if got := h.putFaults(`{"dropNext":{"` + route + `":1}}`).DropNext[route]; got != 1 {
		t.Fatalf("PUT faults: dropNext = %d, want 1", got)
	}
	h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil) // another route: answered
	h.expectDroppedEmailEnrollment(u)
	if got := h.s.CurrentFaults().DropNext[route]; got != 0 {
		t.Fatalf("dropNext left at %d after its drop, want 0", got)
	}
	h.mustDo(http.StatusOK, http.MethodPost, factorsPath(u), map[string]any{"method": "SMS", "countryCode": "+44",
		"mobileNumber": "7700900777", "skipFactorVerification": true})
	if got := h.s.Stats().Faults.Dropped; got != 1 {
		t.Fatalf("stats count %d drops, want 1", got)
	}
}

// A drop keyed by the request's own method and path is aimed at one user: another user's
// request of the same route is answered and leaves the drop in place for the aimed user's.
func TestDropNextByPathDropsOnlyThatUsersRequest(t *testing.T) {
	h := newHarness(t, Config{})
	aimed, other := h.newUser("aimed"), h.newUser("other")
	key := http.MethodPost + " " + factorsPath(aimed)
	h.putFaults(`{"dropNext":{"` + key + `":1}}`)
	h.mustDo(http.StatusOK, http.MethodPost, factorsPath(other), map[string]any{"method": "EMAIL", "skipFactorVerification": true})
	if got := h.s.CurrentFaults().DropNext[key]; got != 1 {
		t.Fatalf("another user's enrollment took the aimed drop: %d left, want 1", got)
	}
	h.expectDroppedEmailEnrollment(aimed)
	if got := h.s.CurrentFaults().DropNext[key]; got != 0 {
		t.Fatalf("dropNext left at %d after its drop, want 0", got)
	}
	if got := h.s.Stats().Faults.Dropped; got != 1 {
		t.Fatalf("stats count %d drops, want 1", got)
	}
}

// A dropNext key no request could take is refused with the forms a key takes, so that a typo
// does not leave a drop waiting while the test it was meant for passes without it; the route
// and path forms are accepted, and a refused body changes nothing.
func TestDropNextKeysNoRequestCouldTakeAreRefused(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("keys")
	for _, key := range []string{
		"POST /mfa/v1/users/{id}/factors", // a route, as the stats name it
		"POST " + factorsPath(u),          // one request's method and path
		"PATCH /mfa/v1/users/{id}/factors/{factorId}",
		"POST /admin/v1/MyAuthenticationFactorInitiator",
	} {
		if st, _, body := h.do(http.MethodPut, "/emulator/v1/faults", `{"dropNext":{"`+key+`":1}}`); st != http.StatusOK {
			t.Errorf("dropNext key %q: HTTP %d %s, want 200", key, st, body)
		}
	}
	h.mustDo(http.StatusOK, http.MethodPut, "/emulator/v1/faults", `{"dropNext":{"POST /mfa/v1/users/{id}/factors":1}}`)
	for _, tc := range []struct{ key, want string }{
		{"POST /mfa/v1/users/" + u + "/factor", "names no route"},          // a typo in the path
		{"POST /mfa/v1/users/{userId}/factors", "names no route"},          // not the route's own name
		{"DELETE /mfa/v1/users/{id}/factors", "names no route"},            // no such method there
		{"post /mfa/v1/users/{id}/factors", "is not a method and a path"},  // lower case
		{"/mfa/v1/users/{id}/factors", "is not a method and a path"},       // no method
		{"POST /oauth2/v1/token", "only answers of /mfa/v1 and /admin/v1"}, // never dropped
	} {
		st, _, body := h.do(http.MethodPut, "/emulator/v1/faults", `{"dropNext":{"`+tc.key+`":1}}`)
		if st != http.StatusBadRequest || !strings.Contains(string(body), tc.want) || !strings.Contains(string(body), "a route as GET /emulator/v1/stats names it") {
			t.Errorf("dropNext key %q: HTTP %d %s, want 400 saying %q and the forms a key takes", tc.key, st, body, tc.want)
		}
	}
	if got := h.s.CurrentFaults().DropNext; len(got) != 1 || got["POST /mfa/v1/users/{id}/factors"] != 1 {
		t.Errorf("the refused bodies changed the faults: %v", got)
	}
}

// AnswerLatency does the work first: a client that hangs up while it waits finds the work
// done, unlike Latency, which comes before it.
func TestAnswerLatencyKeepsTheWorkOfAClientThatHungUp(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("late")
	if f := h.putFaults(`{"answerLatency":"2s"}`); f.AnswerLatency != 2*time.Second {
		t.Fatalf("PUT faults: %+v", f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.hs.URL+factorsPath(u), strings.NewReader(`{"method":"EMAIL"}`))
	req.Header.Set("Authorization", "Bearer "+h.token)
	start := time.Now()
	if resp, err := h.hs.Client().Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got an answer (%d) within 200ms despite 2s of answer latency", resp.StatusCode)
	}
	if waited := time.Since(start); waited > time.Second {
		t.Fatalf("the client waited %s: the hang-up did not end it", waited)
	}
	if f := h.s.Factors(u); len(f) != 1 || f[0].Status != StatusInitiated {
		t.Fatalf("the work of the request whose client hung up was not done: %+v", f)
	}
	h.s.SetFaults(Faults{AnswerLatency: 50 * time.Millisecond})
	start = time.Now()
	h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Fatalf("answered in %s, want at least the 50ms of answer latency", waited)
	}
}

// With ResendKeepsRequestState, the requestState a lost resend answer would have replaced
// still works, with the new passcode only; without it, it is void (AUTH-1120).
func TestResendKeepsRequestStateOnlyWhenConfigured(t *testing.T) {
	for _, keep := range []bool{false, true} {
		h := newHarness(t, Config{ResendKeepsRequestState: keep})
		u := h.newUser("resend")
		fid, rs := h.enrollSMS(u, "7700900123")
		first := h.otp(u, fid)
		m := h.mustDo(http.StatusOK, http.MethodPatch, factorsPath(u)+"/"+fid, map[string]any{"resendOtp": true, "requestState": rs})
		if m["requestState"] == "" || m["requestState"] == rs {
			t.Fatalf("keep=%t: the resend answered no new requestState: %v", keep, m)
		}
		second := h.otp(u, fid)
		path := factorsPath(u) + "/" + fid
		if !keep {
			h.expectError(401, "AUTH-1120", http.MethodPatch, path, map[string]any{"otpCode": second, "requestState": rs})
			continue
		}
		if first != second {
			h.expectError(401, "AUTH-1105", http.MethodPatch, path, map[string]any{"otpCode": first, "requestState": rs})
		}
		h.mustDo(http.StatusOK, http.MethodPatch, path, map[string]any{"otpCode": second, "requestState": rs})
	}
}

// expectDroppedEmailEnrollment enrolls the user's e-mail in one step and expects no answer,
// and the work done all the same.
func (h *harness) expectDroppedEmailEnrollment(userID string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.hs.URL+factorsPath(userID), strings.NewReader(`{"method":"EMAIL","skipFactorVerification":"true"}`))
	req.Header.Set("Authorization", "Bearer "+h.token)
	if resp, err := h.hs.Client().Do(req); err == nil {
		_ = resp.Body.Close()
		h.t.Fatalf("got an answer (%d) although the connection should drop", resp.StatusCode)
	}
	if f := h.s.Factors(userID); len(f) != 1 || f[0].Status != StatusEnrolled {
		h.t.Fatalf("the dropped request's work was not done: %+v", f)
	}
}

// putFaults replaces the faults through the emulator API and returns what the server holds.
func (h *harness) putFaults(body string) Faults {
	h.t.Helper()
	h.mustDo(http.StatusOK, http.MethodPut, "/emulator/v1/faults", body)
	return h.s.CurrentFaults()
}
