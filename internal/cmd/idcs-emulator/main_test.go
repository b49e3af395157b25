package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
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

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
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
	if err := os.WriteFile(users, []byte(`[{"id":"0123456789abcdef0123456789abcdef","userName":"ci.user","email":"ci.user@example.com","locked":false,"password":"ci-user-pw"},{"userName":"no.id"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-listen", "127.0.0.1:0", "-users", users, "-client-id", "ci", "-client-secret", "ci-secret-value", "-otp-length", "8",
		"-totp-period", "60s", "-totp-digits", "7", "-totp-algorithm", "sha256")
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
	// The file's password gives the user a token (password grant with the Me application)
	// that reads /admin/v1/Me.
	form = url.Values{"grant_type": {"password"}, "scope": {"urn:opc:idm:__myscopes__"}, "username": {"ci.user"}, "password": {"ci-user-pw"}}
	req, _ = http.NewRequest(http.MethodPost, base+"/oauth2/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(emulator.DefaultSelfServiceClientID, emulator.DefaultSelfServiceClientSecret)
	var userTok struct {
		AccessToken string `json:"access_token"`
	}
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&userTok)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || userTok.AccessToken == "" {
		t.Fatalf("password grant: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/admin/v1/Me", nil)
	req.Header.Set("Authorization", "Bearer "+userTok.AccessToken)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	var me struct {
		ID string `json:"id"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&me)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || me.ID != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("GET /admin/v1/Me with the file user's token: %d %q", resp.StatusCode, me.ID)
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
	// The TOTP flags reach the otpauth URI an app would scan.
	req, _ = http.NewRequest(http.MethodPost, base+"/mfa/v1/users/0123456789abcdef0123456789abcdef/factors", strings.NewReader(`{"method":"TOTP","offlineTOTP":true}`))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var totp struct {
		QRCode struct {
			Content string `json:"content"`
		} `json:"qrCode"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&totp)
	_ = resp.Body.Close()
	qr, err := url.Parse(totp.QRCode.Content)
	if err != nil || qr.Query().Get("period") != "60" || qr.Query().Get("digits") != "7" || qr.Query().Get("algorithm") != "SHA256" {
		t.Fatalf("TOTP flags not in the otpauth URI %q (%v)", totp.QRCode.Content, err)
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
		{"-enabled-factors", "SMS,FAX"}, {"-error-rate", "1.5"}, {"-otp-length", "2"}, {"-totp-period", "1m0.5s"},
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

// Each passcode and TOTP flag outside Oracle's range stops the command with a message that
// names the flag and the range.
func TestDomainSettingFlagsAreCheckedAtStartup(t *testing.T) {
	for _, c := range []struct{ flag, value, says string }{
		{"-totp-period", "29s", "30 to 300"},
		{"-totp-period", "301s", "30 to 300"},
		{"-totp-period", "45500ms", "whole seconds"},
		{"-totp-period", "0s", "zero"},
		{"-totp-digits", "3", "4 to 10"},
		{"-totp-digits", "11", "4 to 10"},
		{"-totp-digits", "0", "zero"},
		{"-totp-algorithm", "MD5", "not MD5"},
		{"-totp-algorithm", "SHA3-256", "SHA1, SHA256, SHA384, SHA512"},
		{"-totp-algorithm", "", "empty"},
		{"-otp-length", "11", "4 to 10"},
		{"-rate-limits", "gold", "free, oracle-apps"},
	} {
		var stdout, stderr strings.Builder
		err := run([]string{"-listen", "127.0.0.1:0", c.flag, c.value}, &stdout, &stderr)
		if err == nil || !strings.HasPrefix(err.Error(), c.flag+": ") || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s %q: %v; want an error naming the flag and saying %q", c.flag, c.value, err, c.says)
		}
		if stdout.Len() != 0 {
			t.Errorf("%s %q printed a ready line", c.flag, c.value)
		}
	}
}

func TestDomainSettingFlagsReachTheConfig(t *testing.T) {
	var stderr strings.Builder
	o, err := parseFlags([]string{"-totp-period", "90s", "-totp-digits", "8", "-totp-algorithm", "sha512", "-otp-length", "7", "-count-sent-otps", "-quiet", "-rate-limits", "free"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := buildConfig(o, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TOTPPeriod != 90*time.Second || cfg.TOTPDigits != 8 || cfg.TOTPAlgorithm != "sha512" || cfg.OTPLength != 7 || !cfg.CountSentOTPs || cfg.RateLimits != "free" {
		t.Fatalf("config %+v", cfg)
	}
	o, _ = parseFlags(nil, &stderr)
	if cfg, _ := buildConfig(o, &stderr); cfg.TOTPPeriod != 30*time.Second || cfg.TOTPDigits != 6 || cfg.TOTPAlgorithm != "SHA1" || cfg.CountSentOTPs {
		t.Fatalf("defaults %+v, want Oracle's 30s / 6 / SHA1", cfg)
	}
}

// A -trusted-cert file may keep the private key beside the certificate (as openssl req
// -keyout writes them together); the key is skipped and the x5t printed.
func TestTrustedCertFileWithItsKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "custom-ui"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "custom-ui.pem")
	data := append(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	o, _ := parseFlags([]string{"-trusted-cert", file, "-quiet"}, &stderr)
	cfg, err := buildConfig(o, &stderr)
	if err != nil || len(cfg.TrustedCerts) != 1 {
		t.Fatalf("%v, %d certificates", err, len(cfg.TrustedCerts))
	}
	if want := "x5t=" + emulator.X5T(cfg.TrustedCerts[0]); !strings.Contains(stderr.String(), want) {
		t.Fatalf("stderr %q lacks %s", stderr.String(), want)
	}
}
