package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// TestAccPasscodeFactor_wrongPasscodeThenRight: a wrong passcode fails with the service's
// answer and what to do, leaves the factor pending with the previous otp_code_wo_version in
// state (so the configuration without a passcode plans nothing), and the right passcode with
// the same version then finishes the same factor.
func TestAccPasscodeFactor_wrongPasscodeThenRight(t *testing.T) {
	passcodeScenario(t, "reading the passcode from the outbox", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		addr := k.addr()
		var factorID string
		cfg := k.config(env, userID, otpFromVariables)

		return []resource.TestStep{
			{Config: cfg, Check: captureAttr(addr, "factor_id", &factorID)},
			{
				Config: cfg, ConfigVariables: otpVars(env.wrongOTP(t, userID, &factorID), 1),
				ExpectError: diagRE("Wrong passcode", "HTTP 401 AUTH-1105: Invalid passcode.", "stays ENROLLMENT_INITIATED",
					"check the code in otp_code_wo and apply again", "otp_resend_version",
					"Each wrong passcode counts towards locking the user", "the number of failed attempts its MFA settings allow"),
			},
			{Config: cfg, Check: resource.ComposeTestCheckFunc(checkOnlyFactor(env, addr, userID, &factorID, emulator.StatusInitiated),
				resource.TestCheckNoResourceAttr(addr, "otp_code_wo_version"))},
			{
				// Same version as the failed step: the state kept the previous one, so only the
				// corrected passcode is needed to retry.
				Config: cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				// checkOnlyFactor also checks status ENROLLED in state.
				Check: checkOnlyFactor(env, addr, userID, &factorID, emulator.StatusEnrolled),
			},
		}
	})
}

func TestAccPasscodeFactor_resendThenActivate(t *testing.T) {
	passcodeScenario(t, "reading passcodes from the outbox", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		addr := k.addr()
		var factorID, first string

		return []resource.TestStep{
			{
				Config: k.config(env, userID, ""),
				Check:  resource.ComposeTestCheckFunc(captureAttr(addr, "factor_id", &factorID), checkMessages(env, userID, 1)),
			},
			{
				PreConfig: func() { first = env.otp(t, userID, factorID) },
				Config:    k.config(env, userID, "  otp_resend_version = 1"),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", emulator.StatusInitiated),
					resource.TestCheckResourceAttr(addr, "otp_resend_version", "1"),
					checkMessages(env, userID, 2),
					countEmulatorFactors(env, userID, 1),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
					env.checkNoSecretsInState(&first),
				),
			},
			{
				// The first passcode after the resend: refused, and the message says that only
				// the latest one counts (issue 31, item 8).
				Config:          k.config(env, userID, "  otp_resend_version = 1\n"+otpV1),
				ConfigVariables: config.Variables{"otp": lazyVariable(func() string { return first })},
				ExpectError: diagRE("Wrong passcode", "AUTH-1105", "Only the latest passcode counts",
					"after a resend, only the passcode of the latest message is accepted"),
			},
			{
				// The new requestState was kept: the new passcode activates the factor.
				Config:          k.config(env, userID, "  otp_resend_version = 1\n"+otpV1),
				ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
				Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(addr, "status", emulator.StatusEnrolled),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled)),
			},
		}
	})
}

func TestAccPasscodeFactor_expiredRequestStateRestartsEnrollment(t *testing.T) {
	t.Parallel()
	clock := &acctestClock{}
	env := newEmulatorEnv(t, "moving the emulator's clock", withClock(clock))
	passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
		addr := k.addr()
		var factorID string
		activate := k.config(env, userID, "  otp_resend_version = 1\n"+otpV1)

		return []resource.TestStep{
			{Config: k.config(env, userID, ""), Check: captureAttr(addr, "factor_id", &factorID)},
			{
				// Resend with an expired requestState: the enrollment restarts under the same id.
				PreConfig: onceForAllKinds(k, func() { clock.Advance(11 * time.Minute) }),
				Config:    k.config(env, userID, "  otp_resend_version = 1"),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", emulator.StatusInitiated),
					checkMessages(env, userID, 2),
					countEmulatorFactors(env, userID, 1),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
				),
			},
			{
				// Activation with an expired requestState: restarted, the apply asks for the new code.
				PreConfig:       onceForAllKinds(k, func() { clock.Advance(11 * time.Minute) }),
				Config:          activate,
				ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
				ExpectError:     diagRE("Enrollment restarted: passcode not submitted", "new passcode was sent"),
			},
			{
				Config:          activate,
				ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", emulator.StatusEnrolled),
					checkMessages(env, userID, 3),
					countEmulatorFactors(env, userID, 1),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				),
			},
		}, env.checkDestroy(k.typeName)
	})
}

// atApply is a plan check that runs fn between the plan and its apply: a change made there
// is what a person or another tool does while a plan waits for its apply (or what an apply
// with -refresh=false does not see).
type atApply func()

func (f atApply) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// TestAccPasscodeFactor_enrolledBetweenPlanAndApply (issue 16, item 4): a plan that submits a
// passcode, resends one or restarts the enrollment of a pending factor, applied after the
// user finished the enrollment elsewhere, succeeds with the factor ENROLLED and nothing sent,
// instead of Terraform's "Provider produced inconsistent result after apply". The three paths
// run side by side in one TestCase, each on a factor of its own user (resource named after
// the path), so that a failure names its path.
func TestAccPasscodeFactor_enrolledBetweenPlanAndApply(t *testing.T) {
	paths := []struct{ name, extra string }{
		{name: "resend", extra: "  otp_resend_version = 1"},
		{name: "activate", extra: otpV1},
		// restart starts from a pending factor imported into the state (no stored enrollment
		// request, so a resend restarts the enrollment).
		{name: "restart", extra: "  otp_resend_version = 1"},
	}
	const activate, restart = 1, 2
	t.Parallel()
	env := newEmulatorEnv(t, "finishing an enrollment between plan and apply")
	passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
		users, factorIDs := make([]string, len(paths)), make([]string, len(paths))
		users[0] = userID
		for i := 1; i < len(paths); i++ {
			users[i] = env.newUser(t)
		}
		addr := func(i int) string { return k.typeName + "." + paths[i].name }
		// cfg is the first n paths' resources, with their path's extra or without.
		cfg := func(n int, extras bool) string {
			c := env.providerConfig() + otpVariables
			for i := range n {
				extra := ""
				if extras {
					extra = paths[i].extra
				}
				c += k.resource(paths[i].name, users[i], extra)
			}
			return c
		}
		pending := k.enrollRequest
		pending.SkipVerification = false
		var planChecks []plancheck.PlanCheck
		var checks []resource.TestCheckFunc
		for i := range paths {
			planChecks = append(planChecks, plancheck.ExpectUnknownValue(addr(i), tfjsonpath.New("status")))
			// Nothing was sent: the only passcode is the enrollment's.
			checks = append(checks, checkOnlyFactor(env, addr(i), users[i], &factorIDs[i], emulator.StatusEnrolled), checkMessages(env, users[i], 1))
		}
		planChecks = append(planChecks, atApply(func() {
			for i := range paths {
				if err := env.Emulator.CompleteEnrollment(users[i], factorIDs[i]); err != nil {
					t.Errorf("finishing the %s path's enrollment elsewhere: %s", paths[i].name, err)
				}
			}
		}))
		return []resource.TestStep{
			{
				Config: cfg(restart, false),
				Check: resource.ComposeTestCheckFunc(captureAttr(addr(0), "factor_id", &factorIDs[0]),
					captureAttr(addr(activate), "factor_id", &factorIDs[activate])),
			},
			{
				PreConfig:          func() { factorIDs[restart] = enrollDirect(t, env, users[restart], pending) },
				Config:             cfg(len(paths), false),
				ResourceName:       addr(restart),
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return users[restart] + "/" + factorIDs[restart], nil },
			},
			{
				Config:           cfg(len(paths), true),
				ConfigVariables:  config.Variables{"otp": env.lazyOTP(t, users[activate], &factorIDs[activate])},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: planChecks},
				Check:            resource.ComposeAggregateTestCheckFunc(checks...),
			},
			{Config: cfg(len(paths), true), ConfigVariables: config.Variables{"otp": config.StringVariable("123456")}, PlanOnly: true},
		}, env.checkDestroy(k.typeName)
	})
}

// TestAccPasscodeFactor_restartedElsewhereIsNotTakenBack (issue 16, item 5): two owners of
// one pending enrollment, "a" and "b" (standing for two workspaces), on the same user and
// device. b takes a's enrollment over on purpose; a then submits the passcode it holds. That
// used to restart the enrollment again (a new passcode, b's voided, and b would do the same
// back). Now a's submission, and a resend by b once a took it back, fail saying the
// enrollment was restarted elsewhere, and send nothing; with take_over_pending_enrollment =
// true, a restarts it (one new passcode), whose passcode finishes the factor, and b's next
// refresh sees it ENROLLED.
func TestAccPasscodeFactor_restartedElsewhereIsNotTakenBack(t *testing.T) {
	t.Parallel()
	env := newEmulatorEnv(t, "the outbox")
	passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
		var factorID, codeA string
		addrA, addrB := k.typeName+".a", k.typeName+".b"
		// b == "" leaves b out of the configuration; " " is b without extras.
		cfg := func(a, b string) string {
			c := env.providerConfig() + otpVariables + k.resource("a", userID, a)
			if b != "" {
				c += k.resource("b", userID, b)
			}
			return c
		}
		const takeOver = "  take_over_pending_enrollment = true\n"
		restartedElsewhere := diagRE("Enrollment restarted outside this resource: nothing was sent", "AUTH-1120",
			"another Terraform workspace with take_over_pending_enrollment = true", "idcsmfa_resend_passcode",
			"the enrollment was not restarted", "finish the enrollment where it was restarted", "sees the factor ENROLLED",
			"set take_over_pending_enrollment = true", "stops working")
		sent := func(want int) func() { return func() { checkSent(t, env, userID, want) } }
		return []resource.TestStep{
			{
				Config: cfg("", ""),
				Check: resource.ComposeTestCheckFunc(captureAttr(addrA, "factor_id", &factorID),
					func(*terraform.State) error { codeA = env.otp(t, userID, factorID); return nil }),
			},
			{
				// b takes a's pending enrollment over: one new passcode, the same factor.
				Config: cfg("", takeOver),
				Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttrPtr(addrB, "factor_id", &factorID),
					checkMessages(env, userID, 2)),
			},
			{
				// a submits the passcode it holds: refused, nothing sent.
				Config:          cfg(otpFromVariables, takeOver),
				ConfigVariables: otpVars(lazyVariable(func() string { return codeA }), 1),
				ExpectError:     restartedElsewhere,
			},
			{
				// The state kept a's previous otp_code_wo_version: with the flag, the same
				// submission restarts the enrollment here.
				PreConfig:       sent(2),
				Config:          cfg(otpFromVariables+takeOver, takeOver),
				ConfigVariables: otpVars(lazyVariable(func() string { return codeA }), 1),
				ExpectError: diagRE("Enrollment restarted: passcode not submitted", "outside this resource",
					"take_over_pending_enrollment is true", "taken over", "a new passcode was sent"),
			},
			{
				// b, whose request a has now voided, asks for a new passcode without the flag: refused.
				PreConfig:   sent(3),
				Config:      cfg(takeOver, "  otp_resend_version = 1\n"),
				ExpectError: restartedElsewhere,
			},
			{
				// a submits the passcode of its restart; b's refresh sees the factor enrolled.
				PreConfig:       sent(3),
				Config:          cfg(otpFromVariables+takeOver, " "),
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(addrA, "status", emulator.StatusEnrolled),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
					checkMessages(env, userID, 3)),
				// b's refresh, the step's refresh plan, sees the factor ENROLLED; nothing more was sent.
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectRefreshed{addrB, "status", emulator.StatusEnrolled},
					planCheckFunc(func() error {
						return resource.ComposeTestCheckFunc(countEmulatorFactors(env, userID, 1), checkMessages(env, userID, 3))(nil)
					}),
				}},
			},
		}, resource.ComposeTestCheckFunc(env.checkDestroy(k.typeName), checkNoFactorsLeft(env, userID))
	})
}

// checkSent fails the test unless userID has been sent want passcodes: a step's PreConfig,
// after a failed step, which has no Check.
func checkSent(t *testing.T, env *testEnv, userID string, want int) {
	t.Helper()
	if n := len(env.Emulator.Messages(userID)); n != want {
		t.Errorf("%d passcode(s) sent so far, want %d", n, want)
	}
}
