package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeFactors is a small stateful /mfa/v1 for one user, with faults injected per request.
type fakeFactors struct {
	t  *testing.T
	mu sync.Mutex
	// factors by id; status ENROLLMENT_INITIATED or ENROLLED
	factors map[string]*fakeFactor
	seq     int
	calls   map[string]int // "METHOD kind" -> count
	otps    []string       // passcodes received
	// fault decides, per call (1-based count of that kind), what goes wrong:
	// "429" (before processing), "500" (after processing), "drop" (after processing), "" nothing.
	fault func(kind string, n int) string
}

type fakeFactor struct {
	id, method, display, status string
}

func newFakeFactors(t *testing.T) *fakeFactors {
	return &fakeFactors{t: t, factors: map[string]*fakeFactor{}, calls: map[string]int{}}
}

// failFirst makes the first call of kind go wrong with fault (see fault; "" for nothing) and
// every other call succeed.
func (f *fakeFactors) failFirst(kind, fault string) {
	f.fault = func(k string, n int) string {
		if k == kind && n == 1 {
			return fault
		}
		return ""
	}
}

// checkCount marks the test failed unless kind was called want times; what names the calls
// in the message.
func (f *fakeFactors) checkCount(t *testing.T, kind string, want int, what string) {
	t.Helper()
	if got := f.count(kind); got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}

func (f *fakeFactors) count(kind string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[kind]
}

func (f *fakeFactors) handler() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern, kind string, work func(w http.ResponseWriter, r *http.Request) (int, any)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			f.calls[kind]++
			n := f.calls[kind]
			fault := ""
			if f.fault != nil {
				fault = f.fault(kind, n)
			}
			if fault == "429" {
				f.mu.Unlock()
				w.Header().Set("Retry-After", "0")
				writeJSON(w, 429, `{"status":"failed","cause":[{"code":"AUTH-429","message":"Too many requests"}]}`)
				return
			}
			status, body := work(w, r)
			f.mu.Unlock()
			switch fault {
			case "drop":
				dropConnection(f.t, w)
				return
			case "500":
				writeJSON(w, 500, `{"status":"failed","ecId":"x","cause":[{"code":"AUTH-1112","message":"Unexpected error"}]}`)
				return
			}
			b, _ := json.Marshal(body)
			writeJSON(w, status, string(b))
		})
	}
	handle("POST /mfa/v1/users/{u}/factors", "enroll", func(w http.ResponseWriter, r *http.Request) (int, any) {
		var req enrollBody
		_ = json.NewDecoder(r.Body).Decode(&req)
		display := "user@example.com"
		if req.Method == MethodSMS {
			full := req.CountryCode + req.MobileNumber
			display = full[:3] + "XXXXXXX" + full[len(full)-3:]
		}
		for _, x := range f.factors {
			if x.method == req.Method && x.display == display {
				if x.status == FactorStatusEnrolled {
					return 400, map[string]any{"status": "failed", "cause": []any{map[string]any{"code": "AUTH-1031", "message": "Phone number already enrolled"}}}
				}
				x.status = FactorStatusInitiated // restart the pending enrollment (decision 3)
				if req.SkipFactorVerification == "true" {
					x.status = FactorStatusEnrolled
				}
				return 200, map[string]any{"status": "success", "factorId": x.id, "factorStatus": x.status, "methods": []string{x.method}, "displayName": x.display, "requestState": "rs"}
			}
		}
		f.seq++
		x := &fakeFactor{id: fmt.Sprintf("factor%d", f.seq), method: req.Method, display: display, status: FactorStatusInitiated}
		if req.SkipFactorVerification == "true" {
			x.status = FactorStatusEnrolled
		}
		f.factors[x.id] = x
		return 200, map[string]any{"status": "success", "factorId": x.id, "factorStatus": x.status, "methods": []string{x.method}, "displayName": x.display, "requestState": "rs"}
	})
	handle("GET /mfa/v1/users/{u}/factors", "list", func(w http.ResponseWriter, r *http.Request) (int, any) {
		var fs []Factor
		for _, x := range f.factors {
			if x.status == FactorStatusEnrolled {
				fs = append(fs, Factor{FactorID: x.id, Methods: []string{x.method}, DisplayName: x.display})
			}
		}
		return 200, map[string]any{"status": "success", "userGUID": r.PathValue("u"), "factors": fs}
	})
	handle("GET /mfa/v1/users/{u}/factors/{f}", "get", func(w http.ResponseWriter, r *http.Request) (int, any) {
		x := f.factors[r.PathValue("f")]
		if x == nil {
			return 404, map[string]any{"status": "failed", "cause": []any{map[string]any{"code": "AUTH-1014", "message": "Device not found"}}}
		}
		return 200, map[string]any{"status": "success", "factorId": x.id, "factorStatus": x.status}
	})
	handle("PATCH /mfa/v1/users/{u}/factors/{f}", "activate", func(w http.ResponseWriter, r *http.Request) (int, any) {
		var req activateBody
		_ = json.NewDecoder(r.Body).Decode(&req)
		f.otps = append(f.otps, req.OTPCode)
		x := f.factors[r.PathValue("f")]
		if req.OTPCode != "123456" || x == nil {
			return 401, map[string]any{"status": "failed", "cause": []any{map[string]any{"code": "AUTH-1105", "message": "Invalid passcode."}}}
		}
		x.status = FactorStatusEnrolled
		return 200, map[string]any{"status": "success"}
	})
	handle("DELETE /mfa/v1/users/{u}/factors/{f}", "delete", func(w http.ResponseWriter, r *http.Request) (int, any) {
		if f.factors[r.PathValue("f")] == nil {
			return 404, map[string]any{"status": "failed", "cause": []any{map[string]any{"code": "AUTH-1014", "message": "Device not found"}}}
		}
		delete(f.factors, r.PathValue("f"))
		return 204, nil
	})
	return mux
}

func TestIdempotentCallsRetry(t *testing.T) {
	for _, fault := range []string{"429", "500", "drop"} {
		t.Run(fault, func(t *testing.T) {
			fake := newFakeFactors(t)
			fake.fault = func(kind string, n int) string {
				if n <= 2 {
					return fault
				}
				return ""
			}
			c, _ := newTestClient(t, fake.handler())
			if _, err := c.ListFactors(context.Background(), "u1"); err != nil {
				t.Fatalf("ListFactors: %v", err)
			}
			if got := fake.count("list"); got != 3 {
				t.Errorf("attempts = %d, want 3", got)
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	fake := newFakeFactors(t)
	fake.fault = func(string, int) string { return "500" }
	c, _ := newTestClient(t, fake.handler(), func(cfg *Config) { cfg.RetryMax = 3 })
	_, err := c.ListFactors(context.Background(), "u1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 || ae.Code != "AUTH-1112" {
		t.Fatalf("err = %v", err)
	}
	if got := fake.count("list"); got != 4 {
		t.Errorf("attempts = %d, want 1 + RetryMax(3)", got)
	}
}

// A 429 is back-pressure, not a failure: it has its own, larger budget, so a call turned
// away more often than RetryMax still succeeds, while failures keep their smaller budget.
func TestRateLimitHasItsOwnRetryBudget(t *testing.T) {
	fake := newFakeFactors(t)
	fake.fault = func(_ string, n int) string {
		if n <= 10 {
			return "429"
		}
		return ""
	}
	c, _ := newTestClient(t, fake.handler(), func(cfg *Config) { cfg.RetryMax = 3 })
	if _, err := c.ListFactors(context.Background(), "u1"); err != nil {
		t.Fatalf("after ten 429s and RetryMax 3: %v", err)
	}
	if got := fake.count("list"); got != 11 {
		t.Errorf("attempts = %d, want 11 (ten 429s, then success)", got)
	}

	always := newFakeFactors(t)
	always.fault = func(string, int) string { return "429" }
	c, _ = newTestClient(t, always.handler())
	_, err := c.ListFactors(context.Background(), "u1")
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want ErrRateLimited once the 429 budget is spent", err)
	}
	if got := always.count("list"); got != 1+RateLimitRetryMax {
		t.Errorf("attempts = %d, want 1 + RateLimitRetryMax (%d)", got, RateLimitRetryMax)
	}
}

func TestRetriesStopWithContext(t *testing.T) {
	fake := newFakeFactors(t)
	fake.fault = func(string, int) string { return "500" }
	c, _ := newTestClient(t, fake.handler(), func(cfg *Config) {
		cfg.RetryMax, cfg.RetryWaitMin, cfg.RetryWaitMax = 100, 50*time.Millisecond, 50*time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListFactors(ctx, "u1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v after a 300ms deadline", d)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var calls atomic.Int32
	var first time.Time
	var gap time.Duration
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"status":"failed","cause":[{"code":"AUTH-429","message":"Too many requests"}]}`)
			return
		}
		gap = time.Since(first)
		writeJSON(w, 200, `{"status":"success","factors":[]}`)
	}), func(cfg *Config) { cfg.RetryWaitMax = 5 * time.Second })
	if _, err := c.ListFactors(context.Background(), "u1"); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || gap < time.Second {
		t.Errorf("calls %d, second attempt after %v (want >= 1s)", calls.Load(), gap)
	}
}

func TestBackoff(t *testing.T) {
	now := time.Now()
	if d, ok := parseRetryAfter("7", now); !ok || d != 7*time.Second {
		t.Errorf("seconds: %v %v", d, ok)
	}
	date := now.Add(3 * time.Second).UTC().Format(http.TimeFormat)
	if d, ok := parseRetryAfter(date, now); !ok || d < 2*time.Second || d > 3*time.Second {
		t.Errorf("http date: %v %v", d, ok)
	}
	if _, ok := parseRetryAfter("soon", now); ok {
		t.Error("garbage accepted")
	}
	if _, ok := parseRetryAfter("-1", now); ok {
		t.Error("negative accepted")
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"2"}}}
	for i := 0; i < 50; i++ {
		if d := backoff(100*time.Millisecond, 30*time.Second, 0, resp); d < 2*time.Second || d > 2*time.Second+300*time.Millisecond {
			t.Fatalf("Retry-After 2 gave %v", d)
		}
		if d := backoff(100*time.Millisecond, time.Second, 0, &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3600"}}}); d > 1200*time.Millisecond {
			t.Fatalf("Retry-After not capped: %v", d)
		}
	}
	// Exponential, capped, jittered between half and the full step.
	seen := map[time.Duration]bool{}
	for attempt := 0; attempt < 12; attempt++ {
		step := 200 * time.Millisecond << attempt
		if step > 30*time.Second {
			step = 30 * time.Second
		}
		for i := 0; i < 20; i++ {
			d := backoff(200*time.Millisecond, 30*time.Second, attempt, nil)
			if d < step/2 || d > step {
				t.Fatalf("attempt %d: %v not in [%v, %v]", attempt, d, step/2, step)
			}
			seen[d] = true
		}
	}
	if len(seen) < 100 {
		t.Errorf("backoff has little jitter: %d distinct values", len(seen))
	}
}

func TestEnrollAfterDroppedAnswerCreatesOneFactor(t *testing.T) {
	for _, tc := range []struct {
		name   string
		skip   bool
		method string
		fault  string
		// wantEnroll: POSTs expected; wantList: E1 lookups expected
		wantEnroll, wantList int
		wantStatus           string
	}{
		{"sms skip, dropped", true, MethodSMS, "drop", 1, 1, FactorStatusEnrolled},
		{"sms skip, 500", true, MethodSMS, "500", 1, 1, FactorStatusEnrolled},
		{"email skip, dropped", true, MethodEmail, "drop", 1, 1, FactorStatusEnrolled},
		{"sms verify, dropped: resent, restarts the same pending factor", false, MethodSMS, "drop", 2, 0, FactorStatusInitiated},
		{"email verify, 500", false, MethodEmail, "500", 2, 0, FactorStatusInitiated},
		{"sms skip, 429 is simply retried", true, MethodSMS, "429", 2, 0, FactorStatusEnrolled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeFactors(t)
			fake.failFirst("enroll", tc.fault)
			c, _ := newTestClient(t, fake.handler())
			// The caller read the user's factors before (none): the client need not list them.
			req := EnrollRequest{Method: tc.method, SkipVerification: tc.skip, Before: []string{}}
			if tc.method == MethodSMS {
				req.CountryCode, req.MobileNumber = "+44", "7700900123"
			}
			e, err := c.Enroll(context.Background(), "u1", req)
			if err != nil {
				t.Fatalf("Enroll: %v", err)
			}
			fake.mu.Lock()
			total := len(fake.factors)
			fake.mu.Unlock()
			if total != 1 {
				t.Errorf("%d factors on the server, want 1", total)
			}
			if e.FactorID != "factor1" || e.FactorStatus != tc.wantStatus {
				t.Errorf("enrollment = %+v", e)
			}
			fake.checkCount(t, "enroll", tc.wantEnroll, "POSTs")
			fake.checkCount(t, "list", tc.wantList, "factor listings")
		})
	}
}

func TestEnrollAlreadyEnrolledIsNotAdoptedOnFirstTry(t *testing.T) {
	fake := newFakeFactors(t)
	c, _ := newTestClient(t, fake.handler())
	req := EnrollRequest{Method: MethodSMS, CountryCode: "+44", MobileNumber: "7700900123", SkipVerification: true, Before: []string{}}
	if _, err := c.Enroll(context.Background(), "u1", req); err != nil {
		t.Fatal(err)
	}
	_, err := c.Enroll(context.Background(), "u1", req)
	if !errors.Is(err, ErrAlreadyEnrolled) {
		t.Fatalf("second enrollment of the same number: %v", err)
	}
	if fake.count("list") != 0 {
		t.Error("a clear answer must not trigger a lookup")
	}
}

func TestEnrollClientErrorsAreNotRetried(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 401, `{"status":"failed","cause":[{"code":"AUTH-1125","message":"The EMAIL factor has been disabled."}]}`)
	}))
	_, err := c.Enroll(context.Background(), "u1", EnrollRequest{Method: MethodEmail})
	if !errors.Is(err, ErrFactorDisabled) || calls.Load() != 1 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
}

func TestActivatePasscodeSentOnce(t *testing.T) {
	for _, tc := range []struct {
		name      string
		otp       string
		fault     string
		wantErr   error
		wantSends int
		wantGets  int
	}{
		{"wrong passcode, 401", "000000", "", ErrInvalidPasscode, 1, 0},
		{"accepted, answer dropped", "123456", "drop", nil, 1, 1},
		{"accepted, then 500", "123456", "500", nil, 1, 1},
		{"wrong passcode, answer dropped", "000000", "drop", nil, 1, 1},
		{"rate limited before judging: resent", "123456", "429", nil, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeFactors(t)
			fake.factors["f1"] = &fakeFactor{id: "f1", method: MethodSMS, display: "+44XXXXXXX123", status: FactorStatusInitiated}
			fake.failFirst("activate", tc.fault)
			c, _ := newTestClient(t, fake.handler())
			err := c.ActivateFactor(context.Background(), "u1", "f1", tc.otp, "rs")
			switch {
			case tc.name == "wrong passcode, answer dropped":
				if err == nil || !isAmbiguous(err) {
					t.Errorf("want the ambiguous error back, got %v", err)
				}
			case tc.wantErr == nil && err != nil:
				t.Errorf("err = %v", err)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			fake.checkCount(t, "activate", tc.wantSends, "passcodes sent")
			fake.checkCount(t, "get", tc.wantGets, "state checks")
		})
	}
}

func TestDeleteNotFound(t *testing.T) {
	fake := newFakeFactors(t)
	c, _ := newTestClient(t, fake.handler())
	err := c.DeleteFactor(context.Background(), "u1", "gone")
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUserNotFound) {
		t.Fatalf("err = %v", err)
	}
	fake.factors["f1"] = &fakeFactor{id: "f1"}
	if err := c.DeleteFactor(context.Background(), "u1", "f1"); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteRetriedAfterDrop(t *testing.T) {
	fake := newFakeFactors(t)
	fake.factors["f1"] = &fakeFactor{id: "f1"}
	fake.fault = func(kind string, n int) string {
		if n == 1 {
			return "drop"
		}
		return ""
	}
	c, _ := newTestClient(t, fake.handler())
	err := c.DeleteFactor(context.Background(), "u1", "f1")
	// The first DELETE worked but its answer was lost; the retry finds nothing to delete.
	if !errors.Is(err, ErrNotFound) || fake.count("delete") != 2 {
		t.Fatalf("err %v after %d DELETEs", err, fake.count("delete"))
	}
}

func TestUnreachableHostIsNotAmbiguous(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	host := srv.URL
	srv.Close() // nothing listens there any more
	cfg := fastConfig(host)
	cfg.RetryMax = 2
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Enroll(context.Background(), "u1", EnrollRequest{Method: MethodEmail, SkipVerification: true})
	var ue *UnreachableError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUnreachable) || isAmbiguous(err) || "http://"+ue.Host != host {
		t.Fatalf("err = %v", err)
	}
}

// What retrying cannot fix fails fast: a host that does not resolve is tried once, a refused
// connection three times within a second, with the default retry settings (whose failure
// budget of 8 retries with waits up to 30 s took about 40 s).
func TestUnreachableHostFailsFast(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	refused := srv.URL
	srv.Close()
	for _, tc := range []struct {
		host   string
		within time.Duration
	}{
		{refused, 2 * time.Second},
		// .invalid never resolves (RFC 2606); with no resolver at all the dial fails at once too.
		{"https://idcs-0123456789abcdef.invalid", 3 * time.Second},
	} {
		for _, cfg := range []Config{
			{Host: tc.host, AccessToken: "t"},
			{Host: tc.host, ClientID: "cid", ClientSecret: "secret"},
		} {
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = c.ListFactors(context.Background(), "u1")
			took := time.Since(start)
			if !errors.Is(err, ErrUnreachable) || took > tc.within {
				t.Errorf("%s (token %t): %v after %s, want ErrUnreachable within %s", tc.host, cfg.AccessToken == "", err, took, tc.within)
			}
		}
	}
}
