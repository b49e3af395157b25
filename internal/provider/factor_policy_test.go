package provider

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

const keyReadSettings = "GET /admin/v1/AuthenticationFactorSettings"

// fakeSettingsReader counts its reads.
type fakeSettingsReader struct {
	settings *client.AuthenticationFactorSettings
	err      error
	reads    atomic.Int32
}

func (f *fakeSettingsReader) GetAuthenticationFactorSettings(context.Context) (*client.AuthenticationFactorSettings, error) {
	f.reads.Add(1)
	return f.settings, f.err
}

func TestDomainSettingsReadOncePerProcess(t *testing.T) {
	f := &fakeSettingsReader{settings: &client.AuthenticationFactorSettings{MaxIncorrectAttempts: 3}}
	d := newDomainSettings(f)
	if f.reads.Load() != 0 {
		t.Fatal("read before anything asked")
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s, diags := d.forPlan(context.Background()); s == nil || s.MaxIncorrectAttempts != 3 || diags.HasError() || diags.WarningsCount() != 0 {
				t.Errorf("forPlan: %+v, %v", s, diags)
			}
		}()
	}
	wg.Wait()
	if n := f.reads.Load(); n != 1 {
		t.Errorf("%d reads for 8 callers, want 1", n)
	}
}

// Without the role, the checks are skipped with one warning per process, naming the role.
func TestDomainSettingsWarnOnceWithoutRole(t *testing.T) {
	f := &fakeSettingsReader{err: &client.APIError{StatusCode: 403, Code: "error.common.common.unauthorizedAccess", Message: "not authorized"}}
	d := newDomainSettings(f)
	warnings := 0
	for i := 0; i < 3; i++ {
		s, diags := d.forPlan(context.Background())
		if s != nil || diags.HasError() {
			t.Fatalf("forPlan: %+v, %v", s, diags)
		}
		for _, w := range diags.Warnings() {
			warnings++
			if !strings.Contains(w.Detail(), "Security Administrator app role") || !strings.Contains(w.Detail(), "HTTP 403") {
				t.Errorf("warning does not name the role and the answer: %s", w.Detail())
			}
		}
	}
	if warnings != 1 || f.reads.Load() != 1 {
		t.Errorf("%d warnings, %d reads; want 1 and 1", warnings, f.reads.Load())
	}
}

func TestFactorKindPolicyDiagnostics(t *testing.T) {
	s := &client.AuthenticationFactorSettings{EmailEnabled: true, TOTPEnabled: true, UserEnrollmentDisabledFactors: []string{"EMAIL"}}
	d := factorKindPolicyDiagnostics(s, smsKind, false)
	if !d.HasError() || !strings.Contains(d[0].Detail(), "smsEnabled = false") || !strings.Contains(d[0].Detail(), "EMAIL, TOTP") {
		t.Errorf("SMS disabled: %v", d)
	}
	if d := factorKindPolicyDiagnostics(s, emailKind, false); d.HasError() {
		t.Errorf("administrator's mode ignores userEnrollmentDisabledFactors: %v", d)
	}
	d = factorKindPolicyDiagnostics(s, emailKind, true)
	if !d.HasError() || !strings.Contains(d[0].Detail(), "userEnrollmentDisabledFactors") {
		t.Errorf("self-service, EMAIL disabled for users: %v", d)
	}
	if d := factorKindPolicyDiagnostics(s, totpKind, true); d.HasError() {
		t.Errorf("TOTP allowed: %v", d)
	}
}

func TestCountDevices(t *testing.T) {
	list := &client.UserFactors{Factors: []client.Factor{
		{FactorID: "a", Methods: []string{client.MethodSMS}}, {FactorID: "b", Methods: []string{client.MethodTOTP, client.MethodPush}},
		{FactorID: "SecurityQuestions", Methods: []string{client.MethodSecurityQuestions}}, {FactorID: "BypassCode", Methods: []string{client.MethodBypassCode}},
	}}
	if n := countDevices(list, func(string) bool { return false }); n != 2 {
		t.Errorf("%d devices, want 2", n)
	}
	// The devices this process enrolled are the create's to count, not the plan's.
	if n := countDevices(list, func(id string) bool { return id == "a" }); n != 1 {
		t.Errorf("%d devices not enrolled here, want 1", n)
	}
}

// TestAccFactorPolicy_refusedAtPlan: with the role that reads the settings, what the domain's
// settings forbid is refused at plan time, naming the setting, and nothing is sent: an SMS
// factor in a domain with SMS disabled, and a TOTP factor whose digits differ from the
// domain's (the message names both values). An email factor, which the domain allows, plans.
func TestAccFactorPolicy_refusedAtPlan(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "a domain with SMS disabled and other TOTP settings", strictDomain, withSettingsReader)
	accTest(t, nil, resource.TestStep{
		Config:      env.providerConfig() + smsResource("test", userID, "+44", "7700900123", ""),
		PlanOnly:    true,
		ExpectError: diagRE("The SMS factor is disabled in the identity domain", "smsEnabled = false", "EMAIL, TOTP, BYPASSCODE"),
	}, resource.TestStep{
		Config:          testAccTOTPConfig(env, userID, "  digits    = 6\n  algorithm = \"SHA256\""),
		ConfigVariables: totpVars(testTOTPSecret, 1),
		ExpectError:     diagRE("digits differs from the domain's TOTP settings", "sets digits = 6", "passcodeLength = 8", "set it to 8"),
	}, resource.TestStep{
		Config:   env.providerConfig() + emailResource("test", userID, "  skip_verification = true"),
		PlanOnly: true, ExpectNonEmptyPlan: true,
	})
	checkNothingEnrolled(t, env)
	if n := env.Emulator.Stats().Requests[keyReadSettings]; n < 1 {
		t.Errorf("the settings were never read (%d): the refusals did not come from them", n)
	}
}

// TestAccFactorPolicy_deviceLimit: a user who has the domain's maximum of enrolled devices
// (2) is refused a third at plan time, before anything is sent.
func TestAccFactorPolicy_deviceLimit(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "a domain with a device limit", strictDomain, withSettingsReader)
	enrollDirect(t, env, userID, emailSkip())
	totp, err := client.OfflineTOTPEnrollRequest(testTOTPSecretOther, "")
	if err != nil {
		t.Fatal(err)
	}
	enrollDirect(t, env, userID, totp)
	before := env.Emulator.Stats().Requests[keyEnroll]
	accTest(t, nil, resource.TestStep{
		Config:          testAccTOTPConfig(env, userID, ""),
		ConfigVariables: totpVars(testTOTPSecret, 1),
		ExpectError:     diagRE("The user has the domain's maximum of enrolled devices", "has 2 enrolled devices", "at most 2", "maxEnrolledDevices"),
	})
	if n := env.Emulator.Stats().Requests[keyEnroll]; n != before {
		t.Errorf("%d enrollments sent after the refusal, want none", n-before)
	}
}

// TestAccFactorPolicy_withoutRoleKeepsBehaviour: without the role, the same domain refuses
// the SMS factor at apply, as before the provider read settings, and the run goes on.
func TestAccFactorPolicy_withoutRoleKeepsBehaviour(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "a domain with SMS disabled", strictDomain)
	accTest(t, nil, resource.TestStep{
		Config:      env.providerConfig() + smsResource("test", userID, "+44", "7700900123", ""),
		ExpectError: diagRE("Could not enroll the SMS factor", "AUTH-1125"),
	})
	if n := env.Emulator.Stats().Requests[keyEnroll]; n == 0 {
		t.Error("no enrollment was sent: without the role the refusal must come from the service")
	}
}

// TestAccFactorPolicy_selfServiceEnrollmentDisabled: in self-service mode, a factor the domain
// lists in userEnrollmentDisabledFactors is refused at plan time, naming the setting and the
// administrator's way, when the signed-in user's token may read the settings (the user and
// the application both hold Security Administrator); nothing is sent.
func TestAccFactorPolicy_selfServiceEnrollmentDisabled(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, withSettingsReader, func(c *emulator.Config) {
		c.UserEnrollmentDisabledFactors = []string{emulator.MethodEmail}
		for i := range c.Clients {
			if c.Clients[i].ID == emulator.DefaultSelfServiceClientID {
				c.Clients[i].Roles = append(c.Clients[i].Roles, emulator.RoleSecurityAdmin)
			}
		}
	})
	u := addSelfServiceUser(t, env, nil, emulator.RoleSecurityAdmin)
	accTest(t, nil, resource.TestStep{
		Config:      u.provider() + emailResource("test", u.id, ""),
		PlanOnly:    true,
		ExpectError: diagRE("Users may not enroll an email factor themselves", "userEnrollmentDisabledFactors", "MFA Client"),
	})
	if n := u.env.Emulator.Stats().Requests[keyReadSettings]; n < 1 {
		t.Errorf("the settings were never read (%d): the refusal did not come from them", n)
	}
	if f := u.env.emulatorFactors(u.id); len(f) != 0 {
		t.Errorf("the user has %d factors after the refusal, want none: %+v", len(f), f)
	}
}

// The refusal of the code Terraform computed names the parameters and says the attempt
// counted, never "the code the user received" (nobody received one); with the settings read
// it quotes the domain's values and its number of attempts.
func TestTOTPCodeRefusedDetail(t *testing.T) {
	refused := &client.APIError{StatusCode: 401, Code: "AUTH-1105", Message: "Invalid passcode."}
	m := &totpFactorModel{}
	m.fillImported("")
	for _, tc := range []struct {
		name   string
		reader *fakeSettingsReader
		want   []string
	}{
		{"without the role", &fakeSettingsReader{err: &client.APIError{StatusCode: 403}},
			[]string{"period = 30 (seconds), digits = 6, algorithm = SHA1", "Security Administrator app role", "counted towards locking the user;"}},
		{"domain differs", &fakeSettingsReader{settings: &client.AuthenticationFactorSettings{MaxIncorrectAttempts: 3,
			TOTP: client.TOTPSettings{TimeStepSeconds: 60, PasscodeLength: 8, HashingAlgorithm: "SHA256"}}},
			[]string{"The domain's TOTP settings are period = 60, digits = 8, algorithm = SHA256", "locks a user after 3 wrong codes"}},
		{"domain matches", &fakeSettingsReader{settings: &client.AuthenticationFactorSettings{
			TOTP: client.TOTPSettings{TimeStepSeconds: 30, PasscodeLength: 6, HashingAlgorithm: "SHA1"}}},
			[]string{"check the clock"}},
	} {
		r := &TOTPFactorResource{}
		r.policy = newDomainSettings(tc.reader)
		got := r.codeRefusedDetail(context.Background(), m, refused)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		if strings.Contains(got, "the user received") || strings.Contains(got, "(the emulator") {
			t.Errorf("%s: %q", tc.name, got)
		}
	}
}

// A failure that is not a refusal (no answer, 5xx after retries) is not kept: the next object
// asks again; the warning is still shown once.
func TestDomainSettingsRetriesTransientFailure(t *testing.T) {
	f := &fakeSettingsReader{err: &client.APIError{StatusCode: 503}}
	d := newDomainSettings(f)
	_, first := d.forPlan(context.Background())
	f.err, f.settings = nil, &client.AuthenticationFactorSettings{MaxEnrolledDevices: 4}
	s, second := d.forPlan(context.Background())
	if first.WarningsCount() != 1 || second.WarningsCount() != 0 || s == nil || s.MaxEnrolledDevices != 4 || f.reads.Load() != 2 {
		t.Errorf("warnings %d then %d, settings %+v, reads %d", first.WarningsCount(), second.WarningsCount(), s, f.reads.Load())
	}
	if _, _ = d.forPlan(context.Background()); f.reads.Load() != 2 {
		t.Errorf("%d reads after success, want 2", f.reads.Load())
	}
}

// TestAccFactorPolicy_lockoutQuotesDomain: with the role, a wrong passcode's message quotes
// the domain's maxIncorrectAttempts (3), not a number of the provider's.
func TestAccFactorPolicy_lockoutQuotesDomain(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "reading the passcode from the outbox", strictDomain, withSettingsReader)
	var factorID string
	cfg := emailCase.config(env, userID, otpFromVariables)
	accTest(t, nil,
		resource.TestStep{Config: cfg, Check: captureAttr(emailCase.addr(), "factor_id", &factorID)},
		resource.TestStep{
			Config: cfg, ConfigVariables: otpVars(env.wrongOTP(t, userID, &factorID), 1),
			ExpectError: diagRE("Wrong passcode", "AUTH-1105", "locks a user after 3 wrong codes in a row", "maxIncorrectAttempts"),
		},
	)
}

// checkNothingEnrolled fails the test when an enrollment request reached the emulator: a
// plan-time refusal sends nothing.
func checkNothingEnrolled(t *testing.T, env *testEnv) {
	t.Helper()
	if n := env.Emulator.Stats().Requests[keyEnroll]; n != 0 {
		t.Errorf("%d enrollments sent, want none", n)
	}
}
