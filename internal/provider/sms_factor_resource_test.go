package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

const smsAddr = "idcsmfa_sms_factor.test"

// testAccSMSFactorConfig is the provider block plus one SMS factor. extra goes inside the
// resource block (otp_* attributes, skip_verification).
func testAccSMSFactorConfig(env *testEnv, userID, countryCode, number, extra string) string {
	return env.providerConfig() + fmt.Sprintf(`
variable "otp" {
  type      = string
  default   = null
  sensitive = true
}

resource "idcsmfa_sms_factor" "test" {
  user_id       = %q
  country_code  = %q
  mobile_number = %q
%s
}
`, userID, countryCode, number, extra)
}

const otpV1 = `
  otp_code_wo         = var.otp
  otp_code_wo_version = 1
`

func TestAccSMSFactor_pendingThenActivateWithWriteOnlyPasscode(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reading the passcode from the outbox")
	userID := env.newUser(t)
	var factorID, otp string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{
			{
				Config: testAccSMSFactorConfig(env, userID, "+44", "7700900123", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLMENT_INITIATED")),
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("+44XXXXXXX123")),
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("methods"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("SMS")})),
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile("^"+userID+"/[0-9a-f]{32}$"))),
				},
				Check: resource.ComposeTestCheckFunc(
					captureAttr(smsAddr, "factor_id", &factorID),
					checkRecordedSecrets(env),
					env.checkNoSecretsInState(),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
				),
			},
			{
				// Changing the version without a passcode is refused at plan time.
				Config:      testAccSMSFactorConfig(env, userID, "+44", "7700900123", "otp_code_wo_version = 1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing passcode.*otp_code_wo_version changed from null to 1.*otp_code_wo is\s+not set`),
			},
			{
				PreConfig:       func() { otp = env.otp(t, userID, factorID) },
				Config:          testAccSMSFactorConfig(env, userID, "+44", "7700900123", otpV1),
				ConfigVariables: config.Variables{"otp": lazyVariable(func() string { return otp })},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(smsAddr, tfjsonpath.New("status")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("otp_code_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("otp_code_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					env.checkNoSecretsInState(&otp),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				),
			},
			{
				// The passcode is used up: keeping the version without it plans no change.
				Config:   testAccSMSFactorConfig(env, userID, "+44", "7700900123", "otp_code_wo_version = 1"),
				PlanOnly: true,
			},
			{
				// An enrolled factor is never asked to verify again, even with a new version.
				Config:          testAccSMSFactorConfig(env, userID, "+44", "7700900123", `otp_code_wo = var.otp`+"\n  otp_code_wo_version = 2"),
				ConfigVariables: config.Variables{"otp": config.StringVariable("000000")},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
				},
				Check: checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
			},
		},
	})
}

func TestAccSMSFactor_skipVerification(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	userID := env.newUser(t)
	var factorID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{{
			Config: testAccSMSFactorConfig(env, userID, "+1", "5550100", "skip_verification = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
				statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("skip_verification"), knownvalue.Bool(true)),
			},
			Check: resource.ComposeTestCheckFunc(
				captureAttr(smsAddr, "factor_id", &factorID),
				checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				checkMessages(env, userID, 0),
			),
		}},
	})
}

func TestAccSMSFactor_wrongPasscodeThenRight(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reading the passcode from the outbox")
	userID := env.newUser(t)
	var factorID string
	right := lazyVariable(func() string { return env.otp(t, userID, factorID) })
	wrong := lazyVariable(func() string { return wrongCode(env.otp(t, userID, factorID)) })

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{
			{
				Config: testAccSMSFactorConfig(env, userID, "+44", "7700900456", ""),
				Check:  captureAttr(smsAddr, "factor_id", &factorID),
			},
			{
				Config:          testAccSMSFactorConfig(env, userID, "+44", "7700900456", otpV1),
				ConfigVariables: config.Variables{"otp": wrong},
				ExpectError:     expectErr("Wrong passcode", "AUTH-1105", "otp_resend_version"),
			},
			{
				// Same version as the failed step: the state kept the previous one, so only the
				// corrected passcode is needed to retry.
				Config:          testAccSMSFactorConfig(env, userID, "+44", "7700900456", otpV1),
				ConfigVariables: config.Variables{"otp": right},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
				},
				Check: checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
			},
		},
	})
}

// wrongCode returns a passcode of the same shape that is not code.
func wrongCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func TestAccSMSFactor_resendThenActivate(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reading passcodes from the outbox")
	userID := env.newUser(t)
	var factorID, first string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{
			{
				Config: testAccSMSFactorConfig(env, userID, "+33", "612345678", ""),
				Check: resource.ComposeTestCheckFunc(
					captureAttr(smsAddr, "factor_id", &factorID),
					checkMessages(env, userID, 1),
				),
			},
			{
				PreConfig: func() { first = env.otp(t, userID, factorID) },
				Config:    testAccSMSFactorConfig(env, userID, "+33", "612345678", "otp_resend_version = 1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLMENT_INITIATED")),
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("otp_resend_version"), knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMessages(env, userID, 2),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
					env.checkNoSecretsInState(&first),
				),
			},
			{
				// The new requestState was kept: the new passcode activates the factor.
				Config:          testAccSMSFactorConfig(env, userID, "+33", "612345678", "otp_resend_version = 1\n"+otpV1),
				ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
				},
				Check: checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
			},
		},
	})
}

func TestAccSMSFactor_expiredRequestStateRestartsEnrollment(t *testing.T) {
	t.Parallel()
	clock := newAcctestClock()
	env := newTestEnv(t, withClock(clock))
	env.requireEmulator(t, "moving the emulator's clock")
	userID := env.newUser(t)
	var factorID string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{
			{
				Config: testAccSMSFactorConfig(env, userID, "+49", "15123456789", ""),
				Check:  captureAttr(smsAddr, "factor_id", &factorID),
			},
			{
				// Resend with an expired requestState: the enrollment restarts under the same id.
				PreConfig: func() { clock.Advance(11 * time.Minute) },
				Config:    testAccSMSFactorConfig(env, userID, "+49", "15123456789", "otp_resend_version = 1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLMENT_INITIATED")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMessages(env, userID, 2),
					countEmulatorFactors(env, userID, 1),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
				),
			},
			{
				// Activation with an expired requestState: restarted, the apply asks for the new code.
				PreConfig:       func() { clock.Advance(11 * time.Minute) },
				Config:          testAccSMSFactorConfig(env, userID, "+49", "15123456789", "otp_resend_version = 1\n"+otpV1),
				ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
				ExpectError:     expectErr("Enrollment restarted: passcode not submitted", "new passcode was sent"),
			},
			{
				Config:          testAccSMSFactorConfig(env, userID, "+49", "15123456789", "otp_resend_version = 1\n"+otpV1),
				ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMessages(env, userID, 3),
					countEmulatorFactors(env, userID, 1),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				),
			},
		},
	})
}

func TestAccSMSFactor_deletedOutsideTerraformIsRecreated(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "removing a factor behind Terraform's back")
	userID := env.newUser(t)
	var factorID string
	cfg := testAccSMSFactorConfig(env, userID, "+44", "7700900789", "skip_verification = true")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureAttr(smsAddr, "factor_id", &factorID)},
			{
				PreConfig: func() {
					if err := env.Emulator.RemoveFactor(userID, factorID); err != nil {
						t.Fatalf("removing the factor in the emulator: %s", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
				},
				Check: countEmulatorFactors(env, userID, 1),
			},
		},
	})
}

func TestAccSMSFactor_importThenEmptyPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	userID := env.newUser(t)
	cfg := testAccSMSFactorConfig(env, userID, "+44", "7700900321", "skip_verification = true")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				ResourceName:      smsAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// The service shows the number masked and cannot say how the factor was enrolled.
				ImportStateVerifyIgnore: []string{"country_code", "mobile_number", "skip_verification"},
			},
			{
				// An import {} block with the configuration that matches the factor: no change.
				ResourceName:    smsAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				Config:          cfg,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				// A number the masked one cannot be plans a replacement.
				ResourceName:       smsAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				Config:             testAccSMSFactorConfig(env, userID, "+44", "7700900999", "skip_verification = true"),
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}

func TestAccSMSFactor_importThenApplyKeepsFactor(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "enrolling a factor outside Terraform")
	userID := env.newUser(t)
	e, err := env.Client.Enroll(t.Context(), userID, client.EnrollRequest{
		Method: client.MethodSMS, CountryCode: "+44", MobileNumber: "7700900654", SkipVerification: true,
	})
	if err != nil {
		t.Fatalf("enrolling outside Terraform: %s", err)
	}
	cfg := testAccSMSFactorConfig(env, userID, "+44", "7700900654", "") +
		fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", smsAddr, userID+"/"+e.FactorID)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionNoop)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("factor_id"), knownvalue.StringExact(e.FactorID)),
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("+44XXXXXXX654")),
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
				},
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

func TestAccSMSFactor_phoneChangeIsReplace(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	userID := env.newUser(t)
	var first string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{
			{
				Config: testAccSMSFactorConfig(env, userID, "+44", "7700900111", "skip_verification = true"),
				Check:  captureAttr(smsAddr, "factor_id", &first),
			},
			{
				Config: testAccSMSFactorConfig(env, userID, "+44", "7700900222", "skip_verification = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(smsAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("+44XXXXXXX222")),
				},
				Check: countEmulatorFactors(env, userID, 1),
			},
			{
				Config: testAccSMSFactorConfig(env, userID, "+353", "7700900222", "skip_verification = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}

// TestAccSMSFactor_planWarnsPasscodeNotSubmitted runs the terraform CLI, since the test
// framework does not show warnings: a pending factor whose otp_code_wo is set while
// otp_code_wo_version stays as in the state plans no change, and the plan says that the
// passcode is not submitted; the factor stays pending on the server.
func TestAccSMSFactor_planWarnsPasscodeNotSubmitted(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reading the passcode from the outbox")
	userID := env.newUser(t)
	cli := newCLIRun(t)
	// otp_code_wo needs otp_code_wo_version, so the version is set from the start: the factor
	// is enrolled with version 1 and no passcode, and stays pending.
	cli.writeProviderConfig(smsInput{userID: userID, number: "7700900123"}.config(env))
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
