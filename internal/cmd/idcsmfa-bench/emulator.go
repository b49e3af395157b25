package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// emulatorProcess is the idcs-emulator command running on loopback, driven through its
// /emulator/v1 namespace (stats, faults, factors), which it does not count in its stats.
type emulatorProcess struct {
	cmd     *exec.Cmd
	url     string
	http    *http.Client
	done    chan struct{} // closed when the process has exited
	waitErr error         // its exit status, set before done is closed
}

var readyURL = regexp.MustCompile(`http://[^\s"']+`)

// startEmulator starts the emulator with the bench's users and waits for its ready line.
// extra are further flags, such as -rate-limits.
func startEmulator(ctx context.Context, bin, usersFile, logFile string, extra ...string) (*emulatorProcess, error) {
	log, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	// -quiet: the emulator's per-request log lines would cost CPU the provider is measured on.
	cmd := exec.Command(bin, append([]string{"-listen", "127.0.0.1:0", "-users", usersFile, "-seed", "1", "-quiet"}, extra...)...)
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = log.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return nil, fmt.Errorf("start emulator: %w", err)
	}
	e := &emulatorProcess{cmd: cmd, http: &http.Client{Timeout: 30 * time.Second}, done: make(chan struct{})}

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			_, _ = fmt.Fprintln(log, line)
			if m := readyURL.FindString(line); m != "" && !sent {
				found <- m
				sent = true
			}
		}
		e.waitErr = cmd.Wait()
		_ = log.Close()
		close(e.done)
	}()

	select {
	case u := <-found:
		e.url = u
		return e, nil
	case <-e.done:
		return nil, fmt.Errorf("emulator exited before it was ready (%v); see %s", e.waitErr, logFile)
	case <-time.After(30 * time.Second):
		e.stop()
		return nil, fmt.Errorf("emulator printed no ready line within 30s; see %s", logFile)
	case <-ctx.Done():
		e.stop()
		return nil, ctx.Err()
	}
}

func (e *emulatorProcess) stop() {
	if e.cmd.Process == nil {
		return
	}
	_ = e.cmd.Process.Signal(os.Interrupt)
	select {
	case <-e.done:
	case <-time.After(5 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.done
	}
}

func (e *emulatorProcess) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return fmt.Errorf("emulator %s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("emulator %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("emulator %s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

func (e *emulatorProcess) stats(ctx context.Context) (emulator.Stats, error) {
	var s emulator.Stats
	err := e.do(ctx, http.MethodGet, "/emulator/v1/stats", nil, &s)
	return s, err
}

func (e *emulatorProcess) resetStats(ctx context.Context) error {
	return e.do(ctx, http.MethodPost, "/emulator/v1/stats/reset", nil, nil)
}

// resetRateLimits empties the windows of -rate-limits: each measured phase starts with the
// domain's whole budget, as it would after a quiet minute.
func (e *emulatorProcess) resetRateLimits(ctx context.Context) error {
	return e.do(ctx, http.MethodPost, "/emulator/v1/rate-limits/reset", nil, nil)
}

func (e *emulatorProcess) setFaults(ctx context.Context, f emulator.Faults) error {
	return e.do(ctx, http.MethodPut, "/emulator/v1/faults", f, nil)
}

// factors lists every factor of a user as the emulator knows it, pending ones included.
func (e *emulatorProcess) factors(ctx context.Context, userID string) ([]emulator.FactorInfo, error) {
	var body struct {
		Factors []emulator.FactorInfo `json:"factors"`
	}
	if err := e.do(ctx, http.MethodGet, "/emulator/v1/users/"+userID+"/factors", nil, &body); err != nil {
		return nil, err
	}
	return body.Factors, nil
}
