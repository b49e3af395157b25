package client

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

// scriptedStatuses answers the n-th request with statuses[n-1] (then 200), counting them.
func scriptedStatuses(statuses ...int) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		if i <= len(statuses) {
			w.Header().Set("Retry-After", "0")
			writeJSON(w, statuses[i-1], `{"status":"failed","cause":[{"code":"AUTH-1112","message":"scripted"}]}`)
			return
		}
		writeJSON(w, 200, `{"status":"success","requestId":"r1","factors":[]}`)
	}), &n
}

// The unprocessed policy (V1 here) retries 429s but never a 5xx: the server may have sent a
// passcode before failing.
func TestUnprocessedPolicyRetriesOnlyWhatWasNotProcessed(t *testing.T) {
	h, n := scriptedStatuses(429, 429, 429)
	c, _ := newTestClient(t, h)
	if _, err := c.InitiateVerification(context.Background(), VerificationRequest{UserID: "u1"}); err != nil || n.Load() != 4 {
		t.Fatalf("after three 429s: err %v, %d attempts (want 4)", err, n.Load())
	}
	h, n = scriptedStatuses(500, 500)
	c, _ = newTestClient(t, h)
	_, err := c.InitiateVerification(context.Background(), VerificationRequest{UserID: "u1"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 || n.Load() != 1 {
		t.Fatalf("after a 500: err %v, %d attempts (want 1)", err, n.Load())
	}
}

// RetryMax binds inside retryablehttp (it is no longer raised by the 429 budget): failures
// are retried RetryMax times from the call's start or its last 429.
func TestFailureBudgetCountsFromTheLast429(t *testing.T) {
	h, n := scriptedStatuses(500, 500, 429, 500, 500, 500, 500)
	c, _ := newTestClient(t, h, func(cfg *Config) { cfg.RetryMax = 2 })
	_, err := c.ListFactors(context.Background(), "u1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 {
		t.Fatalf("err = %v, want the last 500", err)
	}
	// 500, 500, 429 (two failures retried), then 500, 500, 500 (two more): six attempts.
	if n.Load() != 6 {
		t.Errorf("attempts = %d, want 6", n.Load())
	}
}

// RenameFactor is idempotent: a dropped answer is retried like a read.
func TestRenameFactorIsRetried(t *testing.T) {
	var n atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch || r.URL.Path != "/mfa/v1/users/u1/factors/f1" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		if n.Add(1) == 1 {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, `{"status":"success"}`)
	}))
	if err := c.RenameFactor(context.Background(), "u1", "f1", "Joe's token"); err != nil || n.Load() != 2 {
		t.Fatalf("err %v after %d PATCHes, want success after 2", err, n.Load())
	}
}
