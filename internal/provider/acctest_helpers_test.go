package provider

// Helpers the acceptance tests share, one of each kind (acctest_test.go holds the test
// environment itself): configurations, diagnostic matching, the emulator's clock, wrong
// passcodes, what the server holds, factors enrolled outside Terraform, and the bad-input
// runner (a configuration that must fail, then the proof that nothing was created).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// --- Configurations ---

// providerBlock is a provider block with the attributes that are not empty.
func providerBlock(host, clientID, clientSecret, accessToken string) string {
	var b strings.Builder
	b.WriteString("provider \"idcsmfa\" {\n")
	for _, a := range [][2]string{{"host", host}, {"client_id", clientID}, {"client_secret", clientSecret}, {"access_token", accessToken}} {
		if a[1] != "" {
			fmt.Fprintf(&b, "  %-13s = %q\n", a[0], a[1])
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// otpVariables are where a factor's passcode and its version come from: an ephemeral
// variable for the passcode, as the docs recommend, and a plain one for the version.
const otpVariables = `
variable "otp" {
  type      = string
  default   = null
  ephemeral = true
}

variable "otp_version" {
  type    = number
  default = null
}
`

// Attribute lines of a factor resource that take the passcode from otpVariables.
const (
	// otpFromVariables submits var.otp whenever var.otp_version changes (see otpVars).
	otpFromVariables = "  otp_code_wo         = var.otp\n  otp_code_wo_version = var.otp_version\n"
	// otpV1 submits var.otp with version 1.
	otpV1 = "  otp_code_wo         = var.otp\n  otp_code_wo_version = 1\n"
)

// otpVars submits a passcode with otp_code_wo_version = version (see otpFromVariables).
func otpVars(code config.Variable, version int) config.Variables {
	return config.Variables{"otp": code, "otp_version": config.IntegerVariable(version)}
}

// smsResource is an SMS factor resource block; extra goes inside it.
func smsResource(name, userID, countryCode, number, extra string) string {
	return fmt.Sprintf("\nresource \"idcsmfa_sms_factor\" %q {\n  user_id       = %q\n  country_code  = %q\n  mobile_number = %q\n%s\n}\n",
		name, userID, countryCode, number, extra)
}

// emailResource is an email factor resource block; extra goes inside it.
func emailResource(name, userID, extra string) string {
	return fmt.Sprintf("\nresource \"idcsmfa_email_factor\" %q {\n  user_id = %q\n%s\n}\n", name, userID, extra)
}

// --- Diagnostics ---

// diagRE matches fragments of a diagnostic in order. Terraform wraps long detail lines, so a
// space inside a fragment matches any run of white space (and the "│" gutter of a wrapped line).
func diagRE(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// --- The emulator's clock and passcodes ---

// acctestClock is a clock the tests move forward to expire requestStates in the emulator;
// between moves it runs with the real clock.
type acctestClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *acctestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *acctestClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Sleep moves the clock forward by d at once: a TOTP verification's wait for a fresh time
// step passes without waiting (testClockFor).
func (c *acctestClock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

// acctestClocks holds each in-process emulator's clock by host, for testClockFor.
var acctestClocks sync.Map

func init() {
	testClockFor = func(host string) client.Clock {
		if c, ok := acctestClocks.Load(host); ok {
			return c.(*acctestClock)
		}
		return nil
	}
}

// acctestRetryWaits holds the retry waits of the hosts whose tests asked for short ones
// (shortRetryWaits), for testRetryWaitsFor.
var acctestRetryWaits sync.Map

type retryWaits struct{ min, max time.Duration }

// shortRetryWaits makes the provider wait 10 to 40 ms between retries to host instead of the
// client's 200 ms to 30 s: for tests that count retries, not time them (the client's own
// tests check the backoff itself).
func shortRetryWaits(t *testing.T, host string) {
	acctestRetryWaits.Store(host, retryWaits{min: 10 * time.Millisecond, max: 40 * time.Millisecond})
	t.Cleanup(func() { acctestRetryWaits.Delete(host) })
}

func init() {
	testRetryWaitsFor = func(host string) (time.Duration, time.Duration) {
		if w, ok := acctestRetryWaits.Load(host); ok {
			return w.(retryWaits).min, w.(retryWaits).max
		}
		return 0, 0
	}
}

func withClock(c *acctestClock) func(*emulator.Config) {
	return func(cfg *emulator.Config) { cfg.Now = c.Now }
}

// wrongCode returns a passcode of the same shape that is not code: its last digit changed.
func wrongCode(code string) string {
	b := []byte(code)
	b[len(b)-1] = '0' + (b[len(b)-1]-'0'+1)%10
	return string(b)
}

// wrongOTP is a config variable holding a passcode that is certainly not the one the emulator
// sent for the factor whose id the steps before it put in *factorID.
func (e *testEnv) wrongOTP(t *testing.T, userID string, factorID *string) config.Variable {
	return lazyVariable(func() string { return wrongCode(e.otp(t, userID, *factorID)) })
}

// --- What the server holds ---

// emulatorFactors lists the user's factors on the emulator, pending ones included; nil
// against a real domain.
func (e *testEnv) emulatorFactors(userID string) []emulator.FactorInfo {
	if e.Emulator == nil {
		return nil
	}
	return e.Emulator.Factors(userID)
}

// checkEmulatorFactor asks the emulator for the factor's real status, pending ones included.
func checkEmulatorFactor(env *testEnv, userID string, factorID *string, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator == nil {
			return nil
		}
		for _, f := range env.emulatorFactors(userID) {
			if f.ID == *factorID {
				if f.Status != want {
					return fmt.Errorf("factor %s is %s on the server, want %s", f.ID, f.Status, want)
				}
				return nil
			}
		}
		return fmt.Errorf("factor %s of user %s not on the server", *factorID, userID)
	}
}

// countEmulatorFactors checks how many factors the user has on the server.
func countEmulatorFactors(env *testEnv, userID string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator == nil {
			return nil
		}
		if fs := env.emulatorFactors(userID); len(fs) != want {
			return fmt.Errorf("user %s has %d factors on the server, want %d: %+v", userID, len(fs), want, fs)
		}
		return nil
	}
}

// checkOnlyFactor asserts that the factor resource addr holds factor *factorID (the id
// captured at creation) with status, in state without a passcode, and that the factor is the
// user's only one on the server, with the same status: a pending factor was kept or finished
// in place, never enrolled again.
func checkOnlyFactor(env *testEnv, addr, userID string, factorID *string, status string) resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(
		resource.TestCheckResourceAttr(addr, "status", status),
		resource.TestCheckResourceAttrPtr(addr, "factor_id", factorID),
		resource.TestCheckNoResourceAttr(addr, "otp_code_wo"),
		countEmulatorFactors(env, userID, 1),
		checkEmulatorFactor(env, userID, factorID, status),
	)
}

// planCheckFunc is a plan check that asks the server, not the plan: in PostApplyPostRefresh it
// runs after the step's plans, where a following step only to check them would cost a plan
// and an apply more.
type planCheckFunc func() error

func (f planCheckFunc) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// expectRefreshed is a plan check: the plan's refresh read attr of addr as want (a plan's
// prior state is the state its refresh read), so a refresh plan needs no step after it to
// check the refreshed state.
type expectRefreshed struct{ addr, attr, want string }

func (e expectRefreshed) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil || req.Plan.PriorState.Values.RootModule == nil {
		resp.Error = fmt.Errorf("the plan has no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address == e.addr {
			if got := fmt.Sprint(r.AttributeValues[e.attr]); got != e.want {
				resp.Error = fmt.Errorf("after the refresh %s.%s = %s, want %s", e.addr, e.attr, got, e.want)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the refreshed state", e.addr)
}

// runCheck runs a check that asks the server and not the state, where a step runs none: in a
// PlanOnly step's PreConfig, or after the TestCase.
func runCheck(t *testing.T, check resource.TestCheckFunc) {
	t.Helper()
	if err := check(nil); err != nil {
		t.Error(err)
	}
}

// importedAttrs is an ImportStateCheck: the import wrote one instance, with these attributes.
// It is where an imported state is checked at no extra terraform run (a PlanOnly step after
// the import runs neither Check nor ConfigStateChecks).
func importedAttrs(want map[string]string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("want one imported instance, got %d", len(states))
		}
		for k, v := range want {
			if got := states[0].Attributes[k]; got != v {
				return fmt.Errorf("imported %s = %q, want %q", k, got, v)
			}
		}
		return nil
	}
}

// checkNoFactorsLeft asks the emulator that none of the users keeps a factor, pending ones
// included (checkDestroy only looks at the ids in state).
func checkNoFactorsLeft(env *testEnv, userIDs ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, uid := range userIDs {
			if fs := env.emulatorFactors(uid); len(fs) != 0 {
				return fmt.Errorf("user %s still has %d factor(s): %+v", uid, len(fs), fs)
			}
		}
		return nil
	}
}

// checkMessages checks how many passcodes the emulator sent to the user.
func checkMessages(env *testEnv, userID string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator == nil {
			return nil
		}
		if got := len(env.Emulator.Messages(userID)); got != want {
			return fmt.Errorf("user %s got %d passcodes, want %d", userID, got, want)
		}
		return nil
	}
}

// checkFactorMessages checks the emulator's outbox holds want passcodes for the user's factor
// *factorID (read when the check runs): for a user holding several factors.
func checkFactorMessages(env *testEnv, userID string, factorID *string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator == nil {
			return nil
		}
		got := 0
		for _, m := range env.Emulator.Messages(userID) {
			if m.FactorID == *factorID {
				got++
			}
		}
		if got != want {
			return fmt.Errorf("factor %s of user %s got %d passcodes, want %d", *factorID, userID, got, want)
		}
		return nil
	}
}

// checkRecordedSecrets makes sure the secret recorder saw something, so that
// checkNoSecretsInState cannot pass vacuously.
func checkRecordedSecrets(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator != nil && len(env.secrets.values()) == 0 {
			return fmt.Errorf("no requestState was recorded from the emulator's answers")
		}
		return nil
	}
}

// checkNoPasscodeSubmitted asserts no passcode or resend reached the service since the stats
// were reset.
func checkNoPasscodeSubmitted(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := env.Emulator.Stats().Requests["PATCH /mfa/v1/users/{id}/factors/{factorId}"]; n != 0 {
			return fmt.Errorf("%d passcode or resend request(s) reached the service for an enrolled factor", n)
		}
		return nil
	}
}

// --- Changes made outside Terraform ---

// enrollDirect enrolls a factor through the API, as an administrator or another tool would.
func enrollDirect(t *testing.T, env *testEnv, userID string, req client.EnrollRequest) string {
	t.Helper()
	e, err := env.Client.Enroll(t.Context(), userID, req)
	if err != nil {
		t.Fatalf("enrolling %s for user %s outside Terraform: %s", req.Method, userID, err)
	}
	return e.FactorID
}

func emailSkip() client.EnrollRequest {
	return client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true}
}

func smsReq(number string, skip bool) client.EnrollRequest {
	return client.EnrollRequest{Method: client.MethodSMS, CountryCode: "+44", MobileNumber: number, SkipVerification: skip}
}

func lockUser(t *testing.T, env *testEnv, userID string, locked bool) {
	t.Helper()
	if err := env.Emulator.SetLocked(userID, locked); err != nil {
		t.Fatalf("setting locked=%t on user %s: %s", locked, userID, err)
	}
}

// accTest runs steps in one TestCase against the in-process provider, on Terraform 1.11+
// (write-only attributes; testAccPreCheck refuses an older CLI anyway); checkDestroy, unless
// nil, runs after the final destroy.
func accTest(t *testing.T, checkDestroy resource.TestCheckFunc, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelow1_11,
		CheckDestroy:             checkDestroy,
		Steps:                    steps,
	})
}

// --- Bad input ---

// planErrorCase is a configuration that must fail at plan time with a diagnostic matching want.
type planErrorCase struct {
	name, config string
	want         *regexp.Regexp
}

// runPlanErrors plans each case's configuration in one TestCase: nothing is applied, so the
// state stays empty and the cases share one init and one teardown instead of ~4 terraform runs
// each (issue 26). A failure names its step; the log names each step's case.
func runPlanErrors(t *testing.T, cases []planErrorCase) {
	t.Helper()
	steps := make([]resource.TestStep, len(cases))
	for i, c := range cases {
		t.Logf("step %d: %s", i+1, c.name)
		steps[i] = resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: c.want}
	}
	accTest(t, nil, steps...)
}

// badInputCase is one bad input a user can give (issue 8): its steps expect the exact
// diagnostic (summary, the service's AUTH code and message, and the hint), and then prove the
// state stayed consistent: a failed creation leaves nothing in state or on the server (the
// next plan creates the factor), a failed passcode leaves the pending factor in state, and
// fixing the input finishes the job.
type badInputCase struct {
	name     string
	emulator func(*emulator.Config)
	// steps gets a fresh environment and user. An ExpectError step that may have applied is
	// followed by a step that checks the state and the server (stepNothingWasCreated); one that
	// only plans (refusedAtPlan) has the server checked when the test ends.
	steps func(t *testing.T, env *testEnv, userID string) []resource.TestStep
	// applies says that a step applies successfully (a pending factor, a fixed input): the
	// case leaves something in state and runs in a TestCase of its own. Without it, every step
	// expects an error or only plans, and the case shares one TestCase with the others.
	applies bool
	// kindsApart runs the cases of the passcode kinds apart (runPasscodeBadInputCases): their
	// emulator settings differ by kind.
	kindsApart bool
}

// runBadInputCases runs each case against its own emulator and user. The cases that apply
// run in parallel, each in its own TestCase. The others run one after another in a single
// TestCase (issue 26: one init and one teardown for all instead of one each, ~4 terraform
// runs per case): none of their steps applies, and each ends with its proof that nothing was
// created or only plans, so each leaves the state empty for the next. The log names each case's steps.
func runBadInputCases(t *testing.T, cases []badInputCase) {
	var shared []badInputCase
	for _, tc := range cases {
		if !tc.applies {
			shared = append(shared, tc)
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env, userID := newBadInputEnv(t, tc)
			accTest(t, checkNoFactorsLeft(env, userID), tc.steps(t, env, userID)...)
		})
	}
	runSharedBadInputCases(t, shared)
}

// runSharedBadInputCases runs cases that apply nothing one after another in one TestCase
// (runBadInputCases), each against its own emulator and user.
func runSharedBadInputCases(t *testing.T, shared []badInputCase) {
	if len(shared) == 0 {
		return
	}
	t.Run("inputs_that_create_nothing", func(t *testing.T) {
		t.Parallel()
		var steps []resource.TestStep
		for _, tc := range shared {
			env, userID := newBadInputEnv(t, tc)
			caseSteps := tc.steps(t, env, userID)
			for i, s := range caseSteps {
				if s.ExpectError == nil && !s.PlanOnly {
					t.Fatalf("case %q, step %d applies: set applies in the case, so that it runs alone", tc.name, i+1)
				}
			}
			t.Logf("steps %d-%d: %s", len(steps)+1, len(steps)+len(caseSteps), tc.name)
			steps = append(steps, caseSteps...)
		}
		// No CheckDestroy: terraform-plugin-testing runs it only when the state holds something,
		// and nothing here is ever applied. Each case's last step proves that nothing was created.
		accTest(t, nil, steps...)
	})
}

// newBadInputEnv is a case's own emulator, with the case's settings, and user.
func newBadInputEnv(t *testing.T, tc badInputCase) (*testEnv, string) {
	env := newBadInputEmulator(t, tc)
	return env, env.newUser(t)
}

// newBadInputEmulator is a case's own emulator, with the case's settings.
func newBadInputEmulator(t *testing.T, tc badInputCase) *testEnv {
	env := newTestEnv(t, func(c *emulator.Config) {
		if tc.emulator != nil {
			tc.emulator(c)
		}
	})
	env.requireEmulator(t, "emulator settings, locked users and the outbox")
	return env
}

// runPasscodeBadInputCases runs the same bad inputs of every passcode kind, perKind[i] being
// passcodeKinds[i]'s cases, in the same order. Every kind's steps of a case run together
// (kindStepsTogether), against one emulator with the first kind's case's settings and a user
// per kind: the cases that apply nothing one after another in one TestCase, as
// runBadInputCases runs them, each case that applies in a TestCase of its own. A case whose
// emulator settings differ by kind (kindsApart) runs each kind's steps apart: after the
// other's in the shared TestCase, or in a TestCase of their own if they apply.
func runPasscodeBadInputCases(t *testing.T, perKind [][]badInputCase) {
	var shared []badInputCase
	for i, tc := range perKind[0] {
		byKind := map[string]badInputCase{}
		for n, k := range passcodeKinds {
			if perKind[n][i].name != tc.name {
				t.Fatalf("case %d is %q for the %s kind and %q for the %s kind", i+1, tc.name, passcodeKinds[0].label, perKind[n][i].name, k.label)
			}
			byKind[k.typeName] = perKind[n][i]
		}
		run := func(t *testing.T, env *testEnv) func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
			return func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
				return byKind[k.typeName].steps(t, env, userID), checkNoFactorsLeft(env, userID)
			}
		}
		switch {
		case !tc.applies && tc.kindsApart:
			for _, k := range passcodeKinds {
				c := byKind[k.typeName]
				c.name += " (" + k.label + ")"
				shared = append(shared, c)
			}
			continue
		case !tc.applies:
			// The shared TestCase's check after its destroy runs only when something is left in
			// state; the cases' own steps prove that nothing was created.
			tc.steps = func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				steps, _ := kindStepsTogether(t, env, run(t, env), userID)
				return steps
			}
			shared = append(shared, tc)
			continue
		case tc.kindsApart:
			for _, k := range passcodeKinds {
				c := byKind[k.typeName]
				c.name += " (" + k.label + ")"
				runBadInputCases(t, []badInputCase{c})
			}
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newBadInputEmulator(t, tc)
			passcodeKindsTogether(t, env, run(t, env))
		})
	}
	runSharedBadInputCases(t, shared)
}

// stepNothingWasCreated follows a failed creation: the server holds no factor for the user,
// and with the valid configuration of kind k the next plan creates the factor, which proves
// the state holds nothing half-made.
func stepNothingWasCreated(t *testing.T, env *testEnv, userID string, k passcodeKindCase) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() {
			if fs := env.emulatorFactors(userID); len(fs) != 0 {
				t.Errorf("the failed apply left %d factor(s) on the server: %+v", len(fs), fs)
			}
		},
		Config:             k.config(env, userID, ""),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPreRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionCreate)},
		},
	}
}

// failedConfig: a whole configuration that must fail with want, then the proof that nothing
// was created (planned with kind k).
func failedConfig(k passcodeKindCase, cfg func(env *testEnv, userID string) string, want *regexp.Regexp) func(*testing.T, *testEnv, string) []resource.TestStep {
	return func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
		return []resource.TestStep{
			{Config: cfg(env, userID), ExpectError: want},
			stepNothingWasCreated(t, env, userID, k),
		}
	}
}

// failedBesideProvider is failedConfig for a configuration that goes after the environment's
// provider block (an activation, a data source), probed with an SMS factor.
func failedBesideProvider(cfg func(env *testEnv, userID string) string, want *regexp.Regexp) func(*testing.T, *testEnv, string) []resource.TestStep {
	return failedConfig(smsCase, func(env *testEnv, userID string) string { return env.providerConfig() + cfg(env, userID) }, want)
}

// refusedAtPlan: a whole configuration that Terraform must refuse at plan time with want.
// The step only plans (PlanOnly), so it fails if the error came only from an apply; and a
// plan never writes the state, so no proof step follows (issue 26: it cost four terraform
// runs per case). What a plan could still do wrong, reach the server, is checked when the
// test ends: the user holds no factor.
func refusedAtPlan(cfg func(env *testEnv, userID string) string, want *regexp.Regexp) func(*testing.T, *testEnv, string) []resource.TestStep {
	return func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
		t.Cleanup(func() {
			if fs := env.emulatorFactors(userID); len(fs) != 0 {
				t.Errorf("a configuration refused at plan time left %d factor(s) on the server: %+v", len(fs), fs)
			}
		})
		return []resource.TestStep{{Config: cfg(env, userID), PlanOnly: true, ExpectError: want}}
	}
}

// refusedBesideProvider is refusedAtPlan for a configuration that goes after the
// environment's provider block (an activation, a data source).
func refusedBesideProvider(cfg func(env *testEnv, userID string) string, want *regexp.Regexp) func(*testing.T, *testEnv, string) []resource.TestStep {
	return refusedAtPlan(func(env *testEnv, userID string) string { return env.providerConfig() + cfg(env, userID) }, want)
}

// usingOpenTofu tells whether the CLI under test is OpenTofu (TF_ACC_PROVIDER_HOST, which
// OpenTofu runs need, or the binary's name): its version numbers do not say which features it
// has (OpenTofu 1.12 has no list resources and no actions).
func usingOpenTofu() bool {
	return os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" ||
		strings.Contains(filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), "tofu")
}

// skipOnOpenTofu skips a test of a feature OpenTofu does not have.
func skipOnOpenTofu(t *testing.T, feature string) {
	t.Helper()
	if usingOpenTofu() {
		t.Skipf("OpenTofu has no %s", feature)
	}
}

// openTofuLacks is skipOnOpenTofu as a TerraformVersionChecks entry.
type openTofuLacks struct{ feature string }

func (o openTofuLacks) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if usingOpenTofu() {
		resp.Skip = "OpenTofu has no " + o.feature
	}
}
