package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

func sendJSON(t *testing.T, req *http.Request, out any) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// Issue 27 items 9 and 10: every policy flag reaches the Config, and one outside Oracle's
// range stops the command naming the flag.
func TestPolicyFlags(t *testing.T) {
	var stderr strings.Builder
	o, err := parseFlags([]string{"-quiet", "-totp-tolerance", "2", "-max-enrolled-devices", "3", "-user-enrollment-disabled-factors", "sms, offlinetotp",
		"-mfa-enrollment-type", "Required", "-bypass-code-length", "10", "-bypass-code-max-active", "2", "-password-max-incorrect-attempts", "-1",
		"-security-questions-to-set-up", "4", "-security-questions-to-answer", "2", "-security-answer-min-length", "8", "-security-answer-max-length", "40"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := buildConfig(o, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	want := emulator.Config{TOTPTolerance: 2, MaxEnrolledDevices: 3, MFAEnrollmentType: "Required", BypassCodeLength: 10, BypassCodeMaxActive: 2,
		PasswordMaxIncorrectAttempts: -1, SecurityQuestionsToSetUp: 4, SecurityQuestionsToAnswer: 2, SecurityAnswerMinLength: 8, SecurityAnswerMaxLength: 40}
	if cfg.TOTPTolerance != want.TOTPTolerance || cfg.MaxEnrolledDevices != want.MaxEnrolledDevices || cfg.MFAEnrollmentType != want.MFAEnrollmentType ||
		cfg.BypassCodeLength != want.BypassCodeLength || cfg.BypassCodeMaxActive != want.BypassCodeMaxActive ||
		cfg.PasswordMaxIncorrectAttempts != want.PasswordMaxIncorrectAttempts || cfg.SecurityQuestionsToSetUp != want.SecurityQuestionsToSetUp ||
		cfg.SecurityQuestionsToAnswer != want.SecurityQuestionsToAnswer || cfg.SecurityAnswerMinLength != want.SecurityAnswerMinLength ||
		cfg.SecurityAnswerMaxLength != want.SecurityAnswerMaxLength || strings.Join(cfg.UserEnrollmentDisabledFactors, ",") != "SMS,OFFLINETOTP" {
		t.Fatalf("config %+v", cfg)
	}
	for _, c := range []struct{ flag, value string }{
		{"-totp-tolerance", "4"}, {"-max-enrolled-devices", "0"}, {"-max-enrolled-devices", "21"},
		{"-user-enrollment-disabled-factors", "FAX"}, {"-mfa-enrollment-type", "Sometimes"}, {"-bypass-code-length", "7"},
		{"-bypass-code-max-active", "7"}, {"-security-answer-max-length", "101"}, {"-security-questions-to-answer", "4"},
	} {
		var stdout, stderr strings.Builder
		err := run([]string{"-listen", "127.0.0.1:0", "-quiet", c.flag, c.value}, &stdout, &stderr)
		if err == nil || !strings.HasPrefix(err.Error(), c.flag+": ") {
			t.Errorf("%s %s: %v; want an error naming the flag", c.flag, c.value, err)
		}
	}
}

// Issue 27 item 8: the command's server caps request headers (431) and stays small under 200
// concurrent requests with 100 KB headers (Go's default 1 MB cap accepted them: 401 here).
func TestLargeHeadersAreRefusedAndBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(emulator.New(emulator.Config{}))
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()

	req := []byte("GET /admin/v1/Users HTTP/1.1\r\nHost: emulator\r\nX-Padding: " + strings.Repeat("a", 100<<10) + "\r\n\r\n")
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	statuses := make(chan string, 200)
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
			if err != nil {
				statuses <- err.Error()
				return
			}
			defer func() { _ = c.Close() }()
			_ = c.SetDeadline(time.Now().Add(20 * time.Second))
			_, _ = c.Write(req)
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil {
				statuses <- err.Error()
				return
			}
			statuses <- strings.TrimSpace(line)
		}()
	}
	wg.Wait()
	close(stop)
	close(statuses)
	bad := map[string]int{}
	for s := range statuses {
		if !strings.Contains(s, " 431 ") {
			bad[s]++
		}
	}
	if len(bad) > 0 {
		t.Errorf("answers other than 431: %v", bad)
	}
	if grew := int64(peak.Load()) - int64(before.HeapInuse); grew > 100<<20 {
		t.Errorf("the heap grew by %d MB under 200 large-header requests; want at most 100 MB", grew>>20)
	} else {
		t.Logf("heap growth under 200 concurrent 100 KB-header requests: %.1f MB", float64(grew)/(1<<20))
	}
}
