package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// The SMS factor's own tests: its number. What it shares with the other passcode factors is
// in passcode_factor_test.go, with smsCase as its row.

const smsAddr = "idcsmfa_sms_factor.test"

// smsCase is the SMS factor's row in passcodeKinds: one fixed number.
var smsCase = passcodeKindCase{
	typeName: "idcsmfa_sms_factor", label: "SMS", aLabel: "an SMS", method: "SMS",
	resource: func(name, userID, extra string) string {
		return smsResource(name, userID, "+44", "7700900456", extra)
	},
	displayName:        func(*testing.T, *testEnv, string) string { return "+44XXXXXXX456" },
	enrollRequest:      smsReq("7700900456", true),
	alreadyEnrolled:    "HTTP 400 AUTH-1031",
	disabled:           "AUTH-1125: The SMS factor has been disabled.",
	importVerifyIgnore: []string{"country_code", "mobile_number", "skip_verification"},
	device:             "phone number",
}

// testAccSMSFactorConfig is the provider block, the passcode variables and one SMS factor
// with this number; extra goes inside the resource block.
func testAccSMSFactorConfig(env *testEnv, userID, countryCode, number, extra string) string {
	return env.providerConfig() + otpVariables + smsResource("test", userID, countryCode, number, extra)
}

// TestAccSMSFactor_badPhoneNumber: each number the schema refuses fails before any call, and
// nothing is created.
func TestAccSMSFactor_badPhoneNumber(t *testing.T) {
	phone := func(cc, number string) func(*testEnv, string) string {
		return func(env *testEnv, userID string) string { return testAccSMSFactorConfig(env, userID, cc, number, "") }
	}
	countryCode := `country_code must be "+" followed by the country calling code`
	runBadInputCases(t, []badInputCase{
		{name: "country code without +", steps: refusedAtPlan(phone("44", "7700900456"), diagRE(countryCode, `e.g. "+44"`))},
		{name: "country code with a leading zero", steps: refusedAtPlan(phone("+044", "7700900456"), diagRE(countryCode, "no leading zero"))},
		{name: "country code too long", steps: refusedAtPlan(phone("+12345", "7700900456"), diagRE(countryCode, `e.g. "+44"`))},
		{
			name: "mobile number with spaces",
			steps: refusedAtPlan(phone("+44", "7700 900456"),
				diagRE("mobile_number must be the national number without the country code: digits only", `e.g. "7700900123"`)),
		},
		{
			name:  "mobile number with the country code in it",
			steps: refusedAtPlan(phone("+44", "+447700900456"), diagRE("mobile_number must be the national number without the country code")),
		},
		{
			name:  "mobile number too short",
			steps: refusedAtPlan(phone("+44", "123"), diagRE("mobile_number must be the national number", "4 to 14 digits")),
		},
		{
			name:  "mobile number longer than E.164 allows",
			steps: refusedAtPlan(phone("+1234", "12345678901234"), diagRE("Mobile number too long", "with country code +1234 makes 18", "(E.164)")),
		},
	})
}

// TestAccSMSFactor_importOtherNumberPlansReplace: an import {} block whose configuration has
// a number the masked one cannot be plans a replacement.
func TestAccSMSFactor_importOtherNumberPlansReplace(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)

	accTest(t, env.checkDestroy("idcsmfa_sms_factor"),
		resource.TestStep{Config: testAccSMSFactorConfig(env, userID, "+44", "7700900321", "  skip_verification = true")},
		resource.TestStep{
			ResourceName:       smsAddr,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithID,
			Config:             testAccSMSFactorConfig(env, userID, "+44", "7700900999", "  skip_verification = true"),
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionReplace)},
			},
		},
	)
}

// stepKeepsEnrolledSMS applies cfg, in which the enrolled SMS factor factorID is imported with
// its real number (+44 and number): the factor is kept and the number recorded in place (the
// service shows only the masked one; issue 31, item 4), ENROLLED, shown as display.
func stepKeepsEnrolledSMS(cfg, factorID, display, number string) resource.TestStep {
	return resource.TestStep{
		Config: cfg,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionUpdate)},
		},
		Check: resource.ComposeTestCheckFunc(
			resource.TestCheckResourceAttr(smsAddr, "factor_id", factorID),
			resource.TestCheckResourceAttr(smsAddr, "status", "ENROLLED"),
			resource.TestCheckResourceAttr(smsAddr, "display_name", display),
			resource.TestCheckResourceAttr(smsAddr, "mobile_number", number),
			resource.TestCheckResourceAttr(smsAddr, "country_code", "+44"),
		),
	}
}

func TestAccSMSFactor_importThenApplyKeepsFactor(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "enrolling a factor outside Terraform")
	factorID := enrollDirect(t, env, userID, smsReq("7700900654", true))
	cfg := testAccSMSFactorConfig(env, userID, "+44", "7700900654", "") +
		fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", smsAddr, userID+"/"+factorID)

	accTest(t, env.checkDestroy("idcsmfa_sms_factor"),
		// The step's own plans after the apply are empty too: the next apply keeps the factor.
		stepKeepsEnrolledSMS(cfg, factorID, "+44XXXXXXX654", "7700900654"),
	)
}

func TestAccSMSFactor_phoneChangeIsReplace(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	var first string
	accTest(t, env.checkDestroy("idcsmfa_sms_factor"),
		resource.TestStep{
			Config: testAccSMSFactorConfig(env, userID, "+44", "7700900111", "  skip_verification = true"),
			Check:  captureAttr(smsAddr, "factor_id", &first),
		},
		resource.TestStep{
			Config: testAccSMSFactorConfig(env, userID, "+44", "7700900222", "  skip_verification = true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionReplace)},
			},
			Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(smsAddr, "display_name", "+44XXXXXXX222"),
				countEmulatorFactors(env, userID, 1)),
		},
		resource.TestStep{
			Config: testAccSMSFactorConfig(env, userID, "+353", "7700900222", "  skip_verification = true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionReplace)},
			},
		},
	)
}

// TestAccSMSFactor_planWarnsPasscodeNotSubmitted runs the terraform CLI, since the test
// framework does not show warnings: a pending factor whose otp_code_wo is set while
// otp_code_wo_version stays as in the state plans no change, and the plan says that the
// passcode is not submitted; the factor stays pending on the server.
func TestAccSMSFactor_planWarnsPasscodeNotSubmitted(t *testing.T) {
	requireTFAcc(t)
	t.Parallel()
	env, userID := newEmulatorUser(t, "reading the passcode from the outbox")
	cli := newCLIRun(t)
	// otp_code_wo needs otp_code_wo_version, so the version is set from the start: the factor
	// is enrolled with version 1 and no passcode, and stays pending.
	cli.writeProviderConfig(smsCase.config(env, userID, otpFromVariables))
	version := "TF_VAR_otp_version=1"
	out := cli.mustRun(0, []string{version}, "apply", "-auto-approve", "-input=false", "-no-color")
	for _, want := range []string{"No passcode to submit", "SMS factor enrolled: passcode sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("the apply does not warn %q; output (last 3000 bytes):\n%s", want, lastBytes(out, 3000))
		}
	}
	factorID := readStateFile(t, filepath.Join(cli.dir, "terraform.tfstate")).attribute(t, "idcsmfa_sms_factor", "factor_id")

	out = cli.mustRun(0, []string{version, "TF_VAR_otp=" + env.otp(t, userID, factorID)}, "plan", "-input=false", "-no-color")
	if !regexp.MustCompile(`(?s)Warning: Passcode not submitted: otp_code_wo_version unchanged.*` +
		`otp_code_wo_version\s+is\s+1,\s+as\s+in\s+the\s+state.*stays\s+ENROLLMENT_INITIATED.*for\s+example\s+to\s+2`).MatchString(out) {
		t.Errorf("the plan does not warn that the passcode is not submitted; output (last 3000 bytes):\n%s", lastBytes(out, 3000))
	}
	if !strings.Contains(out, "No changes.") {
		t.Errorf("the plan is not empty; output (last 3000 bytes):\n%s", lastBytes(out, 3000))
	}
	if err := checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccSMSFactor_alreadyEnrolledAmbiguous (issue 16, item 3): when the masked numbers of
// several enrolled SMS factors match the configured number, the error names them all instead
// of an import block that could take over the wrong one.
func TestAccSMSFactor_alreadyEnrolledAmbiguous(t *testing.T) {
	runBadInputCases(t, []badInputCase{{
		name:    "two factors with the same visible digits",
		applies: true,
		steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
			// Both show as +44XXXXXXX456; only the first is the configured number.
			same := enrollDirect(t, env, userID, smsReq("7700900456", true))
			lookalike := enrollDirect(t, env, userID, smsReq("7700911456", true))
			return []resource.TestStep{{
				Config: smsCase.config(env, userID, ""),
				ExpectError: diagRE("Could not enroll the SMS factor", "HTTP 400 AUTH-1031",
					"Several enrolled SMS factors of the user match this configuration", same, lookalike,
					`id = "`+userID+`/<factor_id>"`),
			}, {
				Config: smsCase.config(env, userID, "  skip_verification = true") + `
import {
  to = idcsmfa_sms_factor.test
  id = "` + userID + "/" + same + `"
}
`,
				Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(smsCase.addr(), "factor_id", same),
					// The lookalike is not Terraform's: remove it so that destroy leaves nothing.
					func(*terraform.State) error { return env.Emulator.RemoveFactor(userID, lookalike) }),
			}}
		},
	}})
}
