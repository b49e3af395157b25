package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// TestAccPasscodeFactor_lostAnswerNeverAdoptsAnotherFactor (issue 25, item 1): with
// skip_verification = true, the answer to the enrollment is lost while the user already has an
// enrolled factor of this device that another workspace manages. The create used to report
// "Creation complete" with the other factor's id (its destroy then deleted the other
// workspace's factor). The client now knows which factors existed before the request and
// never takes one as its result: the create fails as it does without the loss (already
// enrolled, with the import block), and the other factor is left alone.
func TestAccPasscodeFactor_lostAnswerNeverAdoptsAnotherFactor(t *testing.T) {
	passcodeScenario(t, "dropping answers", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		var other string
		skip := "  skip_verification = true\n"
		enrollOfUser := userEnrollKey(userID)
		return []resource.TestStep{
			{
				PreConfig: func() {
					other = enrollDirect(t, env, userID, k.enrollRequest)
					dropNext(env, enrollOfUser)()
				},
				Config: k.config(env, userID, skip),
				ExpectError: diagRE("Could not enroll the "+k.label+" factor of user "+userID, k.alreadyEnrolled,
					"import {", "to = "+k.typeName+".<name>"),
			},
			{
				PreConfig: func() {
					if n := env.Emulator.CurrentFaults().DropNext[enrollOfUser]; n != 0 {
						t.Errorf("%s: the enrollment's answer was not dropped (%d drops left): the test tested nothing", k.label, n)
					}
					if fs := env.emulatorFactors(userID); len(fs) != 1 || fs[0].ID != other {
						t.Errorf("want only the factor enrolled outside Terraform (%s), got %+v", other, fs)
					}
				},
				// The import block of the error adopts the other factor, on purpose this time.
				Config: k.config(env, userID, skip) + `
variable "import_id" { type = string }
import {
  to = ` + k.addr() + `
  id = var.import_id
}
`,
				ConfigVariables: config.Variables{"import_id": lazyVariable(func() string { return userID + "/" + other })},
				Check:           resource.TestCheckResourceAttr(k.addr(), "status", emulator.StatusEnrolled),
			},
		}
	})
}

// userEnrollKey aims a drop (dropNext) at the enrollments of one user only (the emulator's
// Faults.DropNext by method and path): the passcode kinds, run together on a user each, then
// each lose their own answer even when the provider repeats its request.
func userEnrollKey(userID string) string { return "POST /mfa/v1/users/" + userID + "/factors" }

// factorPatchKey aims a drop at the PATCHes (passcode, resend) of one factor.
func factorPatchKey(userID, factorID string) string {
	return "PATCH /mfa/v1/users/" + userID + "/factors/" + factorID
}

// dropNext makes the emulator do the work of one more request of route (a route as Stats keys
// it, or a request's own method and path) and drop its answer, keeping the other faults:
// passcode kinds run together (passcodeKindsTogether) each add the drop of their own request.
func dropNext(env *testEnv, route string) func() {
	return func() {
		f := env.Emulator.CurrentFaults()
		if f.DropNext == nil {
			f.DropNext = map[string]int{}
		}
		f.DropNext[route]++
		env.Emulator.SetFaults(f)
	}
}

// checkDropsTaken fails unless every drop aimed at route() (dropNext) was taken: otherwise
// the step lost no answer and tested nothing. route is read when the check runs, after the
// step, so that it may name a factor the step's PreConfig only then knew.
func checkDropsTaken(env *testEnv, route func() string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		route := route()
		if n := env.Emulator.CurrentFaults().DropNext[route]; n != 0 {
			return fmt.Errorf("%d answer(s) of %s were to be dropped and were not: the step lost nothing", n, route)
		}
		return nil
	}
}

// TestAccPasscodeFactor_lostAnswersOfCreateAndActivation (issue 16, item 2): the answer to the
// enrollment is lost after the service enrolled the device, then the answer to the passcode:
// the provider finds out what happened (the client enrolls the same device again, which
// restarts its own pending enrollment; the passcode's factor reads ENROLLED) and the factor is
// in state once, enrolled once.
func TestAccPasscodeFactor_lostAnswersOfCreateAndActivation(t *testing.T) {
	passcodeScenario(t, "dropping answers", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		var factorID string
		return []resource.TestStep{
			{
				PreConfig: dropNext(env, userEnrollKey(userID)),
				Config:    k.config(env, userID, ""),
				Check: resource.ComposeTestCheckFunc(
					captureAttr(k.addr(), "factor_id", &factorID),
					checkOnlyFactor(env, k.addr(), userID, &factorID, emulator.StatusInitiated),
					checkMessages(env, userID, 2),
					checkDropsTaken(env, func() string { return userEnrollKey(userID) }),
				),
			},
			{
				PreConfig:       func() { dropNext(env, factorPatchKey(userID, factorID))() },
				Config:          k.config(env, userID, otpFromVariables),
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				Check: resource.ComposeTestCheckFunc(
					checkOnlyFactor(env, k.addr(), userID, &factorID, emulator.StatusEnrolled),
					checkDropsTaken(env, func() string { return factorPatchKey(userID, factorID) }),
				),
			},
		}
	})
}

// TestAccPasscodeFactor_lostResendAnswer (issue 16, item 2): the service sends a new passcode
// but the answer, with its new requestState, is lost. The apply fails saying that a passcode
// may have been sent, what Terraform checked and what to do; it records the resend, so the
// next plan sends nothing more. Submitting the passcode that arrived then uses the
// requestState Terraform holds: where the service keeps it valid across a resend (the
// emulator's -resend-keeps-request-state), the factor is enrolled with no further passcode;
// where it does not (the emulator's default), the enrollment restarts, exactly one more
// passcode is sent, and the apply says so and asks for it. The kinds run together, each
// kind's drop aimed at its own factor's PATCH, the step's only one (the error each kind must
// report says its answer was the one lost).
func TestAccPasscodeFactor_lostResendAnswer(t *testing.T) {
	for _, keeps := range []bool{true, false} {
		t.Run(fmt.Sprintf("resend_keeps_request_state=%t", keeps), func(t *testing.T) {
			t.Parallel()
			env := newEmulatorEnv(t, "dropping answers", func(c *emulator.Config) { c.ResendKeepsRequestState = keeps })
			passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
				var factorID string
				const resend = "  otp_resend_version = 1\n"
				steps := []resource.TestStep{
					{Config: k.config(env, userID, ""), Check: captureAttr(k.addr(), "factor_id", &factorID)},
					{
						PreConfig: func() { dropNext(env, factorPatchKey(userID, factorID))() },
						Config:    k.config(env, userID, resend),
						ExpectError: diagRE("A new passcode may have been sent for "+k.label+" factor", "may have been carried out",
							"read the factor's status: still ENROLLMENT_INITIATED", "does not send yet another passcode",
							"If a new passcode reached", "If none arrived, change otp_resend_version again"),
					},
					{
						PreConfig: func() {
							if n := len(env.Emulator.Messages(userID)); n != 2 {
								t.Errorf("%d passcodes after the lost resend, want 2: the resend was not done", n)
							}
						},
						// The resend is recorded: nothing more to send.
						Config:   k.config(env, userID, resend),
						PlanOnly: true,
					},
				}
				activate := resource.TestStep{
					Config:          k.config(env, userID, resend+otpFromVariables),
					ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				}
				if keeps {
					activate.Check = resource.ComposeTestCheckFunc(
						checkOnlyFactor(env, k.addr(), userID, &factorID, emulator.StatusEnrolled), checkMessages(env, userID, 2))
					steps = append(steps, activate)
				} else {
					activate.ExpectError = diagRE("Enrollment restarted: passcode not submitted", "no longer accepts its enrollment request")
					again := activate
					again.ExpectError = nil
					again.Check = resource.ComposeTestCheckFunc(
						checkOnlyFactor(env, k.addr(), userID, &factorID, emulator.StatusEnrolled), checkMessages(env, userID, 3))
					steps = append(steps, activate, again)
				}
				return steps, env.checkDestroy(k.typeName)
			})
		})
	}
}
