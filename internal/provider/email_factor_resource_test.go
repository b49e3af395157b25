package provider

import (
	"fmt"
	"testing"

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

const emailAddr = "idcsmfa_email_factor.test"

func testAccEmailFactorConfig(env *testEnv, userID, extra string) string {
	return env.providerConfig() + fmt.Sprintf(`
variable "otp" {
  type      = string
  default   = null
  sensitive = true
}

resource "idcsmfa_email_factor" "test" {
  user_id = %q
%s
}
`, userID, extra)
}

func TestAccEmailFactor_pendingThenActivateWithWriteOnlyPasscode(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reading the passcode from the outbox")
	userID := env.newUser(t)
	email := emulatorEmail(t, env, userID)
	var factorID, otp string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.checkDestroy("idcsmfa_email_factor"),
		Steps: []resource.TestStep{
			{
				Config: testAccEmailFactorConfig(env, userID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(emailAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLMENT_INITIATED")),
					statecheck.ExpectKnownValue(emailAddr, tfjsonpath.New("display_name"), knownvalue.StringExact(email)),
					statecheck.ExpectKnownValue(emailAddr, tfjsonpath.New("methods"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("EMAIL")})),
				},
				Check: resource.ComposeTestCheckFunc(
					captureAttr(emailAddr, "factor_id", &factorID),
					checkRecordedSecrets(env),
					env.checkNoSecretsInState(),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
				),
			},
			{
				PreConfig:       func() { otp = env.otp(t, userID, factorID) },
				Config:          testAccEmailFactorConfig(env, userID, otpV1),
				ConfigVariables: config.Variables{"otp": lazyVariable(func() string { return otp })},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(emailAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
					statecheck.ExpectKnownValue(emailAddr, tfjsonpath.New("otp_code_wo"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					env.checkNoSecretsInState(&otp),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				),
			},
			{
				// Refresh finds it enrolled and nothing is left to do.
				Config:          testAccEmailFactorConfig(env, userID, otpV1),
				ConfigVariables: config.Variables{"otp": lazyVariable(func() string { return otp })},
				PlanOnly:        true,
			},
		},
	})
}

// emulatorEmail is the primary e-mail address the emulator holds for a user.
func emulatorEmail(t *testing.T, env *testEnv, userID string) string {
	t.Helper()
	for _, u := range env.Emulator.Users() {
		if u.ID == userID {
			return u.Email
		}
	}
	t.Fatalf("user %s not in the emulator", userID)
	return ""
}

func TestAccEmailFactor_skipVerification(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	userID := env.newUser(t)
	var factorID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_email_factor"),
		Steps: []resource.TestStep{{
			Config: testAccEmailFactorConfig(env, userID, "skip_verification = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(emailAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
			},
			Check: resource.ComposeTestCheckFunc(
				captureAttr(emailAddr, "factor_id", &factorID),
				checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				checkMessages(env, userID, 0),
			),
		}},
	})
}

func TestAccEmailFactor_resendThenActivate(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "reading passcodes from the outbox")
	userID := env.newUser(t)
	var factorID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.checkDestroy("idcsmfa_email_factor"),
		Steps: []resource.TestStep{
			{Config: testAccEmailFactorConfig(env, userID, ""), Check: captureAttr(emailAddr, "factor_id", &factorID)},
			{
				Config: testAccEmailFactorConfig(env, userID, "otp_resend_version = 7"),
				Check:  resource.ComposeTestCheckFunc(checkMessages(env, userID, 2), countEmulatorFactors(env, userID, 1)),
			},
			{
				Config:          testAccEmailFactorConfig(env, userID, "otp_resend_version = 7\n"+otpV1),
				ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(emailAddr, tfjsonpath.New("status"), knownvalue.StringExact("ENROLLED")),
				},
			},
		},
	})
}

func TestAccEmailFactor_deletedOutsideTerraformIsRecreated(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "removing a factor behind Terraform's back")
	userID := env.newUser(t)
	var factorID string
	cfg := testAccEmailFactorConfig(env, userID, "skip_verification = true")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_email_factor"),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureAttr(emailAddr, "factor_id", &factorID)},
			{
				PreConfig: func() {
					if err := env.Emulator.RemoveFactor(userID, factorID); err != nil {
						t.Fatalf("removing the factor in the emulator: %s", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(emailAddr, plancheck.ResourceActionCreate)},
				},
				Check: countEmulatorFactors(env, userID, 1),
			},
		},
	})
}

func TestAccEmailFactor_importThenEmptyPlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	userID := env.newUser(t)
	cfg := testAccEmailFactorConfig(env, userID, "skip_verification = true")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_email_factor"),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				ResourceName:            emailAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"skip_verification"},
			},
			{
				ResourceName:    emailAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				Config:          cfg,
			},
			{
				ResourceName:  emailAddr,
				ImportState:   true,
				ImportStateId: "not-a-user/not-a-factor",
				ExpectError:   expectErr("Invalid import ID", "<user_id>/<factor_id>"),
			},
		},
	})
}

func TestAccEmailFactor_alreadyEnrolled(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	userID := env.newUser(t)
	if _, err := env.Client.Enroll(t.Context(), userID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true}); err != nil {
		t.Fatalf("enrolling outside Terraform: %s", err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      testAccEmailFactorConfig(env, userID, ""),
			ExpectError: expectErr("AUTH-1003", "already enrolled", "import"),
		}},
	})
}

func TestAccEmailFactor_notEnabledInDomain(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, func(c *emulator.Config) { c.EnabledFactors = []string{emulator.MethodSMS} })
	env.requireEmulator(t, "disabling the EMAIL factor")
	userID := env.newUser(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      testAccEmailFactorConfig(env, userID, ""),
			ExpectError: expectErr("AUTH-1125", "EMAIL factor has been disabled", "Security > MFA > Factors"),
		}},
	})
}
