package client

import (
	"context"
	"errors"
	"net"
	"net/url"
)

// ErrUnreachable matches the error of a call that could not reach the identity domain: its
// host does not resolve, or no connection to it could be opened. Nothing was sent.
var ErrUnreachable = errors.New("cannot reach the identity domain")

// UnreachableError is a call that could not open a connection to Host (*UnreachableError
// matches ErrUnreachable). It is never ambiguous: nothing was sent.
type UnreachableError struct {
	Operation string // "METHOD /path", as in APIError
	Host      string // the identity domain's host name, as configured
	Err       error  // the dialer's error
}

func (e *UnreachableError) Error() string {
	return e.Operation + ": cannot reach the identity domain at " + e.Host + ": " + e.Err.Error()
}

func (e *UnreachableError) Unwrap() []error { return []error{ErrUnreachable, e.Err} }

// dialAttempts is how many times a request whose connection could not be opened is tried in
// all. A host that does not resolve is tried once: no retry makes it resolve (a mistyped
// host should fail in a second, not after the failure budget's 40 seconds). A refused or
// failed connection gets two quick retries (the backoff's first steps, under a second), for
// a load balancer that is restarting; more would only delay the error.
const dialAttempts = 3

// retryDial reports whether err, which isDialError, is worth another attempt of the request
// whose context is ctx (see withAttempts).
func retryDial(ctx context.Context, err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false
	}
	return attemptsSent(ctx) < dialAttempts
}

// unwrapURLError drops the *url.Error around a transport's error: it repeats the request's
// method and URL, query included, which the operation already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Hostname()
	}
	return rawURL
}
