package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// A resend by the action on an email factor the resource enrolled: a new passcode goes out;
// the resource's requestState is void, so its next activation with the action's passcode
// fails without sending anything (a restart outside the resource is not taken back); with
// take_over_pending_enrollment = true it restarts the enrollment and asks for the newest
// passcode, which then enrolls the factor.
// Once enrolled, the action refuses: nothing to send.
func TestAccResendPasscodeAction_emailThenActivation(t *testing.T) {
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	env, userID := newEmulatorUser(t, "reads passcodes from the outbox")
	var factorID, otp string
	action := fmt.Sprintf(`
action "idcsmfa_resend_passcode" "again" {
  config {
    user_id   = %q
    factor_id = idcsmfa_email_factor.test.factor_id
  }
}
`, userID)
	withOTP := emailResource("test", userID, otpFromVariables) + otpVariables
	withTakeOver := emailResource("test", userID, otpFromVariables+"  take_over_pending_enrollment = true\n") + otpVariables
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowActions,
		CheckDestroy:             env.checkDestroy("idcsmfa_email_factor"),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + emailResource("test", userID, ""),
				Check: resource.ComposeTestCheckFunc(
					captureAttr("idcsmfa_email_factor.test", "factor_id", &factorID),
					checkMessages(env, userID, 1),
					func(*terraform.State) error { otp = env.otp(t, userID, factorID); return nil },
				),
			},
			{
				Config: env.providerConfig() + emailResource("test", userID, "") + action + triggeredBy("idcsmfa_resend_passcode.again", 1),
				Check: resource.ComposeTestCheckFunc(
					checkMessages(env, userID, 2),
					checkOTPChanged(env, userID, &factorID, &otp),
					checkEmulatorFactor(env, userID, &factorID, "ENROLLMENT_INITIATED"),
				),
			},
			{
				// The action's passcode cannot be submitted with the resource's requestState, which
				// the action's resend voided: a restart outside the resource, not taken back.
				Config:          env.providerConfig() + withOTP + action + triggeredBy("idcsmfa_resend_passcode.again", 1),
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				ExpectError: diagRE("Enrollment restarted outside this resource: nothing was sent", "idcsmfa_resend_passcode",
					"take_over_pending_enrollment = true"),
			},
			{
				// With the opt-in, the resource restarts the enrollment and asks for the newest passcode.
				PreConfig:       func() { checkSent(t, env, userID, 2) },
				Config:          env.providerConfig() + withTakeOver + action + triggeredBy("idcsmfa_resend_passcode.again", 1),
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				ExpectError: diagRE("Enrollment restarted: passcode not submitted", "take_over_pending_enrollment is true",
					"new passcode"),
			},
			{
				Config:          env.providerConfig() + withTakeOver + action + triggeredBy("idcsmfa_resend_passcode.again", 1),
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("idcsmfa_email_factor.test", "status", "ENROLLED"),
					checkMessages(env, userID, 3),
					env.checkNoSecretsInState(),
				),
			},
			{
				Config:          env.providerConfig() + withOTP + action + triggeredBy("idcsmfa_resend_passcode.again", 2),
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				ExpectError:     diagRE("is already enrolled: there is no passcode to send, and nothing was sent"),
			},
			{
				Config:          env.providerConfig() + withOTP,
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				Check:           checkMessages(env, userID, 3),
			},
		},
	})
}

// The out-of-band flow the action is for: an SMS factor enrolled elsewhere, an activation
// waiting, the user asking for a new passcode. Inputs that do not describe the factor (no
// number: an email factor; another number; an unknown factor) are refused before anything is
// sent (the right one then finds one passcode sent before it, and one factor); the right
// number sends a new passcode for the same factor.
func TestAccResendPasscodeAction_smsOutOfBand(t *testing.T) {
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	env, userID := newEmulatorUser(t, "reads passcodes from the outbox")
	factorID := enrollDirect(t, env, userID, smsReq("7700900123", false))
	otp := env.otp(t, userID, factorID)
	action := func(number string) string {
		return fmt.Sprintf(`
action "idcsmfa_resend_passcode" "again" {
  config {
    user_id       = %q
    factor_id     = %q
    country_code  = "+44"
    mobile_number = %q
  }
}
`, userID, factorID, number)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowActions,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + fmt.Sprintf(`
action "idcsmfa_resend_passcode" "again" {
  config {
    user_id   = %q
    factor_id = %q
  }
}
`, userID, factorID) + triggeredBy("idcsmfa_resend_passcode.again", 1),
				ExpectError: diagRE("Factor "+factorID+" is an SMS factor, but a configuration without country_code and "+
					"mobile_number describes an email factor", "Nothing was sent"),
			},
			{
				// Each step a new input: a failed step's terraform_data was created before its action ran.
				Config:      env.providerConfig() + strings.Replace(action("7700900123"), factorID, strings.Repeat("0", 32), 1) + triggeredBy("idcsmfa_resend_passcode.again", 2),
				ExpectError: diagRE("The identity domain has no factor "+strings.Repeat("0", 32), "AUTH-1014", "Check user_id and factor_id"),
			},
			{
				Config:      env.providerConfig() + action("7700900999") + triggeredBy("idcsmfa_resend_passcode.again", 3),
				ExpectError: diagRE("sends to", "which is not +44 7700900999", "Nothing was sent"),
			},
			{
				Config: env.providerConfig() + action("7700900123") + triggeredBy("idcsmfa_resend_passcode.again", 4),
				Check: resource.ComposeTestCheckFunc(
					checkMessages(env, userID, 2),
					checkOTPChanged(env, userID, &factorID, &otp),
					countEmulatorFactors(env, userID, 1),
					func(*terraform.State) error { return env.Emulator.CompleteEnrollment(userID, factorID) },
				),
			},
			{
				Config:      env.providerConfig() + action("7700900123") + triggeredBy("idcsmfa_resend_passcode.again", 5),
				ExpectError: diagRE("Could not resend the passcode", "already enrolled"),
			},
		},
	})
}
