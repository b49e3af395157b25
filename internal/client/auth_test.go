package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tokenServer issues numbered tokens and accepts only the newest one on /mfa/v1.
type tokenServer struct {
	t         *testing.T
	issued    atomic.Int32
	requests  atomic.Int32 // token requests, refused ones included
	apiCalls  atomic.Int32
	expiresIn int
	delay     time.Duration
	refuse    bool
	refused   atomic.Int32
	mu        sync.Mutex
	valid     map[string]bool
	onAPI     func(w http.ResponseWriter, r *http.Request, tok string) bool // true: handled
}

func (s *tokenServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/v1/token", func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		id, secret, ok := r.BasicAuth()
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("scope") != DefaultScope {
			s.t.Errorf("token request form: %v", r.PostForm)
		}
		if r.PostForm.Get("client_secret") != "" {
			s.t.Error("client secret sent in the body, want HTTP Basic")
		}
		if !ok || id != "cid" || secret != "the-secret" || s.refuse {
			s.refused.Add(1)
			writeJSON(w, 401, `{"error":"invalid_client","error_description":"Client authentication failed for the-secret."}`)
			return
		}
		time.Sleep(s.delay)
		n := s.issued.Add(1)
		tok := fmt.Sprintf("token-%d", n)
		s.mu.Lock()
		if s.valid == nil {
			s.valid = map[string]bool{}
		}
		s.valid[tok] = true
		s.mu.Unlock()
		writeJSON(w, 200, fmt.Sprintf(`{"access_token":%q,"token_type":"Bearer","expires_in":%d}`, tok, s.expiresIn))
	})
	mux.HandleFunc("/mfa/v1/", func(w http.ResponseWriter, r *http.Request) {
		s.apiCalls.Add(1)
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if s.onAPI != nil && s.onAPI(w, r, tok) {
			return
		}
		s.mu.Lock()
		ok := s.valid[tok]
		s.mu.Unlock()
		if !ok {
			writeJSON(w, 401, `{"status":"failed","ecId":"e","cause":[{"code":"AUTH-1110","message":"Authentication token expired."}]}`)
			return
		}
		writeJSON(w, 200, `{"status":"success","userGUID":"u1","factors":[]}`)
	})
	return mux
}

func (s *tokenServer) expire(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.valid, tok)
}

func ccClient(t *testing.T, s *tokenServer, mod ...func(*Config)) *Client {
	c, _ := newTestClient(t, s.handler(), append([]func(*Config){func(cfg *Config) {
		cfg.AccessToken, cfg.ClientID, cfg.ClientSecret = "", "cid", "the-secret"
	}}, mod...)...)
	return c
}

func TestTokenFetchedLazilyAndSharedByConcurrentCalls(t *testing.T) {
	s := &tokenServer{t: t, expiresIn: 3600, delay: 50 * time.Millisecond}
	c := ccClient(t, s)
	if s.issued.Load() != 0 {
		t.Fatal("New fetched a token")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListFactors(context.Background(), "u1"); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.issued.Load(); n != 1 {
		t.Errorf("%d token requests for 64 concurrent calls, want 1", n)
	}
	for i := 0; i < 10; i++ {
		if _, err := c.ListFactors(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.issued.Load(); n != 1 {
		t.Errorf("%d token requests after 74 calls, want 1", n)
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	s := &tokenServer{t: t, expiresIn: 2}
	c := ccClient(t, s)
	ctx := context.Background()
	if _, err := c.ListFactors(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	// A 2 s token is renewed a quarter of its life early, i.e. after 1.5 s.
	time.Sleep(1600 * time.Millisecond)
	s.expire("token-1") // the server has forgotten it: using it would fail
	if _, err := c.ListFactors(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if n := s.issued.Load(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
	if s.apiCalls.Load() != 2 {
		t.Errorf("API calls = %d, want 2 (no 401 round trip)", s.apiCalls.Load())
	}
}

func TestTokenRenewedOnceAfterExpired401(t *testing.T) {
	s := &tokenServer{t: t, expiresIn: 3600}
	c := ccClient(t, s)
	ctx := context.Background()
	if _, err := c.ListFactors(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	s.expire("token-1") // revoked early on the server side
	if _, err := c.ListFactors(ctx, "u1"); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n, a := s.issued.Load(), s.apiCalls.Load(); n != 2 || a != 3 {
		t.Errorf("token requests %d (want 2), API calls %d (want 3)", n, a)
	}

	// A server that rejects every token: renew once, retry once, then report.
	s.onAPI = func(w http.ResponseWriter, r *http.Request, tok string) bool {
		writeJSON(w, 401, `{"status":"failed","cause":[{"code":"AUTH-1110","message":"Authentication token expired."}]}`)
		return true
	}
	before, beforeAPI := s.issued.Load(), s.apiCalls.Load()
	_, err := c.ListFactors(ctx, "u1")
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if n, a := s.issued.Load()-before, s.apiCalls.Load()-beforeAPI; n != 1 || a != 2 {
		t.Errorf("token requests %d (want 1), API calls %d (want 2)", n, a)
	}
}

// A 401 to a passcode (E5 PATCH): a judged one (AUTH-1117) is not sent again with a new
// token; a token rejection (AUTH-1110) means the token was refused before the passcode was
// looked at, so the passcode goes again once, with a new token, and is then judged.
func TestPasscode401RetriedWithNewTokenOnlyAfterTokenRejection(t *testing.T) {
	const (
		tokenExpired  = `{"status":"failed","cause":[{"code":"AUTH-1110","message":"Authentication token expired."}]}`
		stateExpired  = `{"status":"failed","cause":[{"code":"AUTH-1117","message":"requestState expired."}]}`
		wrongPasscode = `{"status":"failed","cause":[{"code":"AUTH-1105","message":"Invalid passcode."}]}`
	)
	for _, tc := range []struct {
		name string
		// withFirstToken answers the PATCH made with the first token ("": as the others),
		// judged every other PATCH.
		withFirstToken, judged string
		wantErr                error
		wantPatches, wantToken int32
	}{
		{"judged 401 is not retried with a new token", "", stateExpired, ErrRequestState, 1, 1},
		{"passcode resent only after a token rejection", tokenExpired, wrongPasscode, ErrInvalidPasscode, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var patches atomic.Int32
			s := &tokenServer{t: t, expiresIn: 3600}
			s.onAPI = func(w http.ResponseWriter, r *http.Request, tok string) bool {
				if r.Method != http.MethodPatch {
					return false
				}
				patches.Add(1)
				if tok == "token-1" && tc.withFirstToken != "" {
					writeJSON(w, 401, tc.withFirstToken)
					return true
				}
				writeJSON(w, 401, tc.judged)
				return true
			}
			c := ccClient(t, s)
			err := c.ActivateFactor(context.Background(), "u1", "f1", "123456", "rs")
			if !errors.Is(err, tc.wantErr) || patches.Load() != tc.wantPatches || s.issued.Load() != tc.wantToken {
				t.Fatalf("err %v, %d PATCHes (want %d), %d tokens (want %d)", err, patches.Load(), tc.wantPatches, s.issued.Load(), tc.wantToken)
			}
		})
	}
}

func TestStaticTokenIsNotRenewed(t *testing.T) {
	s := &tokenServer{t: t}
	c, _ := newTestClient(t, s.handler())
	_, err := c.ListFactors(context.Background(), "u1")
	if !errors.Is(err, ErrUnauthorized) || s.issued.Load() != 0 || s.apiCalls.Load() != 1 {
		t.Fatalf("err %v, %d tokens, %d calls", err, s.issued.Load(), s.apiCalls.Load())
	}
}

func TestTokenRefused(t *testing.T) {
	s := &tokenServer{t: t, refuse: true}
	c := ccClient(t, s)
	_, err := c.ListFactors(context.Background(), "u1")
	if !errors.Is(err, ErrTokenRefused) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, ErrTokenRequest) {
		t.Errorf("a refused token request does not match ErrTokenRequest: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"POST /oauth2/v1/token: HTTP 401 invalid_client"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	// Facts only: what to do about it is the provider's to say.
	for _, advice := range []string{"client_secret", "MFA Client", "check"} {
		if strings.Contains(msg, advice) {
			t.Errorf("message gives advice (%q): %s", advice, msg)
		}
	}
	if strings.Contains(msg, "the-secret") {
		t.Errorf("message holds the secret: %s", msg)
	}
	if s.apiCalls.Load() != 0 {
		t.Error("API called without a token")
	}
	// Refused credentials stay refused: later calls get the first answer without asking again.
	for i := 0; i < 5; i++ {
		if _, again := c.Enroll(context.Background(), "u1", EnrollRequest{Method: MethodEmail}); again == nil || again.Error() != msg {
			t.Errorf("call %d after the refusal: %v, want the first refusal", i+2, again)
		}
	}
	if n := s.refused.Load(); n != 1 {
		t.Errorf("%d token requests refused, want 1: the refusal is not remembered", n)
	}
}

// TestTokenRefusedOnceIsNotAskedAgain: refused credentials are checked once per client:
// every later call gets the same error (the same value, which the provider reports once)
// without another token request, for a wrong password would count towards a lockout.
func TestTokenRefusedOnceIsNotAskedAgain(t *testing.T) {
	s := &tokenServer{t: t, refuse: true}
	c := ccClient(t, s)
	_, first := c.ListFactors(context.Background(), "u1")
	var firstErr *APIError
	if !errors.As(first, &firstErr) || !errors.Is(first, ErrTokenRefused) || firstErr.Grant != GrantClientCredentials {
		t.Fatalf("first error = %#v", first)
	}
	for range 3 {
		_, err := c.ListFactors(context.Background(), "u1")
		var again *APIError
		if !errors.As(err, &again) || again != firstErr {
			t.Fatalf("a later call got %v, want the first refusal itself", err)
		}
	}
	if n := s.requests.Load(); n != 1 {
		t.Errorf("%d token requests, want 1: refused credentials were sent again", n)
	}
}

func TestTokenRequestRetriedOn5xx(t *testing.T) {
	var tokenCalls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/v1/token", func(w http.ResponseWriter, r *http.Request) {
		if tokenCalls.Add(1) < 3 {
			writeJSON(w, 503, `{"error":"temporarily_unavailable"}`)
			return
		}
		writeJSON(w, 200, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("/mfa/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"status":"success","factors":[]}`)
	})
	c, _ := newTestClient(t, mux, func(cfg *Config) { cfg.AccessToken, cfg.ClientID, cfg.ClientSecret = "", "cid", "sec" })
	if _, err := c.ListFactors(context.Background(), "u1"); err != nil {
		t.Fatal(err)
	}
	if tokenCalls.Load() != 3 {
		t.Errorf("token attempts = %d", tokenCalls.Load())
	}
}

func TestTokenWaitRespectsContext(t *testing.T) {
	s := &tokenServer{t: t, expiresIn: 3600, delay: 500 * time.Millisecond}
	c := ccClient(t, s)
	go func() { _, _ = c.ListFactors(context.Background(), "u1") }()
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListFactors(ctx, "u1")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) >= 450*time.Millisecond { // the in-flight token fetch takes 500ms
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

// A call that waits out 429s longer than its token lives must carry a fresh token on the
// retry: retrying with the first attempt's token is refused (AUTH-1110) once it has expired,
// and under a steady rate limit the one renewal after a 401 is not enough (a 2-second token
// lifetime across a rate-limited apply failed that way).
func TestRetryAfterRateLimitCarriesCurrentToken(t *testing.T) {
	s := &tokenServer{t: t, expiresIn: 1}
	var used []string
	var mu sync.Mutex
	s.onAPI = func(w http.ResponseWriter, _ *http.Request, tok string) bool {
		mu.Lock()
		used = append(used, tok)
		n := len(used)
		mu.Unlock()
		if n <= 2 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"status":"failed","cause":[{"code":"AUTH-429","message":"Too many requests"}]}`)
			return true
		}
		if tok != fmt.Sprintf("token-%d", s.issued.Load()) {
			writeJSON(w, 401, `{"status":"failed","ecId":"e","cause":[{"code":"AUTH-1110","message":"Authentication token expired."}]}`)
			return true
		}
		return false
	}
	c := ccClient(t, s, func(cfg *Config) { cfg.RetryWaitMax = 2 * time.Second }) // honour Retry-After: 1
	if _, err := c.ListFactors(context.Background(), "u1"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(used) != 3 {
		t.Fatalf("API attempts %v, want 3 (two 429s, then success with no 401 in between)", used)
	}
	if used[0] == used[2] {
		t.Errorf("the retry after two seconds of 429s still carried the first token %q", used[0])
	}
}

// A token request that gets no answer is told apart from the API call it was for.
func TestTokenTransportFailureIsATokenRequestError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	host := srv.URL
	srv.Close()
	cfg := fastConfig(host)
	cfg.AccessToken, cfg.ClientID, cfg.ClientSecret, cfg.RetryMax = "", "cid", "the-secret", -1
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListFactors(context.Background(), "u1")
	if !errors.Is(err, ErrTokenRequest) || !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrTokenRefused) || isAmbiguous(err) {
		t.Fatalf("err = %v", err)
	}
	// The operation and the host are named once, the URL's layers (url.Error) taken off.
	if !regexp.MustCompile(`^POST /oauth2/v1/token: cannot reach the identity domain at 127\.0\.0\.1:\d+: `).MatchString(err.Error()) ||
		strings.Contains(err.Error(), "/oauth2/v1/token\"") || strings.Contains(err.Error(), "the-secret") {
		t.Errorf("text %q", err.Error())
	}
}

// The calls that wait for a token while the domain cannot be reached get the first call's
// failure at once, instead of each trying the connection again in turn; after
// unreachableFor the domain is tried again.
func TestUnreachableTokenAnswersTheWaitingCallsAtOnce(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	host := srv.URL
	srv.Close()
	cfg := fastConfig(host)
	cfg.AccessToken, cfg.ClientID, cfg.ClientSecret = "", "cid", "the-secret"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tokens, ok := c.tokens.(*ccTokens)
	if !ok {
		t.Fatalf("token source %T, want *ccTokens", c.tokens)
	}
	now := time.Now()
	tokens.now = func() time.Time { return now }
	_, first := c.ListFactors(context.Background(), "u1")
	if !errors.Is(first, ErrUnreachable) {
		t.Fatalf("first error = %v", first)
	}
	for range 3 {
		if _, err := c.ListFactors(context.Background(), "u1"); !errors.Is(err, ErrUnreachable) {
			t.Fatalf("a later call: %v", err)
		}
	}
	if n := tokens.fetches.Load(); n != 1 {
		t.Errorf("%d token requests within %s, want 1", n, unreachableFor)
	}
	now = now.Add(unreachableFor)
	_, _ = c.ListFactors(context.Background(), "u1")
	if n := tokens.fetches.Load(); n != 2 {
		t.Errorf("%d token requests after %s, want 2: the domain is tried again", n, unreachableFor)
	}
}
