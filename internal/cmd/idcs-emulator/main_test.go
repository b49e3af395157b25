package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCommandServesAndStopsCleanly builds the command, starts it on port 0 with a users
// file, reads the ready line, makes a token and an API call, and stops it with SIGTERM.
func TestCommandServesAndStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "idcs-emulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	users := filepath.Join(dir, "users.json")
	if err := os.WriteFile(users, []byte(`[{"id":"0123456789abcdef0123456789abcdef","userName":"ci.user","email":"ci.user@example.com","locked":false},{"userName":"no.id"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-listen", "127.0.0.1:0", "-users", users, "-client-id", "ci", "-client-secret", "ci-secret-value", "-otp-length", "8")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no ready line: %v; stderr: %s", err, stderr.String())
	}
	base := regexp.MustCompile(`http://[^\s]+`).FindString(line)
	if base == "" || strings.HasSuffix(base, ":0") {
		t.Fatalf("ready line %q has no usable http://ADDR", line)
	}

	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"urn:opc:idm:__myscopes__"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth2/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("ci", "ci-secret-value")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPost, base+"/mfa/v1/users/0123456789abcdef0123456789abcdef/factors", strings.NewReader(`{"method":"EMAIL"}`))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("enroll the file's user: %d", resp.StatusCode)
	}
	resp, err = http.Get(base + "/emulator/v1/messages")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Messages []struct {
			OTP       string `json:"otp"`
			Recipient string `json:"recipient"`
		} `json:"messages"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	_ = resp.Body.Close()
	if len(out.Messages) != 1 || len(out.Messages[0].OTP) != 8 || out.Messages[0].Recipient != "ci.user@example.com" {
		t.Fatalf("outbox: %+v", out)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
	}
	log := stderr.String()
	if !strings.Contains(log, "path=/mfa/v1/users/0123456789abcdef0123456789abcdef/factors") {
		t.Fatalf("request not logged: %s", log)
	}
	for _, secret := range []string{"ci-secret-value", tok.AccessToken, out.Messages[0].OTP} {
		if strings.Contains(log, secret) {
			t.Fatalf("a secret appears in the log")
		}
	}
}

func TestBadFlagsAndFilesAreRefused(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte(`[{"id":"xyz","userName":"a"}]`), 0o600)
	dup := filepath.Join(dir, "dup.json")
	_ = os.WriteFile(dup, []byte(`[{"userName":"a"},{"userName":"A"}]`), 0o600)
	notJSON := filepath.Join(dir, "x.json")
	_ = os.WriteFile(notJSON, []byte(`{"userName":"a"}`), 0o600)
	for _, args := range [][]string{
		{"-users", bad}, {"-users", dup}, {"-users", notJSON}, {"-users", filepath.Join(dir, "missing.json")},
		{"-enabled-factors", "SMS,FAX"}, {"-error-rate", "1.5"}, {"-otp-length", "2"},
		{"-trusted-cert", bad}, {"extra-arg"},
	} {
		var stdout, stderr strings.Builder
		if err := run(append([]string{"-listen", "127.0.0.1:0"}, args...), &stdout, &stderr); err == nil {
			t.Errorf("%v accepted", args)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v printed a ready line: %s", args, stdout.String())
		}
	}
}
