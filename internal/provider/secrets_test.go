package provider

// Secrets never leave the provider (issue 8): a full enrollment story run by the terraform
// CLI with TF_LOG=TRACE, exactly as a user debugging a problem would run it, must print no
// client secret, access token, passcode or requestState; and the state file must hold no
// passcode anywhere and no requestState once the factors are enrolled.
//
// This test drives the real terraform binary with the provider built as a binary and found
// through dev_overrides, instead of the in-process harness: that way the captured output is
// everything a user sees, Terraform's own TRACE lines and the provider's forwarded log lines
// alike, and the state file (private state included) is at hand.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// buildProviderBinary gives the provider built as a binary, built once per test process (a
// `go build` links a 28 MB binary, about 2.4 CPU-s even with a warm cache, and a dozen tests
// drive the CLI with it) into a directory TestMain removes (removeProviderBinary). The tests
// only read it: terraform's dev_overrides run it from there.
func buildProviderBinary(t *testing.T) string {
	t.Helper()
	providerBinary.once.Do(func() {
		providerBinary.path, providerBinary.err = buildProviderBinaryOnce()
	})
	if providerBinary.err != nil {
		t.Fatal(providerBinary.err)
	}
	return providerBinary.path
}

var providerBinary struct {
	once sync.Once
	path string
	err  error
}

func buildProviderBinaryOnce() (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building the provider binary: go is not on PATH: %w", err)
	}
	dir, err := os.MkdirTemp("", "idcsmfa-provider-")
	if err != nil {
		return "", fmt.Errorf("building the provider binary: %w", err)
	}
	bin := filepath.Join(dir, "terraform-provider-idcsmfa")
	// The emulator's clock tag (emulator_clock.go): a TOTP verification moves the emulator's
	// clock to the next time step instead of waiting for it.
	cmd := exec.Command(goBin, "build", "-tags", "idcsmfa_emulator_clock", "-o", bin, "github.com/idcsmfa/terraform-provider-idcsmfa")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider binary: %w\n%s", err, out)
	}
	return bin, nil
}

// removeProviderBinary removes what buildProviderBinary built, if anything; TestMain calls it
// after the tests.
func removeProviderBinary() {
	if providerBinary.path != "" {
		_ = os.RemoveAll(filepath.Dir(providerBinary.path))
	}
}

// cliRun is a terraform working directory driven through the CLI with the built provider.
type cliRun struct {
	t      *testing.T
	bin    string
	dir    string
	env    []string
	output bytes.Buffer // everything every command printed, stdout and stderr
}

func newCLIRun(t *testing.T, extraEnv ...string) *cliRun {
	t.Helper()
	// Every test that drives the CLI is an acceptance test: make test (no TF_ACC) skips it, as
	// resource.Test skips the others, instead of running it a fourth time on the PATH's CLI.
	requireTFAcc(t)
	provider := buildProviderBinary(t)
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		found, err := exec.LookPath("terraform")
		if err != nil {
			t.Fatalf("terraform is not on PATH and TF_ACC_TERRAFORM_PATH is not set")
		}
		bin = found
	}
	dir := t.TempDir()
	cliCfg := filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"idcsmfa/idcsmfa\" = %q\n  }\n  direct {}\n}\n", filepath.Dir(provider))
	if err := os.WriteFile(cliCfg, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	// A clean environment: no credentials or log settings of the person running the tests.
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TF_CLI_CONFIG_FILE=" + cliCfg,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	}
	return &cliRun{t: t, bin: bin, dir: work, env: append(env, extraEnv...)}
}

func (r *cliRun) writeConfig(cfg string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// writeProviderConfig writes cfg, a configuration of the harness's kind (provider block
// included), after the required_providers block that names the built provider.
func (r *cliRun) writeProviderConfig(cfg string) {
	r.t.Helper()
	r.writeConfig("terraform {\n  required_providers {\n    idcsmfa = { source = \"idcsmfa/idcsmfa\" }\n  }\n}\n" + cfg)
}

// run runs terraform with extra environment (TF_VAR_...) and returns its exit code and what
// this command printed; the output is also kept for the final scan.
func (r *cliRun) run(extraEnv []string, args ...string) (int, string) {
	r.t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(r.bin, args...)
	cmd.Dir = r.dir
	cmd.Env = append(append([]string(nil), r.env...), extraEnv...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	r.output.Write(out.Bytes())
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		r.t.Fatalf("terraform %s: %s", strings.Join(args, " "), err)
	}
	return code, out.String()
}

// destroyThenTrace destroys what the run applied and returns everything terraform printed over
// all its commands, failing the test unless that holds TRACE lines that mention mention (the
// provider's, or the calls the test is about): without them TF_LOG did not take effect and
// no check on the output would mean anything.
func (r *cliRun) destroyThenTrace(extraEnv []string, mention string) string {
	r.t.Helper()
	r.mustRun(0, extraEnv, "destroy", "-auto-approve", "-input=false", "-no-color")
	log := r.output.String()
	if !strings.Contains(log, "[TRACE]") || !strings.Contains(log, mention) {
		r.t.Fatalf("the captured output has no TRACE lines that mention %s: TF_LOG did not take effect", mention)
	}
	return log
}

// mustRun fails the test unless terraform exits with want.
func (r *cliRun) mustRun(want int, extraEnv []string, args ...string) string {
	r.t.Helper()
	code, out := r.run(extraEnv, args...)
	if code != want {
		r.t.Fatalf("terraform %s exited %d, want %d; output (last 4000 bytes):\n%s", strings.Join(args, " "), code, want, lastBytes(out, 4000))
	}
	return out
}

func lastBytes(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// wireSecrets records every secret that crosses the wire between the provider and the
// emulator: access tokens from token answers, requestStates and passcodes from any body.
type wireSecrets struct {
	mu            sync.Mutex
	accessTokens  map[string]bool
	requestStates map[string]bool
	passcodes     map[string]bool
}

func newWireSecrets() *wireSecrets {
	return &wireSecrets{accessTokens: map[string]bool{}, requestStates: map[string]bool{}, passcodes: map[string]bool{}}
}

func (w *wireSecrets) wrap(next http.Handler) http.Handler { return teeBodies(next, w.collect) }

func (w *wireSecrets) collect(body []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	sets := map[string]map[string]bool{"access_token": w.accessTokens, "requestState": w.requestStates, "otpCode": w.passcodes}
	for _, s := range bodySecrets(body) {
		sets[s.field][s.value] = true
	}
}

func (w *wireSecrets) snapshot() (tokens, states, codes []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	keys := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		return out
	}
	return keys(w.accessTokens), keys(w.requestStates), keys(w.passcodes)
}

// bearerValue finds an Authorization header value that was not redacted.
var bearerValue = regexp.MustCompile(`(?i)bearer[\s"':=]+[A-Za-z0-9\-._~+/]{16,}`)

// containsPasscode matches a passcode as a whole number, not as digits inside a longer run
// (a timestamp or an id), which would be chance.
func containsPasscode(haystack, code string) bool {
	return regexp.MustCompile(`(^|[^0-9])` + regexp.QuoteMeta(code) + `([^0-9]|$)`).MatchString(haystack)
}

// secretsProviderBlock is the provider block of the trace-log tests: host, client_id, client_secret.
const secretsProviderBlock = `
terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

provider "idcsmfa" {
  host          = %q
  client_id     = %q
  client_secret = %q
}

`

// secretsPasscodeFactors are an SMS and an email factor of one user (twice %q), with their passcode variables.
const secretsPasscodeFactors = `variable "sms_otp" {
  type      = string
  default   = null
  ephemeral = true
}

variable "email_otp" {
  type      = string
  default   = null
  ephemeral = true
}

variable "sms_otp_version" {
  type    = number
  default = null
}

variable "email_otp_version" {
  type    = number
  default = null
}

variable "sms_resend" {
  type    = number
  default = null
}

resource "idcsmfa_sms_factor" "phone" {
  user_id             = %q
  country_code        = "+44"
  mobile_number       = "7700900321"
  otp_code_wo         = var.sms_otp
  otp_code_wo_version = var.sms_otp_version
  otp_resend_version  = var.sms_resend
}

resource "idcsmfa_email_factor" "mail" {
  user_id             = %q
  otp_code_wo         = var.email_otp
  otp_code_wo_version = var.email_otp_version
}

`

const secretsTestConfig = secretsProviderBlock + secretsPasscodeFactors + `
variable "totp_secret" {
  type      = string
  default   = null
  ephemeral = true
  sensitive = true
}

resource "idcsmfa_totp_factor" "app" {
  user_id                  = %q
  display_name             = "trace test app"
  shared_secret_wo         = var.totp_secret
  shared_secret_wo_version = 1
}
`

// TestAccSecrets_traceLogAndStateHoldNoSecret enrolls an SMS and an email factor, asks for a
// new SMS passcode, submits a wrong one and then the right ones, plans and destroys, all with
// TF_LOG=TRACE, and then searches everything terraform printed and the state file.
func TestAccSecrets_traceLogAndStateHoldNoSecret(t *testing.T) {
	requireTFAcc(t)
	t.Parallel()
	clientID, clientSecret := "idcsmfa-trace-test", "trace-secret-"+randomSuffix(t)+randomSuffix(t)+randomSuffix(t)
	env := newTestEnv(t, func(c *emulator.Config) {
		c.Clients = []emulator.Client{
			{ID: clientID, Secret: clientSecret, Roles: []string{emulator.RoleMFAClient, emulator.RoleUserAdmin}},
			{ID: emulator.DefaultClientID, Secret: emulator.DefaultClientSecret, Roles: []string{emulator.RoleMFAClient, emulator.RoleUserAdmin}},
		}
		// Ten digits: a passcode found in a megabyte of log is then no coincidence.
		c.OTPLength = 10
	})
	env.requireEmulator(t, "reading passcodes and issued tokens")
	wire := newWireSecrets()
	srv := httptest.NewServer(wire.wrap(env.Emulator))
	t.Cleanup(srv.Close)
	userID := env.newUser(t)

	cli := newCLIRun(t, "TF_LOG=TRACE")
	cli.writeConfig(fmt.Sprintf(secretsTestConfig, srv.URL, clientID, clientSecret, userID, userID, userID))
	// A TOTP secret of 200 bits written with spaces, as apps show it: the log is searched for
	// it as written and as sent.
	const totpSecret = "MFRG GZDF MZTW Q2LK NNWG 23TP OBYX E43U OV3H O6DZ PI"
	const wrongPasscode = "9081726354"
	applyArgs := []string{"apply", "-auto-approve", "-input=false", "-no-color"}

	// 1. Enroll the three factors: SMS and email stay pending and their requestStates go to
	// private state; TOTP is enrolled at once from its secret.
	cli.mustRun(0, []string{"TF_VAR_totp_secret=" + totpSecret}, applyArgs...)
	st := readStateFile(t, filepath.Join(cli.dir, "terraform.tfstate"))
	smsID := st.attribute(t, "idcsmfa_sms_factor", "factor_id")
	emailID := st.attribute(t, "idcsmfa_email_factor", "factor_id")
	_, states, _ := wire.snapshot()
	if len(states) < 2 {
		t.Fatalf("the emulator handed out %d requestStates, want at least 2: the test would prove nothing", len(states))
	}
	// The decoder must see what is there, or the checks after enrollment would pass vacuously.
	if !st.privateContainsAny(states) {
		t.Fatalf("no requestState found in the decoded private state of the pending factors: decoder or design changed\n%s", st.privateDump())
	}
	st.assertNoSecretInAttributes(t, states, nil)

	// 2. Ask for a new SMS passcode: a new requestState replaces the old one.
	cli.mustRun(0, []string{"TF_VAR_sms_resend=1"}, applyArgs...)

	// 3. A wrong passcode: the apply fails with the service's answer, the factor stays pending.
	_, out := cli.run([]string{"TF_VAR_sms_resend=1", "TF_VAR_sms_otp=" + wrongPasscode, "TF_VAR_sms_otp_version=1"}, applyArgs...)
	if !strings.Contains(out, "AUTH-1105") {
		t.Fatalf("a wrong passcode should fail with AUTH-1105; output (last 3000 bytes):\n%s", lastBytes(out, 3000))
	}

	// 4. The right passcodes, read from the outbox as the user reads their phone and mailbox.
	smsOTP, emailOTP := env.otp(t, userID, smsID), env.otp(t, userID, emailID)
	good := []string{"TF_VAR_sms_resend=1", "TF_VAR_sms_otp=" + smsOTP, "TF_VAR_sms_otp_version=2",
		"TF_VAR_email_otp=" + emailOTP, "TF_VAR_email_otp_version=1"}
	cli.mustRun(0, good, applyArgs...)
	st = readStateFile(t, filepath.Join(cli.dir, "terraform.tfstate"))
	for _, typ := range []string{"idcsmfa_sms_factor", "idcsmfa_email_factor", "idcsmfa_totp_factor"} {
		if got := st.attribute(t, typ, "status"); got != emulator.StatusEnrolled {
			t.Fatalf("%s status %q after the right passcode, want ENROLLED", typ, got)
		}
	}

	// 5. A plan changes nothing; then destroy.
	cli.mustRun(0, good, "plan", "-input=false", "-no-color", "-detailed-exitcode")

	tokens, states, sentCodes := wire.snapshot()
	var passcodes []string
	for _, m := range env.Emulator.Messages(userID) {
		passcodes = append(passcodes, m.OTP)
	}
	passcodes = append(append(passcodes, sentCodes...), wrongPasscode)
	if len(tokens) == 0 || len(passcodes) < 4 || len(states) < 3 {
		t.Fatalf("recorded %d tokens, %d passcodes, %d requestStates: too few for the checks to mean anything", len(tokens), len(passcodes), len(states))
	}

	// The state after enrollment: no passcode anywhere, no requestState left in private state.
	st.assertEnrolledHoldsNoSecret(t, "requestState", states, passcodes)

	log := cli.destroyThenTrace(good, "terraform-provider-idcsmfa")
	t.Logf("scanned %d bytes of TRACE output for %d access tokens, %d requestStates, %d passcodes and the client secret",
		len(log), len(tokens), len(states), len(passcodes))
	assertTraceHoldsNoSecret(t, log, map[string][]string{
		"client secret": {clientSecret, base64.StdEncoding.EncodeToString([]byte(clientID + ":" + clientSecret))},
		"access token":  tokens,
		"requestState":  states,
		"TOTP secret":   {totpSecret, client.NormalizeTOTPSecret(totpSecret)},
	}, passcodes)
	if strings.Contains(st.raw, client.NormalizeTOTPSecret(totpSecret)) || strings.Contains(st.privateDecoded, client.NormalizeTOTPSecret(totpSecret)) {
		t.Errorf("the TOTP secret is in the state file")
	}
}

// assertTraceHoldsNoSecret marks the test failed for each value of secrets (by what they are)
// that the TRACE output log contains, for each passcode it contains as a whole number, and for
// an unredacted bearer token.
func assertTraceHoldsNoSecret(t *testing.T, log string, secrets map[string][]string, passcodes []string) {
	t.Helper()
	for what, values := range secrets {
		for _, v := range values {
			if strings.Contains(log, v) {
				t.Errorf("the TRACE output contains a %s (%d characters)", what, len(v))
			}
		}
	}
	for _, code := range passcodes {
		if containsPasscode(log, code) {
			t.Errorf("the TRACE output contains a passcode (%d characters)", len(code))
		}
	}
	if m := bearerValue.FindString(log); m != "" {
		t.Errorf("the TRACE output contains an unredacted bearer token (%d characters)", len(m))
	}
}

// stateFile is a terraform.tfstate read for the secret checks.
type stateFile struct {
	raw            string
	privateDecoded string // every instance's private blob, decoded as far as it goes
	resources      []stateResource
}

type stateResource struct {
	Type      string `json:"type"`
	Instances []struct {
		Attributes map[string]any `json:"attributes"`
		Private    string         `json:"private"`
	} `json:"instances"`
}

func readStateFile(t *testing.T, path string) *stateFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the state file: %s", err)
	}
	var doc struct {
		Resources []stateResource `json:"resources"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("decoding the state file: %s", err)
	}
	st := &stateFile{raw: string(b), resources: doc.Resources}
	var decoded strings.Builder
	for _, r := range doc.Resources {
		for _, inst := range r.Instances {
			decoded.WriteString(decodePrivate(inst.Private))
			decoded.WriteString("\n")
		}
	}
	st.privateDecoded = decoded.String()
	return st
}

// decodePrivate unwraps a private blob: base64 in the state file, then the framework's JSON
// map whose values are base64 of the provider's own JSON. Each layer is kept in the result,
// so a secret is found whichever layer it sits in.
func decodePrivate(s string) string {
	var out strings.Builder
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		out.WriteString(s)
		out.WriteString("\n")
		if depth > 4 {
			return
		}
		if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) > 0 {
			walk(string(b), depth+1)
			return
		}
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil {
			for _, v := range m {
				switch v := v.(type) {
				case string:
					walk(v, depth+1)
				default:
					b, _ := json.Marshal(v)
					walk(string(b), depth+1)
				}
			}
		}
	}
	walk(s, 0)
	return out.String()
}

func (s *stateFile) attribute(t *testing.T, typ, name string) string {
	t.Helper()
	for _, r := range s.resources {
		if r.Type == typ && len(r.Instances) == 1 {
			if v, ok := r.Instances[0].Attributes[name].(string); ok {
				return v
			}
		}
	}
	t.Fatalf("no %s.%s in the state file", typ, name)
	return ""
}

func (s *stateFile) privateContainsAny(values []string) bool {
	for _, v := range values {
		if strings.Contains(s.privateDecoded, v) {
			return true
		}
	}
	return false
}

// privateDump shows the decoded private state's shape with long values cut, for a failure
// message that does not itself print a whole secret.
func (s *stateFile) privateDump() string {
	return regexp.MustCompile(`([A-Za-z0-9+/=_\-.]{12})[A-Za-z0-9+/=_\-.]{8,}`).ReplaceAllString(s.privateDecoded, "$1…")
}

// assertEnrolledHoldsNoSecret checks the state after enrollment: no attribute holds a request
// reference (what names them: requestState, requestId) or a passcode, none of the references
// is left in private state, and no passcode is anywhere in the state file.
func (s *stateFile) assertEnrolledHoldsNoSecret(t *testing.T, what string, requests, passcodes []string) {
	t.Helper()
	s.assertNoSecretInAttributes(t, requests, passcodes)
	if s.privateContainsAny(requests) {
		t.Errorf("a %s is still in private state after enrollment:\n%s", what, s.privateDump())
	}
	for _, code := range passcodes {
		if containsPasscode(s.privateDecoded, code) || containsPasscode(s.raw, code) {
			t.Errorf("a passcode is in the state file")
		}
	}
}

// assertNoSecretInAttributes checks every attribute value of every instance.
func (s *stateFile) assertNoSecretInAttributes(t *testing.T, requestStates, passcodes []string) {
	t.Helper()
	for _, r := range s.resources {
		for _, inst := range r.Instances {
			for k, v := range inst.Attributes {
				b, _ := json.Marshal(v)
				val := string(b)
				if strings.Contains(strings.ToLower(k), "request") {
					t.Errorf("%s has an attribute %q", r.Type, k)
				}
				for _, rs := range requestStates {
					if strings.Contains(val, rs) {
						t.Errorf("%s.%s holds a requestState", r.Type, k)
					}
				}
				for _, code := range passcodes {
					if containsPasscode(val, code) {
						t.Errorf("%s.%s holds a passcode", r.Type, k)
					}
				}
			}
		}
	}
}

const selfServiceSecretsConfig = secretsProviderBlock + secretsPasscodeFactors

// TestAccSecrets_selfServiceTraceLogAndState is the trace-log test of the self-service mode:
// the user's username and password come from the environment (IDCS_USERNAME, IDCS_PASSWORD),
// the factors are enrolled through My*, a new SMS passcode is asked for, a wrong one and then
// the right ones are submitted, then plan and destroy. Nothing terraform printed, and nothing
// in the state once enrolled, may hold the password, the client secret, a user token, a
// requestId or a passcode.
func TestAccSecrets_selfServiceTraceLogAndState(t *testing.T) {
	requireTFAcc(t)
	t.Parallel()
	clientSecret := "me-secret-" + randomSuffix(t) + randomSuffix(t) + randomSuffix(t)
	password := "Pw-" + randomSuffix(t) + randomSuffix(t) + randomSuffix(t)
	env := newTestEnv(t, func(c *emulator.Config) {
		c.Clients = []emulator.Client{
			{ID: "idcsmfa-me-trace", Secret: clientSecret, Roles: []string{emulator.RoleMe}},
			{ID: emulator.DefaultClientID, Secret: emulator.DefaultClientSecret, Roles: []string{emulator.RoleMFAClient, emulator.RoleUserAdmin}},
		}
		c.OTPLength = 10
	})
	env.requireEmulator(t, selfServiceNeeds)
	wire := newWireSecrets()
	srv := httptest.NewServer(wire.wrap(env.Emulator))
	t.Cleanup(srv.Close)
	name := "tf-ss-trace-" + randomSuffix(t)
	u, err := env.Emulator.AddUser(emulator.User{UserName: name, Email: name + "@example.com", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	// A device of the user's own that stays, so that destroy may delete both factors.
	enrollDirect(t, env, u.ID, smsReq("7700900999", true))

	cli := newCLIRun(t, "TF_LOG=TRACE", "IDCS_USERNAME="+name, "IDCS_PASSWORD="+password)
	cli.writeConfig(fmt.Sprintf(selfServiceSecretsConfig, srv.URL, "idcsmfa-me-trace", clientSecret, u.ID, u.ID))
	const wrongPasscode = "9081726354"
	applyArgs := []string{"apply", "-auto-approve", "-input=false", "-no-color"}

	cli.mustRun(0, nil, applyArgs...)
	st := readStateFile(t, filepath.Join(cli.dir, "terraform.tfstate"))
	smsID := st.attribute(t, "idcsmfa_sms_factor", "factor_id")
	emailID := st.attribute(t, "idcsmfa_email_factor", "factor_id")
	_, ids, _ := wire.snapshot()
	if len(ids) < 2 || !st.privateContainsAny(ids) {
		t.Fatalf("%d requestIds recorded, in private state: %t; the checks would prove nothing\n%s", len(ids), st.privateContainsAny(ids), st.privateDump())
	}
	st.assertNoSecretInAttributes(t, ids, nil)

	cli.mustRun(0, []string{"TF_VAR_sms_resend=1"}, applyArgs...)
	_, out := cli.run([]string{"TF_VAR_sms_resend=1", "TF_VAR_sms_otp=" + wrongPasscode, "TF_VAR_sms_otp_version=1"}, applyArgs...)
	if !strings.Contains(out, "error.ssocommon.auth.invalidPasscode") {
		t.Fatalf("a wrong passcode should fail with the SCIM invalidPasscode; output (last 3000 bytes):\n%s", lastBytes(out, 3000))
	}
	good := []string{"TF_VAR_sms_resend=1", "TF_VAR_sms_otp=" + env.otp(t, u.ID, smsID), "TF_VAR_sms_otp_version=2",
		"TF_VAR_email_otp=" + env.otp(t, u.ID, emailID), "TF_VAR_email_otp_version=1"}
	cli.mustRun(0, good, applyArgs...)
	cli.mustRun(0, good, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	st = readStateFile(t, filepath.Join(cli.dir, "terraform.tfstate"))

	tokens, ids, sentCodes := wire.snapshot()
	passcodes := append(sentCodes, wrongPasscode)
	for _, m := range env.Emulator.Messages(u.ID) {
		passcodes = append(passcodes, m.OTP)
	}
	if len(tokens) == 0 || len(ids) < 2 || len(passcodes) < 4 {
		t.Fatalf("recorded %d tokens, %d requestIds, %d passcodes: too few for the checks to mean anything", len(tokens), len(ids), len(passcodes))
	}
	st.assertEnrolledHoldsNoSecret(t, "requestId", ids, passcodes)
	log := cli.destroyThenTrace(good, "/admin/v1/MyAuthenticationFactorValidator")
	assertTraceHoldsNoSecret(t, log, map[string][]string{"password": {password, url.QueryEscape(password)}, "client secret": {clientSecret},
		"access token": tokens, "requestId": ids}, passcodes)
}
