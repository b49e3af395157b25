package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// skipBelowActions skips a test of actions on a Terraform older than 1.14, which has none.
var skipBelowActions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// skipOnOpenTofu skips a test of a feature OpenTofu does not have. Its version numbers
// overlap Terraform's, so the version checks alone cannot tell.
func skipOnOpenTofu(t *testing.T, feature string) {
	t.Helper()
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" ||
		strings.HasPrefix(filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), "tofu") {
		t.Skipf("OpenTofu has no %s", feature)
	}
}

// triggeredBy is a terraform_data resource whose creation (and each change of input)
// invokes the action: the way plugin-testing runs actions.
func triggeredBy(action string, input int) string {
	return fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %d
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.%s]
    }
  }
}
`, input, action)
}

// checkOTPChanged checks that the factor's latest passcode is not *before, and records it.
func checkOTPChanged(env *testEnv, userID string, factorID, before *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		code, ok := env.Emulator.LastOTP(userID, *factorID)
		if !ok || code == *before {
			return fmt.Errorf("factor %s has no new passcode (had %q, now %q)", *factorID, *before, code)
		}
		*before = code
		return nil
	}
}

// A resend by the action on an email factor the resource enrolled: a new passcode goes out;
// the resource's requestState is void, so its next activation with the action's passcode
// restarts the enrollment and asks for the newest passcode, which then enrolls the factor.
// Once enrolled, the action refuses: nothing to send.
func TestAccResendPasscodeAction_emailThenActivation(t *testing.T) {
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reads passcodes from the outbox")
	userID := env.newUser(t)
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
				// The action's passcode cannot be submitted with the resource's requestState.
				Config:          env.providerConfig() + withOTP + action + triggeredBy("idcsmfa_resend_passcode.again", 1),
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				ExpectError: diagRE("Enrollment restarted: passcode not submitted", "no longer accepts its enrollment request",
					"idcsmfa_resend_passcode", "new passcode"),
			},
			{
				Config:          env.providerConfig() + withOTP + action + triggeredBy("idcsmfa_resend_passcode.again", 1),
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
// waiting, the user asking for a new passcode. A number that is not the factor's is refused
// before anything is sent; the right one sends a new passcode for the same factor.
func TestAccResendPasscodeAction_smsOutOfBand(t *testing.T) {
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reads passcodes from the outbox")
	userID := env.newUser(t)
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
				Config:      env.providerConfig() + action("7700900999") + triggeredBy("idcsmfa_resend_passcode.again", 1),
				ExpectError: diagRE("sends to", "which is not +44 7700900999", "Nothing was sent"),
			},
			{
				// A new input: the failed step's terraform_data was created before its action ran.
				Config: env.providerConfig() + action("7700900123") + triggeredBy("idcsmfa_resend_passcode.again", 2),
				Check: resource.ComposeTestCheckFunc(
					checkMessages(env, userID, 2),
					checkOTPChanged(env, userID, &factorID, &otp),
					countEmulatorFactors(env, userID, 1),
					func(*terraform.State) error { return env.Emulator.CompleteEnrollment(userID, factorID) },
				),
			},
			{
				Config:      env.providerConfig() + action("7700900123") + triggeredBy("idcsmfa_resend_passcode.again", 3),
				ExpectError: diagRE("Could not resend the passcode", "already enrolled"),
			},
		},
	})
}

// One verification per invocation, reported as progress; a wrong answer fails with the
// service's code, the lockout note, and not the answer.
func TestAccVerifyFactorAction_bypassCode(t *testing.T) {
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "bypass codes are played by the emulator")
	userID := env.newUser(t)
	good, err := env.Emulator.AddBypassCode(userID)
	if err != nil {
		t.Fatal(err)
	}
	wrong := wrongCode(good)
	cfg := env.providerConfig() + fmt.Sprintf(`
variable "bypass_code" {
  type      = string
  sensitive = true
}

action "idcsmfa_verify_factor" "bypass" {
  config {
    user_id     = %q
    factor_id   = "BypassCode"
    method      = "BYPASSCODE"
    bypass_code = var.bypass_code
  }
}
`, userID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowActions,
		Steps: []resource.TestStep{
			{
				Config:          cfg + "action \"idcsmfa_verify_factor\" \"nothing\" {\n  config {\n    method = \"TOTP\"\n  }\n}\n",
				ConfigVariables: config.Variables{"bypass_code": config.StringVariable(good)},
				PlanOnly:        true,
				ExpectError:     diagRE("Missing answer for TOTP", "totp_secret"),
			},
			{
				Config:          cfg + triggeredBy("idcsmfa_verify_factor.bypass", 1),
				ConfigVariables: config.Variables{"bypass_code": config.StringVariable(wrong)},
				ExpectError:     diagRE("Factor verification failed for "+userID, "AUTH-1105", "locking the user"),
			},
			{
				Config:          cfg + triggeredBy("idcsmfa_verify_factor.bypass", 2),
				ConfigVariables: config.Variables{"bypass_code": config.StringVariable(good)},
				Check: func(*terraform.State) error {
					// Used up by the one verification the action ran.
					if _, err := env.Client.Verify(t.Context(), client.VerifyRequest{UserID: userID, FactorID: "BypassCode",
						Method: client.MethodBypassCode, BypassCode: good}); err == nil {
						return fmt.Errorf("the bypass code still verifies: the action did not use it")
					}
					return nil
				},
			},
		},
	})
}

// requireActionsCLI skips a test that drives the CLI itself (no plugin-testing version
// checks) when the CLI has no actions: OpenTofu, or Terraform before 1.14.
func requireActionsCLI(t *testing.T) {
	t.Helper()
	skipOnOpenTofu(t, "actions")
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		t.Fatalf("running %s version: %s", bin, err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("reading %s version -json: %s", bin, err)
	}
	if got, err := version.NewVersion(v.TerraformVersion); err != nil || got.LessThan(tfversion.Version1_14_0) {
		t.Skipf("Terraform %s has no actions (1.14+)", v.TerraformVersion)
	}
}

// Both actions invoked on their own, as a user would: terraform apply -invoke=action.<type>.<name>.
// The outcome is in the progress messages; no secret is printed.
func TestAccActions_invokeFromCLI(t *testing.T) {
	requireActionsCLI(t)
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reads passcodes from the outbox")
	userID := env.newUser(t)
	factorID := enrollDirect(t, env, userID, client.EnrollRequest{Method: client.MethodEmail})
	first := env.otp(t, userID, factorID)
	bypass, err := env.Emulator.AddBypassCode(userID)
	if err != nil {
		t.Fatal(err)
	}
	cli := newCLIRun(t)
	cli.writeProviderConfig(env.providerConfig() + fmt.Sprintf(`
variable "bypass_code" {
  type      = string
  sensitive = true
}

action "idcsmfa_resend_passcode" "again" {
  config {
    user_id   = %[1]q
    factor_id = %[2]q
  }
}

action "idcsmfa_verify_factor" "bypass" {
  config {
    user_id     = %[1]q
    factor_id   = "BypassCode"
    method      = "BYPASSCODE"
    bypass_code = var.bypass_code
  }
}
`, userID, factorID))
	vars := []string{"TF_VAR_bypass_code=" + bypass}
	out := cli.mustRun(0, vars, "apply", "-invoke=action.idcsmfa_resend_passcode.again", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "A new passcode was sent to") {
		t.Errorf("the resend printed no progress message:\n%s", out)
	}
	if second := env.otp(t, userID, factorID); second == first || len(env.Emulator.Messages(userID)) != 2 {
		t.Errorf("no new passcode was sent (first %q, latest %q, %d messages)", first, second, len(env.Emulator.Messages(userID)))
	}
	out = cli.mustRun(0, vars, "apply", "-invoke=action.idcsmfa_verify_factor.bypass", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "bypass_code = (sensitive value)") {
		t.Errorf("the plan does not hide the bypass code given through a sensitive variable:\n%s", out)
	}
	if !strings.Contains(out, "Verified: BYPASSCODE factor BypassCode") {
		t.Errorf("the verification printed no outcome:\n%s", out)
	}
	out = cli.mustRun(1, vars, "apply", "-invoke=action.idcsmfa_verify_factor.bypass", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "Factor verification failed for "+userID) {
		t.Errorf("a used-up bypass code did not fail the invocation:\n%s", out)
	}
	for _, secret := range append(env.secrets.values(), bypass, first, env.otp(t, userID, factorID)) {
		if strings.Contains(cli.output.String(), secret) {
			t.Errorf("the CLI printed a secret (%d characters)", len(secret))
		}
	}
}
