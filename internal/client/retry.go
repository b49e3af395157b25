package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryMode is chosen per request and travels in the request context, because one
// retryablehttp client serves calls with different safety.
type retryMode int

const (
	// retryAll: idempotent calls (GET, DELETE, PUT-like PATCH) retry 429, 5xx and
	// connection failures.
	retryAll retryMode = iota
	// retryUnprocessed: non-idempotent calls (enroll, passcode submission) retry only what
	// the server certainly did not process: 429, and a connection that could not be opened.
	// Ambiguous failures go back to the caller, which checks the server's state first.
	retryUnprocessed
)

type retryModeKey struct{}

func withRetryMode(ctx context.Context, m retryMode) context.Context {
	return context.WithValue(ctx, retryModeKey{}, m)
}

func retryModeFrom(ctx context.Context) retryMode {
	m, _ := ctx.Value(retryModeKey{}).(retryMode)
	return m
}

// RateLimitRetryMax bounds the retries of one call answered 429. A 429 is back-pressure, not
// a failure: with Terraform's ten concurrent operations against a 10 req/s domain, a call may
// be turned away many times in a row, and giving up after the failure budget (RetryMax) would
// fail a large apply on one unlucky call. Each wait honours Retry-After (at least a second on
// the identity domain), so this allows minutes of waiting, still bounded by the context.
const RateLimitRetryMax = 120

// checkRetry decides whether to retry, with one budget for 429s and another (retryMax) for
// failures; retryablehttp's own RetryMax is set to their sum so it never binds first.
func checkRetry(retryMax int) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		var retry bool
		if retryModeFrom(ctx) == retryUnprocessed {
			if err != nil {
				retry = isDialError(err)
			} else {
				retry = resp.StatusCode == http.StatusTooManyRequests
			}
		} else {
			var perr error
			retry, perr = retryablehttp.DefaultRetryPolicy(ctx, resp, err)
			if perr != nil {
				return false, perr
			}
		}
		if !retry {
			return false, nil
		}
		a, ok := ctx.Value(attemptKey{}).(*attempts)
		if !ok {
			return true, nil
		}
		if err == nil && resp.StatusCode == http.StatusTooManyRequests {
			return int(a.rateLimited.Add(1)) <= RateLimitRetryMax, nil
		}
		return int(a.failures.Add(1)) <= retryMax, nil
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
