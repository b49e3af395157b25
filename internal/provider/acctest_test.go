package provider

// Shared acceptance-test harness. Every TestAcc* test builds its own testEnv: an in-process
// emulator behind httptest (hermetic, no shared state between tests), or, when IDCS_HOST is
// set, a real identity domain reached with the IDCS_* credentials.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the terraform CLI.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"idcsmfa": func() (tfprotov6.ProviderServer, error) { return NewProtocol6("test")(), nil },
}

// minTerraformVersion is the oldest CLI that supports write-only attributes, which the
// factor resources use; older CLIs cannot run the suite.
var minTerraformVersion = version.Must(version.NewVersion("1.11.0"))

// skipBelow1_11 skips a test on a Terraform without write-only attributes (testAccPreCheck
// already refuses such a CLI; the check says it in the test itself).
var skipBelow1_11 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

var (
	terraformCheckOnce sync.Once
	terraformCheckErr  error
)

// requireTFAcc skips a test that runs Terraform before or outside resource.Test (which skips
// by itself) unless acceptance tests were asked for with TF_ACC.
func requireTFAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
}

// testAccPreCheck fails the test unless a terraform CLI of at least 1.11 can be run.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	terraformCheckOnce.Do(func() { terraformCheckErr = checkTerraformCLI() })
	if terraformCheckErr != nil {
		t.Fatalf("acceptance tests need the terraform CLI >= %s: %s", minTerraformVersion, terraformCheckErr)
	}
}

func checkTerraformCLI() error {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		found, err := exec.LookPath("terraform")
		if err != nil {
			return errors.New("no terraform on PATH and TF_ACC_TERRAFORM_PATH is not set")
		}
		bin = found
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		return fmt.Errorf("running %s version: %w", bin, err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return fmt.Errorf("reading %s version -json: %w", bin, err)
	}
	got, err := version.NewVersion(v.TerraformVersion)
	if err != nil {
		return fmt.Errorf("parsing terraform version %q: %w", v.TerraformVersion, err)
	}
	if got.LessThan(minTerraformVersion) {
		return fmt.Errorf("%s is version %s", bin, got)
	}
	return nil
}

// testEnv is what one acceptance test talks to.
type testEnv struct {
	Host         string
	ClientID     string
	ClientSecret string
	AccessToken  string

	// Emulator is nil when the tests target a real identity domain.
	Emulator *emulator.Server
	// Client is an API client with the same credentials, for checks that ask the server.
	Client *client.Client

	secrets *secretRecorder
}

// newTestEnv starts an emulator for this test, or targets the real domain named by IDCS_HOST.
// Options adjust the emulator's configuration (ignored against a real domain, where the
// tests that need them skip through requireEmulator).
func newTestEnv(t *testing.T, opts ...func(*emulator.Config)) *testEnv {
	t.Helper()
	testAccPreCheck(t)
	env := &testEnv{secrets: &secretRecorder{}}
	if host := os.Getenv("IDCS_HOST"); host != "" {
		env.Host = host
		env.ClientID = os.Getenv("IDCS_CLIENT_ID")
		env.ClientSecret = os.Getenv("IDCS_CLIENT_SECRET")
		env.AccessToken = os.Getenv("IDCS_ACCESS_TOKEN")
	} else {
		// Every emulator runs on a clock of its own, which the TOTP verifications of this
		// test move forward instead of waiting for the next time step (testClockFor).
		// (A test that brings its own clock, withClock, keeps it and waits for real.)
		cfg := emulator.Config{}
		for _, opt := range opts {
			opt(&cfg)
		}
		var clock *acctestClock
		if cfg.Now == nil {
			clock = &acctestClock{}
			cfg.Now = clock.Now
		}
		env.Emulator = emulator.New(cfg)
		srv := httptest.NewServer(env.secrets.wrap(env.Emulator))
		t.Cleanup(srv.Close)
		// The in-process provider's pacers are the test process's: a later test given this
		// port must not start with what this one's 429s did to them.
		t.Cleanup(func() { client.ForgetPacer(srv.URL) })
		env.Host = srv.URL
		if clock != nil {
			acctestClocks.Store(srv.URL, clock)
			t.Cleanup(func() { acctestClocks.Delete(srv.URL) })
		}
		env.ClientID = "idcsmfa-emulator"
		env.ClientSecret = "emulator-secret"
	}
	c, err := client.New(client.Config{
		Host:         env.Host,
		ClientID:     env.ClientID,
		ClientSecret: env.ClientSecret,
		AccessToken:  env.AccessToken,
		UserAgent:    "terraform-provider-idcsmfa/acctest",
	})
	if err != nil {
		t.Fatalf("building the test client: %s", err)
	}
	env.Client = c
	return env
}

// requireEmulator skips the test when it needs something only the emulator offers
// (its outbox, its configuration, locked users).
func (e *testEnv) requireEmulator(t *testing.T, why string) {
	t.Helper()
	if e.Emulator == nil {
		t.Skipf("needs the emulator (%s); IDCS_HOST points at a real identity domain", why)
	}
}

// newEnvAndUser is the test's environment (see newTestEnv) and a fresh user in it.
func newEnvAndUser(t *testing.T) (*testEnv, string) {
	t.Helper()
	env := newTestEnv(t)
	return env, env.newUser(t)
}

// newEmulatorUser is the environment of a test that needs the emulator (why says what for:
// against a real domain the test skips, see requireEmulator) and a fresh user in it. Options
// adjust the emulator's configuration, as for newTestEnv.
func newEmulatorUser(t *testing.T, why string, opts ...func(*emulator.Config)) (*testEnv, string) {
	t.Helper()
	env := newEmulatorEnv(t, why, opts...)
	return env, env.newUser(t)
}

// newEmulatorEnv is newEmulatorUser without the user.
func newEmulatorEnv(t *testing.T, why string, opts ...func(*emulator.Config)) *testEnv {
	t.Helper()
	env := newTestEnv(t, opts...)
	env.requireEmulator(t, why)
	return env
}

// newEmulatorWithUsers is the environment of a test that needs an emulator holding just the
// users named (in that order, each with the address <name>@example.com); it returns their ids
// by name.
func newEmulatorWithUsers(t *testing.T, why string, names ...string) (*testEnv, map[string]string) {
	t.Helper()
	env := newTestEnv(t, func(c *emulator.Config) {
		for _, name := range names {
			c.Users = append(c.Users, emulator.User{UserName: name, Email: name + "@example.com"})
		}
	})
	env.requireEmulator(t, why)
	ids := map[string]string{}
	for _, u := range env.Emulator.Users() {
		ids[u.UserName] = u.ID
	}
	return env, ids
}

// providerConfig is the provider block for this environment.
func (e *testEnv) providerConfig() string {
	if e.AccessToken != "" && e.ClientID == "" {
		return providerBlock(e.Host, "", "", e.AccessToken)
	}
	return providerBlock(e.Host, e.ClientID, e.ClientSecret, "")
}

// newUser creates a fresh user for one test, so tests never share factors.
func (e *testEnv) newUser(t *testing.T) string {
	t.Helper()
	name := "tf-acc-" + randomSuffix(t)
	if e.Emulator != nil {
		u, err := e.Emulator.AddUser(emulator.User{UserName: name, Email: name + "@example.com"})
		if err != nil {
			t.Fatalf("adding emulator user: %s", err)
		}
		return u.ID
	}
	// A real domain: a fresh user per test keeps tests independent (a user has one email
	// factor, so tests sharing a user would collide).
	u, err := e.Client.CreateUser(context.Background(), client.SCIMUserCreate{
		UserName: name, GivenName: "TF", FamilyName: "Acceptance", Email: name + "@example.com",
	})
	if err == nil {
		t.Cleanup(func() { e.deleteUser(t, u.ID, name) })
		return u.ID
	}
	shared := os.Getenv("IDCS_TEST_USER_ID")
	if shared == "" {
		t.Fatalf("creating user %s: %s. Give the OAuth client the User Administrator role, or set "+
			"IDCS_TEST_USER_ID to an existing test user (tests then take turns on it)", name, err)
	}
	// Without the right to create users, tests take turns on the one test user.
	t.Logf("creating a user was refused (%s); using IDCS_TEST_USER_ID, one test at a time", err)
	sharedUserMu.Lock()
	t.Cleanup(sharedUserMu.Unlock)
	return shared
}

// deleteUser removes a user a test created on a real domain. A failure is logged, not
// failed: the test itself passed, and the user can be removed by hand.
func (e *testEnv) deleteUser(t *testing.T, id, name string) {
	if err := e.Client.DeleteUser(context.Background(), id); err != nil {
		t.Logf("could not delete test user %s (%s): %s; remove it by hand", name, id, err)
	}
}

// sharedUserMu serialises the tests that fall back to IDCS_TEST_USER_ID.
var sharedUserMu sync.Mutex

// otp returns the latest passcode the emulator sent for this factor.
func (e *testEnv) otp(t *testing.T, userID, factorID string) string {
	t.Helper()
	e.requireEmulator(t, "reading passcodes from the outbox")
	code, ok := e.Emulator.LastOTP(userID, factorID)
	if !ok {
		t.Fatalf("no passcode in the emulator outbox for user %s factor %s", userID, factorID)
	}
	return code
}

// lazyOTP is a config variable that reads the outbox when terraform needs it, after the
// steps before it have enrolled the factor whose id ends up in *factorID.
func (e *testEnv) lazyOTP(t *testing.T, userID string, factorID *string) config.Variable {
	return lazyVariable(func() string { return e.otp(t, userID, *factorID) })
}

type lazyVariable func() string

func (v lazyVariable) MarshalJSON() ([]byte, error) { return json.Marshal(v()) }

// checkDestroy asks the server that no factor of the given resource type survives.
func (e *testEnv) checkDestroy(resourceType string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != resourceType {
				continue
			}
			userID, factorID := rs.Primary.Attributes["user_id"], rs.Primary.Attributes["factor_id"]
			if e.Emulator != nil {
				for _, f := range e.emulatorFactors(userID) {
					if f.ID == factorID {
						return fmt.Errorf("%s: factor %s of user %s still exists (%s)", rs.Type, factorID, userID, f.Status)
					}
				}
				continue
			}
			_, err := e.Client.GetFactor(context.Background(), userID, factorID)
			if err == nil {
				return fmt.Errorf("%s: factor %s of user %s still exists", rs.Type, factorID, userID)
			}
			if !errors.Is(err, client.ErrNotFound) {
				return fmt.Errorf("%s: checking factor %s: %w", rs.Type, factorID, err)
			}
		}
		return nil
	}
}

// checkNoSecretsInState fails when any attribute of any resource holds a passcode this test
// sent or a requestState the server handed out. Private state is not an attribute.
func (e *testEnv) checkNoSecretsInState(extra ...*string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		secrets := e.secrets.values()
		for _, p := range extra {
			if p != nil && *p != "" {
				secrets = append(secrets, *p)
			}
		}
		for name, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if strings.Contains(strings.ToLower(k), "requeststate") || strings.Contains(strings.ToLower(k), "request_state") {
					return fmt.Errorf("%s: attribute %s looks like a requestState", name, k)
				}
				for _, secret := range secrets {
					// Short passcodes are compared whole: a 6-digit run inside a hex id is chance.
					if v == secret || (len(secret) >= 12 && strings.Contains(v, secret)) {
						return fmt.Errorf("%s: attribute %s holds a secret value", name, k)
					}
				}
			}
		}
		return nil
	}
}

// captureAttr copies an attribute of a resource in state into *dst for later steps.
func captureAttr(resourceName, attr string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[resourceName]
		if !ok {
			return fmt.Errorf("%s not in state", resourceName)
		}
		*dst = rs.Primary.Attributes[attr]
		if *dst == "" {
			return fmt.Errorf("%s.%s is empty", resourceName, attr)
		}
		return nil
	}
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random: %s", err)
	}
	return hex.EncodeToString(b)
}

// secretRecorder watches the emulator's answers and remembers every requestState and every
// passcode-bearing request field, so tests can prove none of them reached the state.
type secretRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *secretRecorder) wrap(next http.Handler) http.Handler { return teeBodies(next, r.collect) }

// teeBodies hands every request and response body that crosses next to collect.
func teeBodies(next http.Handler, collect func([]byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Body != nil {
			body, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
			collect(body)
		}
		rec := &bodyRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, req)
		collect(rec.body.Bytes())
	})
}

func (r *secretRecorder) collect(body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range bodySecrets(body) {
		if s.field != "access_token" {
			r.seen = append(r.seen, s.value)
		}
	}
}

// bodySecret is a secret a JSON body carries: field is where (access_token, requestState or
// otpCode; the self-service requestId beside a deviceId counts as a requestState, as secret).
type bodySecret struct{ field, value string }

// bodySecrets are the secrets in a body, in the order of bodySecret's fields; none in a body
// that is not a JSON object.
func bodySecrets(body []byte) []bodySecret {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var out []bodySecret
	for _, key := range []string{"access_token", "requestState", "otpCode"} {
		if s, ok := doc[key].(string); ok && s != "" {
			out = append(out, bodySecret{key, s})
		}
	}
	if s, ok := doc["requestId"].(string); ok && s != "" && doc["deviceId"] != nil {
		out = append(out, bodySecret{"requestState", s})
	}
	return out
}

func (r *secretRecorder) values() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

type bodyRecorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	b.body.Write(p)
	return b.ResponseWriter.Write(p)
}
