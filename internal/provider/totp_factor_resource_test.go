package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

const totpAddr = "idcsmfa_totp_factor.test"

// Two 160-bit secrets, as authenticator apps show them (groups of four, lower case allowed).
const (
	testTOTPSecret      = "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
	testTOTPSecretOther = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
)

// testAccTOTPConfig is a TOTP factor whose secret comes from an ephemeral variable.
func testAccTOTPConfig(env *testEnv, userID, extra string) string {
	return env.providerConfig() + fmt.Sprintf(`
variable "secret" {
  type      = string
  ephemeral = true
  sensitive = true
}

variable "secret_version" {
  type    = number
  default = 1
}

resource "idcsmfa_totp_factor" "test" {
  user_id                  = %q
  shared_secret_wo         = var.secret
  shared_secret_wo_version = var.secret_version
%s
}
`, userID, extra)
}

func totpVars(secret string, version int) config.Variables {
	return config.Variables{"secret": config.StringVariable(secret), "secret_version": config.IntegerVariable(version)}
}

// checkTOTPVerifies proves the factor works: a code computed from the secret, as a pipeline
// would compute it, passes a verification of that factor (V1 + V2). The code of the next time
// step is used, so that it is not the one the enrollment just consumed (RFC 6238 section 5.2:
// a verifier may refuse a code it already accepted).
func checkTOTPVerifies(env *testEnv, userID string, factorID *string, secret string, p client.TOTPParams) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		step := p.Period
		if step == 0 {
			step = client.DefaultTOTPPeriod
		}
		code, err := client.TOTPCode(secret, time.Now().Add(step), p)
		if err != nil {
			return err
		}
		v, err := env.Client.InitiateVerification(ctx, client.VerificationRequest{UserID: userID, UserIDType: client.UserIDTypeGUID,
			FactorID: *factorID, Method: client.MethodTOTP})
		if err != nil {
			return fmt.Errorf("initiating the verification: %w", err)
		}
		if err := env.Client.CompleteVerification(ctx, v.RequestID, client.VerificationAnswer{OTPCode: code, RequestState: v.RequestState}); err != nil {
			return fmt.Errorf("a code computed from the secret did not verify: %w", err)
		}
		return nil
	}
}

// checkServerDisplayName asks the service for the factor's display name.
func checkServerDisplayName(env *testEnv, userID string, factorID *string, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		list, err := env.Client.ListFactors(context.Background(), userID)
		if err != nil {
			return err
		}
		if f := findFactor(list, *factorID); f == nil || f.DisplayName != want {
			return fmt.Errorf("the service shows factor %s as %+v, want display name %q", *factorID, f, want)
		}
		return nil
	}
}

func TestAccTOTPFactor_knownSecretRenameDriftReplace(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	var factorID, firstID string
	secret := testTOTPSecret
	// renamed plans display_name "CI runner 2" as an update in place, then checks.
	renamed := func(preConfig func(), check resource.TestCheckFunc) resource.TestStep {
		return resource.TestStep{
			PreConfig:       preConfig,
			Config:          testAccTOTPConfig(env, userID, `  display_name = "CI runner 2"`),
			ConfigVariables: totpVars(secret, 1),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(totpAddr, plancheck.ResourceActionUpdate)},
			},
			Check: check,
		}
	}

	accTest(t, env.checkDestroy("idcsmfa_totp_factor"),
		resource.TestStep{
			Config:          testAccTOTPConfig(env, userID, `  display_name = "CI runner"`),
			ConfigVariables: totpVars(secret, 1),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(totpAddr, "status", "ENROLLED"),
				resource.TestCheckResourceAttr(totpAddr, "methods.#", "1"),
				resource.TestCheckResourceAttr(totpAddr, "methods.0", "TOTP"),
				resource.TestCheckResourceAttr(totpAddr, "display_name", "CI runner"),
				resource.TestCheckNoResourceAttr(totpAddr, "shared_secret_wo"),
				resource.TestCheckResourceAttr(totpAddr, "period", "30"),
				captureAttr(totpAddr, "factor_id", &factorID),
				captureAttr(totpAddr, "factor_id", &firstID),
				env.checkNoSecretsInState(&secret),
				checkRecordedSecrets(env),
				checkServerDisplayName(env, userID, &factorID, "CI runner"),
				checkTOTPVerifies(env, userID, &factorID, secret, client.TOTPParams{}),
			),
		},
		// A rename is an update in place.
		renamed(nil, resource.ComposeTestCheckFunc(
			resource.TestCheckResourceAttrPtr(totpAddr, "factor_id", &firstID),
			checkServerDisplayName(env, userID, &factorID, "CI runner 2"),
		)),
		// Renamed outside Terraform: drift, set back in place.
		renamed(func() {
			if err := env.Client.RenameFactor(context.Background(), userID, factorID, "renamed by hand"); err != nil {
				t.Fatal(err)
			}
		}, checkServerDisplayName(env, userID, &factorID, "CI runner 2")),
		resource.TestStep{
			// A new secret version replaces the factor; the new secret is the one that works.
			Config:          testAccTOTPConfig(env, userID, `  display_name = "CI runner 2"`),
			ConfigVariables: totpVars(testTOTPSecretOther, 2),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(totpAddr, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			Check: resource.ComposeTestCheckFunc(
				captureAttr(totpAddr, "factor_id", &factorID),
				func(*terraform.State) error {
					if factorID == firstID {
						return fmt.Errorf("factor %s was not replaced", factorID)
					}
					return nil
				},
				countEmulatorFactorsOrList(env, userID, 1),
				checkTOTPVerifies(env, userID, &factorID, testTOTPSecretOther, client.TOTPParams{}),
			),
		},
		resource.TestStep{
			// Deleted outside Terraform: planned again.
			PreConfig: func() {
				if err := env.Client.DeleteFactor(context.Background(), userID, factorID); err != nil {
					t.Fatal(err)
				}
			},
			Config:          testAccTOTPConfig(env, userID, `  display_name = "CI runner 2"`),
			ConfigVariables: totpVars(testTOTPSecretOther, 2),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(totpAddr, plancheck.ResourceActionCreate)},
			},
		},
	)
}

// countEmulatorFactorsOrList counts the user's enrolled factors through the API, so that it
// also holds against a real domain.
func countEmulatorFactorsOrList(env *testEnv, userID string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		list, err := env.Client.ListFactors(context.Background(), userID)
		if err != nil {
			return err
		}
		if len(list.Factors) != want {
			return fmt.Errorf("user %s has %d enrolled factors, want %d: %+v", userID, len(list.Factors), want, list.Factors)
		}
		return nil
	}
}

// TestAccTOTPFactor_importPlansNoChange imports a factor enrolled outside Terraform with a
// configuration that leaves the secret out, and refuses to import an SMS factor as TOTP.
func TestAccTOTPFactor_importPlansNoChange(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	ctx := context.Background()
	code, err := client.TOTPCode(testTOTPSecret, time.Now(), client.TOTPParams{})
	if err != nil {
		t.Fatal(err)
	}
	req, err := client.OfflineTOTPEnrollRequest(testTOTPSecret, code)
	if err != nil {
		t.Fatal(err)
	}
	totp, err := env.Client.Enroll(ctx, userID, req)
	if err != nil {
		t.Fatal(err)
	}
	sms, err := env.Client.Enroll(ctx, userID, client.EnrollRequest{Method: client.MethodSMS, CountryCode: "+44",
		MobileNumber: "7700900789", SkipVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	importConfig := func(factorID, displayName string) string {
		return env.providerConfig() + fmt.Sprintf(`
import {
  to = idcsmfa_totp_factor.test
  id = "%[1]s/%[2]s"
}

resource "idcsmfa_totp_factor" "test" {
  user_id      = %[1]q
  display_name = %[3]q
}
`, userID, factorID, displayName)
	}

	accTest(t, nil,
		resource.TestStep{
			Config:      importConfig(sms.FactorID, "x"),
			ExpectError: diagRE("Factor "+sms.FactorID+" is not a TOTP factor", "idcsmfa_sms_factor for SMS"),
		},
		resource.TestStep{
			Config: importConfig(totp.FactorID, totp.DisplayName),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(totpAddr, plancheck.ResourceActionNoop)},
				// The next plan, with a refresh, plans nothing.
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.TestCheckResourceAttr(totpAddr, "status", "ENROLLED"),
		},
	)
}

func TestAccTOTPFactor_badInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	userID := "7b3d902ab05b4214bae6b2924ca6be21"
	plain := func(extra string) string {
		return env.providerConfig() + fmt.Sprintf("resource \"idcsmfa_totp_factor\" \"test\" {\n  user_id = %q\n%s\n}\n", userID, extra)
	}
	secret := func(s, extra string) string {
		return plain(fmt.Sprintf("  shared_secret_wo = %q\n  shared_secret_wo_version = 1\n%s", s, extra))
	}
	runPlanErrors(t, []planErrorCase{
		{"secret not base32", secret("not base32!!", ""), diagRE("Invalid TOTP secret", "not base32")},
		{"secret too short", secret("JBSWY3DPEHPK3PXP", ""), diagRE("Invalid TOTP secret", "shorter than 128 bits")},
		{"secret without version", plain(fmt.Sprintf("  shared_secret_wo = %q", testTOTPSecretOther)), diagRE("shared_secret_wo_version", "must be")},
		{"9 digits", secret(testTOTPSecretOther, "  digits = 9"), diagRE("digits", "between 6 and 8")},
		{"MD5", secret(testTOTPSecretOther, `  algorithm = "MD5"`), diagRE("algorithm", "SHA1", "SHA256", "SHA512")},
		{"no secret", plain(""), diagRE("Missing TOTP secret", "shared_secret_wo_version")},
	})
}

// TestAccTOTPFactor_disabledInTheDomain: TOTP disabled in the domain is refused. Without the
// role that reads the settings the service refuses the enrollment at apply; with it, the plan
// is refused naming totpEnabled, before anything is sent. Each on its own emulator, in one
// TestCase (neither leaves anything in state).
func TestAccTOTPFactor_disabledInTheDomain(t *testing.T) {
	t.Parallel()
	totpDisabled := func(c *emulator.Config) { c.EnabledFactors = []string{emulator.MethodSMS, emulator.MethodEmail} }
	withoutRole, withRole := newTestEnv(t, totpDisabled), newTestEnv(t, withSettingsReader, totpDisabled)
	withoutRole.requireEmulator(t, "disabling TOTP in the domain")
	accTest(t, nil, resource.TestStep{
		Config:          testAccTOTPConfig(withoutRole, withoutRole.newUser(t), ""),
		ConfigVariables: totpVars(testTOTPSecret, 1),
		ExpectError:     regexp.MustCompile(`(?s)Could not enroll the TOTP factor.*AUTH-11\d\d.*Security > MFA > Factors`),
	}, resource.TestStep{
		Config:          testAccTOTPConfig(withRole, withRole.newUser(t), ""),
		ConfigVariables: totpVars(testTOTPSecret, 1),
		ExpectError:     diagRE("The TOTP factor is disabled in the identity domain", "totpEnabled = false"),
	})
	checkNothingEnrolled(t, withRole)
}

// TestAccTOTPFactor_domainSettings enrolls against a domain whose TOTP settings are not the
// defaults: with the matching period, digits and algorithm the factor enrolls and a code
// computed with them verifies; with the defaults the service refuses the code and nothing is
// enrolled.
func TestAccTOTPFactor_domainSettings(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, func(c *emulator.Config) {
		c.TOTPPeriod, c.TOTPDigits, c.TOTPAlgorithm = 60*time.Second, 8, "SHA256"
	})
	env.requireEmulator(t, "setting the domain's TOTP settings")
	userID := env.newUser(t)
	var factorID string
	matching := "  period    = 60\n  digits    = 8\n  algorithm = \"SHA256\""

	accTest(t, nil,
		resource.TestStep{
			Config:          testAccTOTPConfig(env, userID, ""),
			ConfigVariables: totpVars(testTOTPSecret, 1),
			// Nobody received this code: the refusal names the parameters, the role that
			// reads them, and says that the attempt counted.
			ExpectError: diagRE("Could not enroll the TOTP factor", "AUTH-1105", "period = 30 (seconds), digits = 6, algorithm = SHA1",
				"Security Administrator app role", "Set period, digits and algorithm", "counted towards locking the user"),
		},
		resource.TestStep{
			Config:          testAccTOTPConfig(env, userID, matching),
			ConfigVariables: totpVars(testTOTPSecret, 1),
			Check: resource.ComposeTestCheckFunc(
				captureAttr(totpAddr, "factor_id", &factorID),
				countEmulatorFactorsOrList(env, userID, 1),
				checkTOTPVerifies(env, userID, &factorID, testTOTPSecret,
					client.TOTPParams{Period: 60 * time.Second, Digits: 8, Algorithm: "SHA256"}),
			),
		},
	)
}

// TestAccTOTPFactor_lostEnrollmentAnswer (issue 16, item 2): the one-step enrollment is done
// but its answer is lost. The client cannot send it again (it would make a second factor), so
// the provider compares the user's TOTP factors with those before the request and records the
// one new factor: one factor in state and on the server, and it verifies.
func TestAccTOTPFactor_lostEnrollmentAnswer(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "dropping answers")
	// The user's own authenticator app, enrolled before: it must not be mistaken for the new one.
	secret, err := client.OfflineTOTPEnrollRequest(testTOTPSecretOther, "")
	if err != nil {
		t.Fatal(err)
	}
	own := enrollDirect(t, env, userID, secret)
	var factorID string
	accTest(t, env.checkDestroy("idcsmfa_totp_factor"), resource.TestStep{
		PreConfig:       dropNext(env, keyEnroll),
		Config:          testAccTOTPConfig(env, userID, ""),
		ConfigVariables: totpVars(testTOTPSecret, 1),
		Check: resource.ComposeTestCheckFunc(
			captureAttr(totpAddr, "factor_id", &factorID),
			func(*terraform.State) error {
				if factorID == own {
					return fmt.Errorf("the user's own TOTP factor %s was recorded as the new one", own)
				}
				if n := env.Emulator.Stats().Faults.Dropped; n != 1 {
					return fmt.Errorf("%d answers dropped, want 1: the test proves nothing", n)
				}
				return nil
			},
			countEmulatorFactors(env, userID, 2),
			checkTOTPVerifies(env, userID, &factorID, testTOTPSecret, client.TOTPParams{}),
		),
	})
}

// TestAccTOTPFactor_takesDomainSettings: with the role that reads the domain's MFA settings, a
// factor without period, digits and algorithm takes the domain's (8 digits, SHA256, 60 s),
// enrolls, and a code computed with them verifies. A second apply of the unchanged
// configuration plans nothing and reads the settings no more.
func TestAccTOTPFactor_takesDomainSettings(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "a domain with other TOTP settings", strictDomain, withSettingsReader)
	var factorID string
	reads := 0
	readsNow := func() int { return env.Emulator.Stats().Requests[keyReadSettings] }
	accTest(t, env.checkDestroy("idcsmfa_totp_factor"),
		resource.TestStep{
			Config:          testAccTOTPConfig(env, userID, ""),
			ConfigVariables: totpVars(testTOTPSecret, 1),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(totpAddr, "period", "60"),
				resource.TestCheckResourceAttr(totpAddr, "digits", "8"),
				resource.TestCheckResourceAttr(totpAddr, "algorithm", "SHA256"),
				captureAttr(totpAddr, "factor_id", &factorID),
				checkTOTPVerifies(env, userID, &factorID, testTOTPSecret,
					client.TOTPParams{Period: 60 * time.Second, Digits: 8, Algorithm: "SHA256"}),
				func(*terraform.State) error {
					if reads = readsNow(); reads == 0 {
						return fmt.Errorf("the settings were never read")
					}
					return nil
				},
			),
			// The step's two plans after the apply plan nothing and read the settings no more.
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
				planCheckFunc(func() error {
					if n := readsNow(); n != reads {
						return fmt.Errorf("a plan of the unchanged factor read the settings %d more times", n-reads)
					}
					return nil
				}),
			}},
		},
	)
}
