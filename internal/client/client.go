package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

const (
	maxIdleConnsPerHost = 32
	dialTimeout         = 5 * time.Second
)

// Client talks to one identity domain. It is safe for concurrent use.
type Client struct {
	base *url.URL
	// One retryablehttp client per retryPolicy, both over the same http.Client (one
	// transport, one connection pool). The RetryMax of each is the failure budget.
	safe, unprocessed *retryablehttp.Client
	tokens            tokenSource
	secrets           []string // configured secrets, scrubbed from any error text
	// Retry settings also used by the loops that repeat a non-idempotent call after
	// checking the server's state (Enroll, CreateUser).
	retryMax         int
	waitMin, waitMax time.Duration
	// commitTimeout bounds a started call that changes the service (see commit).
	commitTimeout time.Duration
}

// Host is the identity domain's base URL, normalized (scheme, host, no trailing slash).
func (c *Client) Host() string { return c.base.String() }

// New validates cfg and returns a Client. No request is made: the token is fetched by the
// first API call.
func New(cfg Config) (*Client, error) {
	base, err := normalizeHost(cfg.Host)
	if err != nil {
		return nil, err
	}
	hasCC := cfg.ClientID != "" || cfg.ClientSecret != ""
	switch {
	case hasCC && cfg.AccessToken != "":
		return nil, errors.New("set either client credentials (client_id and client_secret) or an access token, not both")
	case !hasCC && cfg.AccessToken == "":
		return nil, errors.New("no credentials: set client_id and client_secret of a confidential application with the \"MFA Client\" app role, or an access token")
	case hasCC && (cfg.ClientID == "" || cfg.ClientSecret == ""):
		return nil, errors.New("client credentials need both client_id and client_secret")
	case (cfg.Username != "" || cfg.Password != "") && (cfg.Username == "" || cfg.Password == ""):
		return nil, errors.New("the password grant needs both the user's username and password")
	case cfg.Username != "" && !hasCC:
		return nil, errors.New("the password grant needs the client_id and client_secret of a client with the \"Me\" app role")
	}

	ua := cfg.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	var inner http.Client
	if cfg.HTTPClient != nil {
		inner = *cfg.HTTPClient
	} else {
		inner = *cleanhttp.DefaultPooledClient()
	}
	if inner.Transport == nil {
		t := cleanhttp.DefaultPooledTransport()
		// Terraform runs 10 operations at once by default; keep their connections (and TLS
		// sessions) instead of the pool's GOMAXPROCS+1.
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
		// A reachable identity domain accepts a connection in well under a second; an
		// address that drops it (a firewall, a wrong IP) fails after dialTimeout, not 30 s.
		t.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
		inner.Transport = t
	}
	if inner.Timeout == 0 {
		inner.Timeout = DefaultAttemptTimeout
	}
	if cfg.AttemptTimeout > 0 {
		inner.Timeout = cfg.AttemptTimeout
	}
	// The identity domain does not redirect API calls; following one could send the bearer
	// token elsewhere.
	inner.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	retryMax := cfg.RetryMax
	switch {
	case retryMax == 0:
		retryMax = DefaultRetryMax
	case retryMax < 0:
		retryMax = 0
	}
	waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
	if waitMin <= 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = DefaultRetryWaitMax
	}
	if waitMax < waitMin {
		waitMax = waitMin
	}
	capacity, err := checkPacing(cfg.DomainType, cfg.APICapacity)
	if err != nil {
		return nil, err
	}
	paced := &pacedTransport{
		next:    &exchangeTransport{next: inner.Transport, userAgent: ua, log: cfg.Logger},
		pacer:   pacerFor(base.String(), cfg.DomainType, capacity, waitMax),
		timeout: inner.Timeout,
		log:     cfg.Logger,
	}
	inner.Transport = paced
	inner.Timeout = 0 // pacedTransport applies it to each attempt, after its wait
	commitTimeout := cfg.CommitTimeout
	if commitTimeout <= 0 {
		commitTimeout = DefaultCommitTimeout
	}
	c := &Client{base: base, retryMax: retryMax, waitMin: waitMin, waitMax: waitMax, commitTimeout: commitTimeout}
	paced.prepare = c.refreshBearer
	policy := func(p retryPolicy) *retryablehttp.Client {
		return &retryablehttp.Client{
			HTTPClient:   &inner,
			Logger:       nil, // exchanges are logged, redacted, by exchangeTransport
			RetryWaitMin: waitMin,
			RetryWaitMax: waitMax,
			RetryMax:     retryMax,
			CheckRetry:   checkRetry(p),
			Backoff:      backoff,
			// Hand back the last answer (5xx) so it is parsed into an APIError.
			ErrorHandler: retryablehttp.PassthroughErrorHandler,
			PrepareRetry: c.refreshBearer,
		}
	}
	c.safe, c.unprocessed = policy(retrySafe), policy(retryUnprocessed)
	if cfg.AccessToken != "" {
		c.tokens = staticToken(cfg.AccessToken)
		c.secrets = []string{cfg.AccessToken}
	} else {
		tokenURL := base.JoinPath("/oauth2/v1/token").String()
		c.tokens = newCCTokens(tokenURL, cfg, &http.Client{Transport: c.waiter(retrySafe)})
		c.secrets = []string{cfg.ClientSecret, cfg.Password}
	}
	return c, nil
}

// waiter is the layer every request goes through: policy p, and 429s waited out above it.
func (c *Client) waiter(p retryPolicy) rateLimitWaiter {
	rc := c.safe
	if p == retryUnprocessed {
		rc = c.unprocessed
	}
	return rateLimitWaiter{policy: rc, prepare: c.refreshBearer}
}

// request is one logical API call.
type request struct {
	method string
	path   string // already escaped, see pathf
	query  url.Values
	body   any
	out    any
	retry  retryPolicy
}

func (r request) op() string { return r.method + " " + r.path }

// changes: every request but a read changes the service (the API has no POST that only
// reads), so do runs it under commit.
func (r request) changes() bool { return r.method != http.MethodGet }

// do sends r with retries (per r.retry), renews the token once if the server says it expired,
// and decodes the answer into r.out or returns an *APIError.
func (c *Client) do(ctx context.Context, r request) error {
	if r.changes() {
		cctx, done, err := c.commit(ctx, r.op())
		if err != nil {
			return err
		}
		defer done()
		ctx = cctx
	}
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("%s: encoding the request: %w", r.op(), err)
		}
	}
	secrets := append(secretValues(payload), c.secrets...)
	target := c.base.String() + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}

	renewed := false
	for {
		tok, err := c.tokens.token(ctx)
		if err != nil {
			return err
		}
		ans, err := c.send(ctx, r, target, payload, tok)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w", r.op(), ctx.Err())
			}
			if isDialError(err) {
				// Nothing was sent, so nothing can have happened: not ambiguous.
				return &UnreachableError{Operation: r.op(), Host: c.base.Host, Err: unwrapURLError(err)}
			}
			return &NoAnswerError{Operation: r.op(), Err: errors.New(scrub(err.Error(), secrets))}
		}
		if ans.status == http.StatusUnauthorized && !renewed && tokenRejected(r.path, ans.header, ans.body) {
			renewed = true
			if c.tokens.invalidate(ans.token) {
				continue
			}
		}
		err = decodeResult(ans.status, ans.header, ans.body, r, append(secrets, selfServiceSecrets(r.path, payload, ans.body)...))
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			apiErr.Attempts, apiErr.Elapsed = ans.attempts, ans.elapsed
		}
		return err
	}
}

// decodeResult turns an answer into r.out, or into an *APIError.
func decodeResult(status int, header http.Header, body []byte, r request, secrets []string) error {
	if status >= 300 || status < 200 || (strings.HasPrefix(r.path, "/mfa/") && mfaFailed(body)) {
		e := parseError(status, header, body)
		e.Operation = r.op()
		return e.scrub(secrets)
	}
	if r.out != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, r.out); err != nil {
			// The decoder's text can quote the body; say only where it went wrong.
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return fmt.Errorf("%s: the answer (HTTP %d) has a %s where a %s was expected in field %q", r.op(), status, te.Value, te.Type, te.Field)
			}
			return fmt.Errorf("%s: the answer (HTTP %d, %d bytes) is not the expected JSON", r.op(), status, len(body))
		}
	}
	return nil
}

// answer is the outcome of send: the last attempt's answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
	token  string // the bearer token of the last attempt, which refreshBearer may have replaced
	// attempts is how many times the request was sent (retries and 429 waits included), and
	// elapsed the time from the first sending to this answer.
	attempts int
	elapsed  time.Duration
}

// send makes one logical exchange, with the retries of r.retry and the waits of 429s.
func (c *Client) send(ctx context.Context, r request, target string, payload []byte, tok string) (answer, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	actx := withAttempts(ctx)
	req, err := http.NewRequestWithContext(actx, r.method, target, body)
	if err != nil {
		return answer{}, err
	}
	start := time.Now()
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := c.waiter(r.retry).do(req)
	if err != nil {
		return answer{}, err
	}
	// exchangeTransport already read the body into memory; closing it cannot fail.
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return answer{}, err
	}
	used := tok
	if resp.Request != nil {
		used = strings.TrimPrefix(resp.Request.Header.Get("Authorization"), "Bearer ")
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b, token: used,
		attempts: attemptsSent(actx), elapsed: time.Since(start)}, nil
}

// refreshBearer puts the current token on a retried request: a call can wait through several
// Retry-After periods, longer than a short-lived token lives, and retrying with the token of
// its first attempt would then be refused (AUTH-1110) however often it is tried.
func (c *Client) refreshBearer(req *http.Request) error {
	if !strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ") {
		return nil // the token request itself (HTTP Basic)
	}
	tok, err := c.tokens.token(req.Context())
	if err != nil {
		return err
	}
	// retryablehttp's retry is a shallow copy whose header map the earlier attempt shares.
	req.Header = req.Header.Clone()
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// tokenRejected: a 401 that is about the bearer token itself (expired, revoked, unknown), as
// opposed to a 401 about the user's input (wrong passcode, stale requestState, locked user).
func tokenRejected(path string, header http.Header, body []byte) bool {
	if strings.Contains(strings.ToLower(header.Get("WWW-Authenticate")), "invalid_token") {
		return true
	}
	e := parseError(http.StatusUnauthorized, header, body)
	if strings.HasPrefix(path, "/mfa/") {
		return strings.EqualFold(e.Code, "AUTH-1110")
	}
	// SCIM (/admin/v1): a 401 is about the token unless it judged the user's input (a
	// passcode, a locked user, a factor turned off, a stale request of the self-service
	// validator): sending a passcode again with a new token would count it twice.
	return scimSentinel(e.Code) == nil
}

// pathf builds a path from a format with %s verbs and path segments, escaping each segment
// and refusing ones that would change the path's meaning.
func pathf(format string, segments ...string) (string, error) {
	args := make([]any, len(segments))
	for i, s := range segments {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("invalid id %q in the request path", s)
		}
		args[i] = url.PathEscape(s)
	}
	return fmt.Sprintf(format, args...), nil
}
