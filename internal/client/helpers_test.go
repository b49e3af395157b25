package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingLogger keeps every log entry, to check what a log would show.
type recordingLogger struct {
	mu      sync.Mutex
	entries []map[string]any
}

func (l *recordingLogger) Debug(_ context.Context, _ string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fields)
}

func (l *recordingLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, _ := json.Marshal(l.entries)
	return string(b)
}

func (l *recordingLogger) all() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]map[string]any(nil), l.entries...)
}

// fastConfig keeps retries quick in tests.
func fastConfig(host string) Config {
	return Config{
		Host:         host,
		AccessToken:  "static-access-token-0123456789",
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
}

func newTestClient(t *testing.T, h http.Handler, mod ...func(*Config)) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := fastConfig(srv.URL)
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, srv
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, body)
}

// dropConnection closes the TCP connection without an answer, as a lost response looks.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

type example struct {
	Name         string  `json:"name"`
	Code         int     `json:"code"`
	RequestBody  rawText `json:"request_body"`
	ResponseBody string  `json:"response_body"`
}

// rawText is a body kept as text; form bodies are stored as objects in the file.
type rawText string

func (r *rawText) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*r = rawText(s)
		return nil
	}
	*r = rawText(b)
	return nil
}

type exampleRequest struct {
	Source      string    `json:"source"`
	Name        string    `json:"name"`
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	RequestBody rawText   `json:"request_body"`
	Examples    []example `json:"examples"`
}

func loadExamples(t testing.TB) []exampleRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "conformance", "mfa_examples.json"))
	if err != nil {
		t.Fatalf("reading examples: %v", err)
	}
	var out []exampleRequest
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decoding examples: %v", err)
	}
	return out
}

func mfaExamples(t testing.TB) []exampleRequest {
	var out []exampleRequest
	for _, r := range loadExamples(t) {
		if strings.Contains(r.URL, "/mfa/v1/") {
			out = append(out, r)
		}
	}
	if len(out) < 35 {
		t.Fatalf("only %d /mfa/v1 examples found", len(out))
	}
	return out
}

func asAPIError(err error, target **APIError) bool { return errors.As(err, target) }
func isErr(err, target error) bool                 { return errors.Is(err, target) }

func decodeAnswer[T any](status int, h http.Header, body []byte, path string) (*T, error) {
	var out T
	if err := decodeResult(status, h, body, request{method: http.MethodGet, path: path, out: &out}, nil); err != nil {
		return nil, err
	}
	return &out, nil
}
