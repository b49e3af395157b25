package client

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

// An error answer says how many times the request was sent and over how long: a 5xx after
// the retries ran out is told apart from one answered at once.
func TestAPIErrorCountsAttempts(t *testing.T) {
	var deletes atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			deletes.Add(1)
			writeJSON(w, 500, `{"status":"failed","cause":[{"code":"AUTH-1112","message":"Unexpected error."}]}`)
			return
		}
		writeJSON(w, 404, `{"status":"failed","cause":[{"code":"AUTH-1014","message":"Device not found."}]}`)
	}), func(cfg *Config) { cfg.RetryMax = 2 })

	err := c.DeleteFactor(context.Background(), "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Attempts != 3 || int(deletes.Load()) != 3 || apiErr.Elapsed <= 0 {
		t.Fatalf("delete: %v (attempts %d, elapsed %s, sent %d); want a 500 after 3 attempts", err, attemptsOf(apiErr), elapsedOf(apiErr), deletes.Load())
	}
	_, err = c.GetFactor(context.Background(), "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210")
	if !errors.As(err, &apiErr) || apiErr.Attempts != 1 {
		t.Fatalf("get: %v (attempts %d); want one attempt", err, attemptsOf(apiErr))
	}
}

func attemptsOf(e *APIError) int {
	if e == nil {
		return 0
	}
	return e.Attempts
}

func elapsedOf(e *APIError) string {
	if e == nil {
		return "-"
	}
	return e.Elapsed.String()
}
