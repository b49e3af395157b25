package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// maxBody bounds what the client reads of any answer.
const maxBody = 16 << 20

type attemptKey struct{}

// attempts numbers the log entries of one logical request (retries included). It is the only
// request-scoped value the context carries: no retry decision reads it.
type attempts struct{ n atomic.Int32 }

func withAttempts(ctx context.Context) context.Context {
	return context.WithValue(ctx, attemptKey{}, &attempts{})
}

// attemptsSent is how many times a request made with ctx (from withAttempts) was sent.
func attemptsSent(ctx context.Context) int {
	if a, ok := ctx.Value(attemptKey{}).(*attempts); ok {
		return int(a.n.Load())
	}
	return 0
}

// exchangeTransport sits under the retry layer, so it sees every attempt: it sets the
// User-Agent, reads the whole answer (a connection dropped mid-body is then an error the retry
// policy sees, not a truncated JSON later), and logs each exchange redacted.
type exchangeTransport struct {
	next      http.RoundTripper
	userAgent string
	log       Logger
}

func (t *exchangeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	req = req.Clone(ctx)
	req.Header.Set("User-Agent", t.userAgent)
	attempt := 1
	if a, ok := ctx.Value(attemptKey{}).(*attempts); ok {
		attempt = int(a.n.Add(1))
	}

	var reqBody []byte
	if t.log != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, maxBody))
			_ = rc.Close()
		}
	}

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	var respBody []byte
	if err == nil {
		respBody, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
		// Everything was read; a close error changes nothing for the caller.
		_ = resp.Body.Close()
		if err != nil {
			err = fmt.Errorf("reading the answer (HTTP %d): %w", resp.StatusCode, err)
			resp = nil
		} else {
			resp.Body = io.NopCloser(bytes.NewReader(respBody))
			resp.ContentLength = int64(len(respBody))
		}
	}

	if t.log != nil {
		fields := map[string]any{
			"method":          req.Method,
			"path":            req.URL.Path,
			"attempt":         attempt,
			"duration_ms":     time.Since(start).Milliseconds(),
			"request_headers": RedactHeaders(req.Header),
		}
		if q := req.URL.RawQuery; q != "" {
			fields["query"] = req.URL.Query().Encode()
		}
		// The server may echo a secret the request carried in a text field of its answer.
		sent := append(requestSecrets(req.Header, reqBody), selfServiceSecrets(req.URL.Path, reqBody, respBody)...)
		if b := RedactBody(req.Header.Get("Content-Type"), reqBody); b != "" {
			fields["request_body"] = scrub(b, sent)
		}
		if err != nil {
			fields["error"] = scrub(err.Error(), sent)
		} else {
			fields["status"] = resp.StatusCode
			if b := RedactBody(resp.Header.Get("Content-Type"), respBody); b != "" {
				fields["response_body"] = scrub(b, sent)
			}
			if ra := resp.Header.Get("Retry-After"); ra != "" {
				fields["retry_after"] = ra
			}
			if ecid := resp.Header.Get("X-Oracle-Dms-Ecid"); ecid != "" {
				fields["ecid"] = ecid
			}
		}
		t.log.Debug(ctx, "identity domain HTTP exchange", fields)
	}
	return resp, err
}
