package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryPolicy says which failures a request may retry; it is a field of the request and
// picks one of the Client's two retryablehttp clients.
type retryPolicy int

const (
	// retrySafe: idempotent calls (GET, DELETE, PUT-like PATCH) retry 5xx and connection
	// failures, sent or not.
	retrySafe retryPolicy = iota
	// retryUnprocessed: non-idempotent calls (enroll, passcode submission) retry only a
	// connection that could not be opened, which the server certainly did not process.
	// Ambiguous failures go back to the caller, which checks the server's state first.
	retryUnprocessed
)

// RateLimitRetryMax bounds the retries of one call answered 429. A 429 is back-pressure, not
// a failure: with Terraform's ten concurrent operations against a 10 req/s domain, a call may
// be turned away many times in a row, and giving up after the failure budget (RetryMax) would
// fail a large apply on one unlucky call. Each wait honours Retry-After (at least a second on
// the identity domain), so this allows minutes of waiting, still bounded by the context.
// Both policies retry a 429: the server answered it without doing anything.
const RateLimitRetryMax = 120

// The CheckRetry of each policy. Neither retries a 429: rateLimitWaiter, above
// retryablehttp, waits those out with their own budget, so that retryablehttp's RetryMax is
// the failure budget alone.
func checkRetry(p retryPolicy) retryablehttp.CheckRetry {
	if p == retryUnprocessed {
		return func(ctx context.Context, _ *http.Response, err error) (bool, error) {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return err != nil && isDialError(err) && retryDial(ctx, err), nil
		}
	}
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if err == nil && resp.StatusCode == http.StatusTooManyRequests {
			return false, nil
		}
		if err != nil && isDialError(err) && ctx.Err() == nil {
			return retryDial(ctx, err), nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
}

// rateLimitWaiter sends a request through one retry policy and, each time the answer is 429,
// waits as long as Retry-After asks and sends the request again with the current bearer
// token, at most RateLimitRetryMax times. It is also the token request's RoundTripper.
type rateLimitWaiter struct {
	policy  *retryablehttp.Client
	prepare func(*http.Request) error // puts the current token on a request sent again
}

// RoundTrip is do for an http.Client (the token request's), which wraps the error in a
// *url.Error itself: the one retryablehttp's client already wrapped it in is taken off, as
// retryablehttp's own RoundTripper does.
func (w rateLimitWaiter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.do(req)
	if ue, ok := err.(*url.Error); ok {
		return resp, ue.Err
	}
	return resp, err
}

func (w rateLimitWaiter) do(req *http.Request) (*http.Response, error) {
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, err
	}
	for waited := 0; ; waited++ {
		resp, err := w.policy.Do(rreq)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || waited >= RateLimitRetryMax {
			return resp, err
		}
		wait := backoff(w.policy.RetryWaitMin, w.policy.RetryWaitMax, waited, resp)
		// exchangeTransport read the body into memory; closing it cannot fail.
		_ = resp.Body.Close()
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		// The transport may still hold the request it sent; the next one is a copy, as
		// retryablehttp makes for its own retries.
		next := *rreq.Request
		rreq.Request = &next
		if err := w.prepare(rreq.Request); err != nil {
			return nil, err
		}
	}
}

// isDialError: the connection was never established, so nothing was sent.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// backoff honours Retry-After (seconds or HTTP date, capped at max) and otherwise waits a
// capped exponential time with jitter, so that many concurrent callers do not retry in step.
func backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if d > max {
				d = max
			}
			// Never earlier than asked; a little later for some, to spread the herd.
			return d + jitter(d/10+min/2)
		}
	}
	return expBackoff(min, max, attempt)
}

func expBackoff(min, max time.Duration, attempt int) time.Duration {
	if min <= 0 {
		min = time.Millisecond
	}
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	// "Equal jitter": half fixed, half random.
	return d/2 + jitter(d/2)
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > 86400 {
			secs = 86400
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func backoffFor(c *Client, attempt int) time.Duration {
	return expBackoff(c.waitMin, c.waitMax, attempt)
}
