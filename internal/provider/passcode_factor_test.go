package provider

// The scenarios every factor with the passcode lifecycle (passcode_factor.go,
// passcode_factor_create.go, _update.go) goes through, written once over the kinds in passcodeKinds:
// a new passcode factor type adds a row there. What only one kind has (the SMS factor's
// number) is tested beside that kind's resource.

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// passcodeKindCase is one kind of passcode factor as the shared scenarios see it. The texts
// are written out, not taken from the provider's registry, so that a wrong label fails.
type passcodeKindCase struct {
	typeName string // the resource type
	label    string // in the provider's messages: "Could not enroll the <label> factor"
	aLabel   string // with its article: "is not <aLabel> factor"
	method   string // the /mfa/v1 method, in the methods attribute
	// resource is the kind's resource block for one fixed device; extra goes inside it.
	resource func(name, userID, extra string) string
	// displayName is what the service shows for that device once enrolled.
	displayName func(t *testing.T, env *testEnv, userID string) string
	// enrollRequest enrolls the same device outside Terraform.
	enrollRequest client.EnrollRequest
	// The service's refusals that name the kind.
	alreadyEnrolled string // "HTTP 400 AUTH-1031"
	disabled        string // "AUTH-1125: The SMS factor has been disabled."
	// importVerifyIgnore are the attributes an import cannot read back.
	importVerifyIgnore []string
	// device names what the factor sends passcodes to, in the provider's messages.
	device string
}

// passcodeKinds are the factor kinds with the passcode lifecycle; the rows are defined beside
// each kind's own tests.
var passcodeKinds = []passcodeKindCase{smsCase, emailCase}

func (k passcodeKindCase) addr() string { return k.typeName + ".test" }

// config is the environment's provider block, the passcode variables (otpVariables) and the
// kind's resource "test" for userID; extra goes inside the resource.
func (k passcodeKindCase) config(env *testEnv, userID, extra string) string {
	return k.configWith(env.providerConfig(), userID, extra)
}

// configWith is config with another provider block.
func (k passcodeKindCase) configWith(provider, userID, extra string) string {
	return provider + otpVariables + k.resource("test", userID, extra)
}

// other is another passcode kind, for cases that need a factor of the wrong kind.
func (k passcodeKindCase) other() passcodeKindCase {
	for _, o := range passcodeKinds {
		if o.typeName != k.typeName {
			return o
		}
	}
	panic("passcodeKinds needs two kinds")
}

// forEachPasscodeKind runs test once per passcode kind, the kinds in parallel.
func forEachPasscodeKind(t *testing.T, test func(t *testing.T, k passcodeKindCase)) {
	for _, k := range passcodeKinds {
		t.Run(k.label, func(t *testing.T) {
			t.Parallel()
			test(t, k)
		})
	}
}

// passcodeScenario runs a scenario once per kind, the kinds in parallel, each against its own
// emulator (or the real domain, unless why says what needs the emulator) and user, with
// Terraform 1.11+ (write-only attributes) and destroy checked on the server.
func passcodeScenario(t *testing.T, why string, steps func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep) {
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		env := newTestEnv(t)
		if why != "" {
			env.requireEmulator(t, why)
		}
		userID := env.newUser(t)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelow1_11,
			CheckDestroy:             env.checkDestroy(k.typeName),
			Steps:                    steps(t, k, env, userID),
		})
	})
}

// stateIs checks the value of a top-level attribute in state.
func stateIs(addr, attr string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), want)
}

func TestAccPasscodeFactor_pendingThenActivateWithWriteOnlyPasscode(t *testing.T) {
	passcodeScenario(t, "reading the passcode from the outbox", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		addr := k.addr()
		var factorID, otp string
		otpVar := config.Variables{"otp": lazyVariable(func() string { return otp })}

		return []resource.TestStep{
			{
				Config: k.config(env, userID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(addr, "status", knownvalue.StringExact("ENROLLMENT_INITIATED")),
					stateIs(addr, "display_name", knownvalue.StringExact(k.displayName(t, env, userID))),
					stateIs(addr, "methods", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(k.method)})),
					stateIs(addr, "id", knownvalue.StringRegexp(regexp.MustCompile("^"+userID+"/[0-9a-f]{32}$"))),
				},
				Check: resource.ComposeTestCheckFunc(
					captureAttr(addr, "factor_id", &factorID),
					checkRecordedSecrets(env),
					env.checkNoSecretsInState(),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
				),
			},
			{
				// Changing the version without a passcode is refused at plan time.
				Config:      k.config(env, userID, "  otp_code_wo_version = 1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing passcode.*otp_code_wo_version changed from null to 1.*otp_code_wo is\s+not set`),
			},
			{
				PreConfig:       func() { otp = env.otp(t, userID, factorID) },
				Config:          k.config(env, userID, otpV1),
				ConfigVariables: otpVar,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("status")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(addr, "status", knownvalue.StringExact("ENROLLED")),
					stateIs(addr, "otp_code_wo", knownvalue.Null()),
					stateIs(addr, "otp_code_wo_version", knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					env.checkNoSecretsInState(&otp),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				),
			},
			{
				// Refresh finds it enrolled and nothing is left to do, with the used passcode
				// still in the configuration.
				Config:          k.config(env, userID, otpV1),
				ConfigVariables: otpVar,
				PlanOnly:        true,
			},
			{
				// The passcode is used up: keeping the version without it plans no change.
				Config:   k.config(env, userID, "  otp_code_wo_version = 1"),
				PlanOnly: true,
			},
			{
				// An enrolled factor is never asked to verify again, even with a new version.
				Config:            k.config(env, userID, "  otp_code_wo         = var.otp\n  otp_code_wo_version = 2"),
				ConfigVariables:   config.Variables{"otp": config.StringVariable("000000")},
				ConfigStateChecks: []statecheck.StateCheck{stateIs(addr, "status", knownvalue.StringExact("ENROLLED"))},
				Check:             checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
			},
		}
	})
}

func TestAccPasscodeFactor_skipVerification(t *testing.T) {
	passcodeScenario(t, "", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		var factorID string
		return []resource.TestStep{{
			Config: k.config(env, userID, "  skip_verification = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				stateIs(k.addr(), "status", knownvalue.StringExact("ENROLLED")),
				stateIs(k.addr(), "skip_verification", knownvalue.Bool(true)),
			},
			Check: resource.ComposeTestCheckFunc(
				captureAttr(k.addr(), "factor_id", &factorID),
				checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				checkMessages(env, userID, 0),
			),
		}}
	})
}

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
				ConfigStateChecks: []statecheck.StateCheck{stateIs(addr, "status", knownvalue.StringExact("ENROLLED"))},
				Check:             checkOnlyFactor(env, addr, userID, &factorID, emulator.StatusEnrolled),
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
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(addr, "status", knownvalue.StringExact("ENROLLMENT_INITIATED")),
					stateIs(addr, "otp_resend_version", knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMessages(env, userID, 2),
					countEmulatorFactors(env, userID, 1),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
					env.checkNoSecretsInState(&first),
				),
			},
			{
				// The new requestState was kept: the new passcode activates the factor.
				Config:            k.config(env, userID, "  otp_resend_version = 1\n"+otpV1),
				ConfigVariables:   config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
				ConfigStateChecks: []statecheck.StateCheck{stateIs(addr, "status", knownvalue.StringExact("ENROLLED"))},
				Check:             checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
			},
		}
	})
}

func TestAccPasscodeFactor_expiredRequestStateRestartsEnrollment(t *testing.T) {
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		clock := &acctestClock{}
		env := newTestEnv(t, withClock(clock))
		env.requireEmulator(t, "moving the emulator's clock")
		userID := env.newUser(t)
		addr := k.addr()
		var factorID string
		activate := k.config(env, userID, "  otp_resend_version = 1\n"+otpV1)

		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelow1_11,
			CheckDestroy:             env.checkDestroy(k.typeName),
			Steps: []resource.TestStep{
				{Config: k.config(env, userID, ""), Check: captureAttr(addr, "factor_id", &factorID)},
				{
					// Resend with an expired requestState: the enrollment restarts under the same id.
					PreConfig:         func() { clock.Advance(11 * time.Minute) },
					Config:            k.config(env, userID, "  otp_resend_version = 1"),
					ConfigStateChecks: []statecheck.StateCheck{stateIs(addr, "status", knownvalue.StringExact("ENROLLMENT_INITIATED"))},
					Check: resource.ComposeTestCheckFunc(
						checkMessages(env, userID, 2),
						countEmulatorFactors(env, userID, 1),
						checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
					),
				},
				{
					// Activation with an expired requestState: restarted, the apply asks for the new code.
					PreConfig:       func() { clock.Advance(11 * time.Minute) },
					Config:          activate,
					ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
					ExpectError:     diagRE("Enrollment restarted: passcode not submitted", "new passcode was sent"),
				},
				{
					Config:            activate,
					ConfigVariables:   config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
					ConfigStateChecks: []statecheck.StateCheck{stateIs(addr, "status", knownvalue.StringExact("ENROLLED"))},
					Check: resource.ComposeTestCheckFunc(
						checkMessages(env, userID, 3),
						countEmulatorFactors(env, userID, 1),
						checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
					),
				},
			},
		})
	})
}

func TestAccPasscodeFactor_deletedOutsideTerraformIsRecreated(t *testing.T) {
	passcodeScenario(t, "removing a factor behind Terraform's back", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		var factorID string
		cfg := k.config(env, userID, "  skip_verification = true")

		return []resource.TestStep{
			{Config: cfg, Check: captureAttr(k.addr(), "factor_id", &factorID)},
			{
				PreConfig: func() {
					if err := env.Emulator.RemoveFactor(userID, factorID); err != nil {
						t.Fatalf("removing the factor in the emulator: %s", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{stateIs(k.addr(), "status", knownvalue.StringExact("ENROLLED"))},
				Check:             countEmulatorFactors(env, userID, 1),
			},
		}
	})
}

func TestAccPasscodeFactor_importThenEmptyPlan(t *testing.T) {
	passcodeScenario(t, "", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		cfg := k.config(env, userID, "  skip_verification = true")

		return []resource.TestStep{
			{Config: cfg},
			{
				ResourceName:      k.addr(),
				ImportState:       true,
				ImportStateVerify: true,
				// What the service cannot show: a masked number, how the factor was enrolled.
				ImportStateVerifyIgnore: k.importVerifyIgnore,
			},
			{
				// An import {} block with the configuration that matches the factor: no change.
				ResourceName:    k.addr(),
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				Config:          cfg,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionNoop)},
				},
			},
			{
				ResourceName:  k.addr(),
				ImportState:   true,
				ImportStateId: "not-a-user/not-a-factor",
				ExpectError:   diagRE("Invalid import ID", "<user_id>/<factor_id>"),
			},
		}
	})
}

// TestAccPasscodeFactor_planTimeValidation covers the passcode inputs the schema rejects
// before any call.
func TestAccPasscodeFactor_planTimeValidation(t *testing.T) {
	cases := []struct {
		name, extra string
		want        *regexp.Regexp
	}{
		{"passcode with letters", "  otp_code_wo = \"12ab56\"\n  otp_code_wo_version = 1", diagRE("Invalid passcode", "otp_code_wo", "digits", "not shown")},
		{"passcode without version", `  otp_code_wo = "123456"`, diagRE("otp_code_wo_version", "must be specified")},
		{"version zero", "  otp_code_wo = \"123456\"\n  otp_code_wo_version = 0", diagRE("otp_code_wo_version", "at least 1")},
		{"resend version zero", "  otp_resend_version = 0", diagRE("otp_resend_version", "at least 1")},
	}
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		env := newTestEnv(t)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					TerraformVersionChecks:   skipBelow1_11,
					Steps: []resource.TestStep{{
						Config:      k.config(env, exampleUserID, tc.extra),
						PlanOnly:    true,
						ExpectError: tc.want,
					}},
				})
			})
		}
	})
}

// TestAccPasscodeFactor_badInput runs the bad inputs every passcode kind shares; see
// passcodeBadInputCases.
func TestAccPasscodeFactor_badInput(t *testing.T) {
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) { runBadInputCases(t, passcodeBadInputCases(k)) })
}

func passcodeBadInputCases(k passcodeKindCase) []badInputCase {
	enrollFailed := "Could not enroll the " + k.label + " factor of user "
	submitFailed := "Could not submit the passcode of " + k.label + " factor"
	// pending enrolls the factor, then runs steps against the pending factor.
	pending := func(steps func(t *testing.T, env *testEnv, userID string, cfg string, factorID *string) []resource.TestStep) func(*testing.T, *testEnv, string) []resource.TestStep {
		return func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
			factorID := new(string)
			cfg := k.config(env, userID, otpFromVariables)
			return append([]resource.TestStep{{Config: cfg, Check: captureAttr(k.addr(), "factor_id", factorID)}},
				steps(t, env, userID, cfg, factorID)...)
		}
	}
	// The clock of the case that expires a requestState: each case runs once per test run.
	expiryClock := &acctestClock{}

	return []badInputCase{
		// Plan-time validation.
		{
			name: "user name instead of user id",
			steps: failedConfig(k, func(env *testEnv, _ string) string { return k.config(env, "alice@example.com", "") },
				diagRE("user_id must be the user's id (GUID, the SCIM user id): 32 hexadecimal characters", exampleUserID,
					"not the user name")),
		},

		// Answers of the service.
		{
			name: "unknown user",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				ghost := "0000000000000000000000000000dead"
				return []resource.TestStep{
					{Config: k.config(env, ghost, ""), ExpectError: diagRE(enrollFailed+ghost, "HTTP 404 AUTH-3018: User not found.", "Check user_id")},
					stepNothingWasCreated(t, env, userID, k),
				}
			},
		},
		{
			name: "locked user",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				return []resource.TestStep{
					{
						PreConfig: func() { lockUser(t, env, userID, true) },
						Config:    k.config(env, userID, ""),
						ExpectError: diagRE(enrollFailed+userID, "HTTP 401 AUTH-1010", "locked",
							"Unlock the user in the identity domain console"),
					},
					stepNothingWasCreated(t, env, userID, k),
				}
			},
		},
		{
			name:     "factor not enabled in the domain",
			emulator: func(c *emulator.Config) { c.EnabledFactors = []string{k.other().method} },
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				return []resource.TestStep{
					{Config: k.config(env, userID, ""), ExpectError: diagRE(enrollFailed+userID, "HTTP 401 "+k.disabled,
						"Security > MFA > Factors", "AuthenticationFactorSettings")},
					stepNothingWasCreated(t, env, userID, k),
				}
			},
		},
		{
			name: "already enrolled outside Terraform",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				// The factor is identified (the user's one email factor, the one SMS factor whose
				// masked number matches): the error gives the import block to paste (issue 16, item 3).
				existing := enrollDirect(t, env, userID, k.enrollRequest)
				return []resource.TestStep{
					{
						Config: k.config(env, userID, ""),
						ExpectError: diagRE(enrollFailed+userID, k.alreadyEnrolled, "already enrolled", "import it",
							"<user_id>/<factor_id>", "It is factor "+existing, "with `to` set to this resource's address",
							"import {", "to = "+k.typeName+".<name>", `id = "`+userID+"/"+existing+`"`, "}"),
					},
					{
						// Only the factor enrolled outside Terraform exists, and the state has nothing.
						PreConfig: func() {
							if fs := env.emulatorFactors(userID); len(fs) != 1 {
								t.Errorf("want the one factor enrolled outside Terraform, got %+v", fs)
							}
						},
						Config:             k.config(env, userID, ""),
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPreRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionCreate)},
						},
					},
				}
			},
		},

		// Passcodes. A failed passcode is followed by the configuration without one: its plan is
		// empty only if the state kept the previous otp_code_wo_version, and its Check sees the
		// factor still pending, in state and on the server.
		{
			name: "passcode that is not digits",
			steps: pending(func(t *testing.T, env *testEnv, userID, cfg string, factorID *string) []resource.TestStep {
				return []resource.TestStep{
					{Config: cfg, ConfigVariables: otpVars(config.StringVariable("12ab56"), 1),
						ExpectError: diagRE("Invalid passcode", "4 to 10 digits", "the value is not shown because it is secret")},
					{Config: cfg, Check: checkOnlyFactor(env, k.addr(), userID, factorID, emulator.StatusInitiated)},
				}
			}),
		},
		{
			name: "passcode without otp_code_wo_version",
			steps: pending(func(t *testing.T, env *testEnv, userID, cfg string, factorID *string) []resource.TestStep {
				return []resource.TestStep{
					{Config: cfg, ConfigVariables: config.Variables{"otp": config.StringVariable("123456")},
						ExpectError: diagRE(`Attribute "otp_code_wo_version" must be specified when "otp_code_wo" is specified`)},
					{Config: cfg, Check: checkOnlyFactor(env, k.addr(), userID, factorID, emulator.StatusInitiated)},
				}
			}),
		},
		{
			name: "expired requestState",
			emulator: func(c *emulator.Config) {
				c.Now = expiryClock.Now
				c.RequestStateTTL = time.Minute
			},
			steps: pending(func(t *testing.T, env *testEnv, userID, cfg string, factorID *string) []resource.TestStep {
				return []resource.TestStep{
					{
						// Past the requestState's minute, within the passcode's five: only the requestState expired.
						PreConfig: func() { expiryClock.Advance(2 * time.Minute) },
						Config:    cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, factorID), 1),
						ExpectError: diagRE("Enrollment restarted: passcode not submitted",
							"the identity domain no longer accepts its enrollment request", "a new passcode was sent",
							"Put the new passcode in otp_code_wo and apply again"),
					},
					{Config: cfg, Check: checkOnlyFactor(env, k.addr(), userID, factorID, emulator.StatusInitiated)},
					// The new passcode (the outbox's latest) finishes the same factor.
					{Config: cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, factorID), 1),
						Check: checkOnlyFactor(env, k.addr(), userID, factorID, emulator.StatusEnrolled)},
				}
			}),
		},
		{
			name:     "too many wrong passcodes",
			emulator: func(c *emulator.Config) { c.MaxFailedAttempts = 2 },
			steps: pending(func(t *testing.T, env *testEnv, userID, cfg string, factorID *string) []resource.TestStep {
				return []resource.TestStep{
					{Config: cfg, ConfigVariables: otpVars(env.wrongOTP(t, userID, factorID), 1),
						ExpectError: diagRE("Wrong passcode", "HTTP 401 AUTH-1105")},
					// The attempt that locks the user.
					{Config: cfg, ConfigVariables: otpVars(env.wrongOTP(t, userID, factorID), 1),
						ExpectError: diagRE(submitFailed, "HTTP 401 AUTH-1027",
							"Too many wrong passcodes: the user is now locked (AUTH-1027", "An administrator unlocks the user",
							"POST /emulator/v1/users/<user_id>/unlock")},
					// Even the right passcode is refused now, with the locked user's answer.
					{Config: cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, factorID), 1),
						ExpectError: diagRE(submitFailed, "HTTP 401 AUTH-1010", "Unlock the user")},
					{Config: cfg, Check: checkOnlyFactor(env, k.addr(), userID, factorID, emulator.StatusInitiated)},
					// An administrator unlocks the user; the right passcode then finishes the factor.
					{
						PreConfig: func() { lockUser(t, env, userID, false) },
						Config:    cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, factorID), 1),
						Check: checkOnlyFactor(env, k.addr(), userID, factorID, emulator.StatusEnrolled),
					},
				}
			}),
		},
		{
			// The service would answer AUTH-1111 "Factor is already enrolled."; the provider
			// must not even ask: nothing is sent, nothing fails, the factor stays enrolled.
			name: "passcode for an enrolled factor",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				var factorID string
				cfg := k.config(env, userID, "  skip_verification = true\n"+otpFromVariables)
				return []resource.TestStep{
					{Config: cfg, Check: resource.ComposeTestCheckFunc(captureAttr(k.addr(), "factor_id", &factorID),
						resource.TestCheckResourceAttr(k.addr(), "status", emulator.StatusEnrolled))},
					{
						PreConfig: env.Emulator.ResetStats,
						Config:    cfg, ConfigVariables: otpVars(config.StringVariable("123456"), 1),
						Check: resource.ComposeTestCheckFunc(checkOnlyFactor(env, k.addr(), userID, &factorID, emulator.StatusEnrolled),
							checkNoPasscodeSubmitted(env)),
					},
				}
			},
		},
		{
			name: "passcode for a factor finished elsewhere",
			steps: pending(func(t *testing.T, env *testEnv, userID, cfg string, factorID *string) []resource.TestStep {
				return []resource.TestStep{{
					PreConfig: func() {
						if err := env.Emulator.CompleteEnrollment(userID, *factorID); err != nil {
							t.Errorf("completing the enrollment elsewhere: %s", err)
						}
						env.Emulator.ResetStats()
					},
					Config: cfg, ConfigVariables: otpVars(config.StringVariable("123456"), 1),
					Check: resource.ComposeTestCheckFunc(checkOnlyFactor(env, k.addr(), userID, factorID, emulator.StatusEnrolled),
						checkNoPasscodeSubmitted(env)),
				}}
			}),
		},

		// Import IDs.
		{
			name: "import ID that is not user_id/factor_id",
			steps: importCase(k, func(string, string) string { return "7700900456" },
				diagRE("Invalid import ID", "The import ID must be <user_id>/<factor_id>", `Got "7700900456"`)),
		},
		{
			name: "import ID with the parts swapped in format",
			steps: importCase(k, func(userID, _ string) string { return "alice/" + userID },
				diagRE("Invalid import ID", "each 32 lower-case hexadecimal characters")),
		},
		{
			name: "import ID of a factor that does not exist",
			steps: importCase(k, func(userID, _ string) string { return userID + "/" + strings.Repeat("f", 32) },
				diagRE("Cannot import non-existent remote object")),
		},
		{
			name:  "import ID of a factor of another kind",
			steps: importCase(k, func(_, otherImportID string) string { return otherImportID }, diagRE("is not "+k.aLabel+" factor")),
		},
	}
}

// importCase imports id(userID, otherImportID) into the kind's resource; an enrolled factor
// of another kind exists so that a case can name a factor of the wrong kind.
func importCase(k passcodeKindCase, id func(userID, otherImportID string) string, want *regexp.Regexp) func(*testing.T, *testEnv, string) []resource.TestStep {
	return func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
		var otherImportID string
		other := k.other()
		otherAddr := other.typeName + ".other"
		cfg := k.config(env, userID, "  skip_verification = true") + other.resource("other", userID, "  skip_verification = true")
		return []resource.TestStep{
			{Config: cfg, Check: captureAttr(otherAddr, "id", &otherImportID)},
			{
				Config:            cfg,
				ResourceName:      k.addr(),
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return id(userID, otherImportID), nil },
				ExpectError:       want,
			},
			{
				// The failed import changed nothing: both factors still in state and on the server.
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(k.addr(), "status", emulator.StatusEnrolled),
					resource.TestCheckResourceAttr(otherAddr, "status", emulator.StatusEnrolled),
					func(*terraform.State) error {
						if fs := env.emulatorFactors(userID); len(fs) != 2 {
							return fmt.Errorf("want the %s and the %s factor on the server, got %+v", k.label, other.label, fs)
						}
						return nil
					},
				),
			},
		}
	}
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
// instead of Terraform's "Provider produced inconsistent result after apply".
func TestAccPasscodeFactor_enrolledBetweenPlanAndApply(t *testing.T) {
	paths := []struct {
		name  string
		extra string
		// imported starts from a pending factor imported into the state (no stored
		// enrollment request, so a resend restarts the enrollment).
		imported bool
	}{
		{name: "resend", extra: "  otp_resend_version = 1"},
		{name: "activate", extra: otpV1},
		{name: "restart", extra: "  otp_resend_version = 1", imported: true},
	}
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		for _, tc := range paths {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				env := newTestEnv(t)
				env.requireEmulator(t, "finishing an enrollment between plan and apply")
				userID := env.newUser(t)
				addr := k.addr()
				var factorID string
				first := resource.TestStep{Config: k.config(env, userID, ""), Check: captureAttr(addr, "factor_id", &factorID)}
				if tc.imported {
					pending := k.enrollRequest
					pending.SkipVerification = false
					first = resource.TestStep{
						PreConfig:          func() { factorID = enrollDirect(t, env, userID, pending) },
						Config:             k.config(env, userID, ""),
						ResourceName:       addr,
						ImportState:        true,
						ImportStatePersist: true,
						ImportStateIdFunc:  func(*terraform.State) (string, error) { return userID + "/" + factorID, nil },
					}
				}
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					TerraformVersionChecks:   skipBelow1_11,
					CheckDestroy:             env.checkDestroy(k.typeName),
					Steps: []resource.TestStep{
						first,
						{
							Config:          k.config(env, userID, tc.extra),
							ConfigVariables: config.Variables{"otp": env.lazyOTP(t, userID, &factorID)},
							ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
								plancheck.ExpectUnknownValue(addr, tfjsonpath.New("status")),
								atApply(func() {
									if err := env.Emulator.CompleteEnrollment(userID, factorID); err != nil {
										t.Errorf("finishing the enrollment elsewhere: %s", err)
									}
								}),
							}},
							Check: resource.ComposeTestCheckFunc(
								checkOnlyFactor(env, addr, userID, &factorID, emulator.StatusEnrolled),
								// Nothing was sent: the only passcode is the enrollment's.
								checkMessages(env, userID, 1),
							),
						},
						{Config: k.config(env, userID, tc.extra), ConfigVariables: config.Variables{"otp": config.StringVariable("123456")}, PlanOnly: true},
					},
				})
			})
		}
	})
}

// TestAccPasscodeFactor_importPendingFactor (issue 16, item 6): the method of a pending
// factor is read from the service, never assumed from the resource type. A pending factor of
// the other kind is refused (it used to be imported with this kind's method, and later applies
// restarted the user's real enrollment of this kind); a pending factor of this kind is
// imported with the method and display name the service reports, so the configuration that
// matches it plans no change (a pending SMS factor was planned for replacement); and without
// a role that can read the user's devices, the import is refused with what to do.
func TestAccPasscodeFactor_importPendingFactor(t *testing.T) {
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		env := newEnvWithMFAOnlyClient(t)
		userID := env.newUser(t)
		pendingReq := func(k passcodeKindCase) client.EnrollRequest {
			r := k.enrollRequest
			r.SkipVerification = false
			return r
		}
		var ownID, otherID string
		importID := func(id *string) func(*terraform.State) (string, error) {
			return func(*terraform.State) (string, error) { return userID + "/" + *id, nil }
		}
		cfg := k.config(env, userID, "")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelow1_11,
			Steps: []resource.TestStep{
				{
					PreConfig: func() {
						ownID = enrollDirect(t, env, userID, pendingReq(k))
						otherID = enrollDirect(t, env, userID, pendingReq(k.other()))
					},
					Config:            cfg,
					ResourceName:      k.addr(),
					ImportState:       true,
					ImportStateIdFunc: importID(&otherID),
					ExpectError:       diagRE("Factor", "is not "+k.aLabel+" factor", "reports the methods "+k.other().method),
				},
				{
					Config:            k.configWith(providerBlock(env.Host, mfaOnlyID, mfaOnlySecret, ""), userID, ""),
					ResourceName:      k.addr(),
					ImportState:       true,
					ImportStateIdFunc: importID(&ownID),
					ExpectError: diagRE("Cannot tell whether factor", "is "+k.aLabel+" factor", "ENROLLMENT_INITIATED",
						"does not report the method of a pending factor", "GET /admin/v1/Users/", "User Administrator",
						"finish the enrollment first"),
				},
				{
					Config:             cfg,
					ResourceName:       k.addr(),
					ImportState:        true,
					ImportStatePersist: true,
					ImportStateIdFunc:  importID(&ownID),
					ImportStateCheck: func(states []*terraform.InstanceState) error {
						if len(states) != 1 {
							return fmt.Errorf("want one imported instance, got %d", len(states))
						}
						a := states[0].Attributes
						if a["methods.#"] != "1" || a["methods.0"] != k.method || a["status"] != emulator.StatusInitiated ||
							a["display_name"] != k.displayName(t, env, userID) {
							return fmt.Errorf("imported pending factor: %v", a)
						}
						return nil
					},
				},
				{
					// The configuration that matches the imported pending factor plans no change.
					Config:   cfg,
					PlanOnly: true,
					Check:    resource.TestCheckResourceAttrPtr(k.addr(), "factor_id", &ownID),
				},
			},
		})
	})
}

// An OAuth client with the MFA Client role only, beside the environment's usual one.
const mfaOnlyID, mfaOnlySecret = "mfa-only", "mfa-only-secret"

// newEnvWithMFAOnlyClient is an emulator where the mfaOnlyID client cannot read users (no
// User Administrator role), so it cannot see pending factors' methods or devices.
func newEnvWithMFAOnlyClient(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t, func(c *emulator.Config) {
		c.Clients = []emulator.Client{
			{ID: emulator.DefaultClientID, Secret: emulator.DefaultClientSecret, Roles: []string{emulator.RoleMFAClient, emulator.RoleUserAdmin}},
			{ID: mfaOnlyID, Secret: mfaOnlySecret, Roles: []string{emulator.RoleMFAClient}},
		}
	})
	env.requireEmulator(t, "a client without the User Administrator role")
	return env
}

// pendingRequest enrolls the kind's device outside Terraform without skipping the passcode:
// the factor stays ENROLLMENT_INITIATED, as another workspace's or the person's would.
func pendingRequest(k passcodeKindCase) client.EnrollRequest {
	r := k.enrollRequest
	r.SkipVerification = false
	return r
}

// TestAccPasscodeFactor_pendingEnrollmentIsNotTakenOver (issue 16, item 5): a create for a
// device someone else is enrolling (a pending factor of the same number or address) used to
// restart that enrollment silently, voiding the other party's passcode. It now fails before
// sending anything, naming the factor and its import {} block; with
// take_over_pending_enrollment = true it takes the enrollment over (same factor id, one new
// passcode); removing or adding the attribute afterwards plans an update that sends nothing.
func TestAccPasscodeFactor_pendingEnrollmentIsNotTakenOver(t *testing.T) {
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		env := newTestEnv(t)
		env.requireEmulator(t, "the outbox")
		userID := env.newUser(t)
		otherID := enrollDirect(t, env, userID, pendingRequest(k))
		otherCode := env.otp(t, userID, otherID)
		takeOver := k.config(env, userID, "  take_over_pending_enrollment = true")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelow1_11,
			CheckDestroy:             resource.ComposeTestCheckFunc(env.checkDestroy(k.typeName), checkNoFactorsLeft(env, userID)),
			Steps: []resource.TestStep{
				{
					Config: k.config(env, userID, ""),
					ExpectError: diagRE("A pending enrollment of this device already exists", "ENROLLMENT_INITIATED",
						"would restart that enrollment", "another Terraform workspace's", "import {",
						"to = "+k.typeName+".<name>", `id = "`+userID+"/"+otherID+`"`, "ask whoever started it",
						"take_over_pending_enrollment = true", "no longer works"),
				},
				{
					PreConfig: func() {
						if n := len(env.Emulator.Messages(userID)); n != 1 {
							t.Errorf("the refused create sent %d passcode(s), want none", n-1)
						}
						if code, _ := env.Emulator.LastOTP(userID, otherID); code != otherCode {
							t.Errorf("the refused create changed the other party's passcode")
						}
					},
					Config: takeOver,
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckResourceAttr(k.addr(), "factor_id", otherID),
						resource.TestCheckResourceAttr(k.addr(), "status", emulator.StatusInitiated),
						resource.TestCheckResourceAttr(k.addr(), "take_over_pending_enrollment", "true"),
						countEmulatorFactors(env, userID, 1),
						checkMessages(env, userID, 2),
					),
				},
				{
					// Updates read it too, so leaving it out plans an update to null, which sends nothing.
					Config: k.config(env, userID, ""),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("take_over_pending_enrollment"), knownvalue.Null()),
					}},
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckNoResourceAttr(k.addr(), "take_over_pending_enrollment"),
						checkMessages(env, userID, 2),
					),
				},
				{
					// Adding it back plans an update too, and sends nothing either.
					Config: takeOver,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionUpdate),
					}},
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckResourceAttr(k.addr(), "take_over_pending_enrollment", "true"),
						resource.TestCheckResourceAttr(k.addr(), "status", emulator.StatusInitiated),
						checkMessages(env, userID, 2),
					),
				},
			},
		})
	})
}

// keyFactorPatch is E5: a passcode, a resend.
const keyFactorPatch = "PATCH /mfa/v1/users/{id}/factors/{factorId}"

// dropNext makes the emulator do the work of the next request of route and drop its answer.
func dropNext(env *testEnv, route string) func() {
	return func() { env.Emulator.SetFaults(emulator.Faults{DropNext: map[string]int{route: 1}}) }
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
				PreConfig: dropNext(env, keyEnroll),
				Config:    k.config(env, userID, ""),
				Check: resource.ComposeTestCheckFunc(
					captureAttr(k.addr(), "factor_id", &factorID),
					checkOnlyFactor(env, k.addr(), userID, &factorID, emulator.StatusInitiated),
					checkMessages(env, userID, 2),
				),
			},
			{
				PreConfig:       dropNext(env, keyFactorPatch),
				Config:          k.config(env, userID, otpFromVariables),
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				Check:           checkOnlyFactor(env, k.addr(), userID, &factorID, emulator.StatusEnrolled),
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
// passcode is sent, and the apply says so and asks for it.
func TestAccPasscodeFactor_lostResendAnswer(t *testing.T) {
	for _, keeps := range []bool{true, false} {
		t.Run(fmt.Sprintf("resend_keeps_request_state=%t", keeps), func(t *testing.T) {
			t.Parallel()
			forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
				env := newTestEnv(t, func(c *emulator.Config) { c.ResendKeepsRequestState = keeps })
				env.requireEmulator(t, "dropping answers")
				userID := env.newUser(t)
				var factorID string
				const resend = "  otp_resend_version = 1\n"
				steps := []resource.TestStep{
					{Config: k.config(env, userID, ""), Check: captureAttr(k.addr(), "factor_id", &factorID)},
					{
						PreConfig: dropNext(env, keyFactorPatch),
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
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					TerraformVersionChecks:   skipBelow1_11,
					CheckDestroy:             env.checkDestroy(k.typeName),
					Steps:                    steps,
				})
			})
		})
	}
}

// TestAccPasscodeFactor_pendingCheckWithoutRoleWarns (issue 16, item 5): an OAuth client with
// only the MFA Client role cannot read the user's devices, where pending enrollments show.
// Its creates go on (a least-privilege setup keeps working) but never silently: each warns
// that the check could not run and names the User Administrator role. Run through the CLI,
// which prints warnings.
func TestAccPasscodeFactor_pendingCheckWithoutRoleWarns(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	env := newEnvWithMFAOnlyClient(t)
	userID := env.newUser(t)
	cli := newCLIRun(t)
	cfg := providerBlock(env.Host, mfaOnlyID, mfaOnlySecret, "")
	for _, k := range passcodeKinds {
		cfg += k.resource("test", userID, "")
	}
	cli.writeProviderConfig(cfg)
	out := cli.mustRun(0, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	for _, k := range passcodeKinds {
		want := diagRE("Warning: Could not check for a pending enrollment of this "+k.device, "with "+k.addr(),
			"Before enrolling the "+k.label+" factor of user "+userID, "was refused (HTTP 403",
			"Grant the confidential application the User Administrator app role")
		if !want.MatchString(out) {
			t.Errorf("the apply does not warn that the %s factor's pending check could not run; output (last 4000 bytes):\n%s",
				k.label, lastBytes(out, 4000))
		}
	}
	cli.mustRun(0, nil, "destroy", "-auto-approve", "-input=false", "-no-color")
	if err := checkNoFactorsLeft(env, userID)(nil); err != nil {
		t.Error(err)
	}
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
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		env := newTestEnv(t)
		env.requireEmulator(t, "the outbox")
		userID := env.newUser(t)
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
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelow1_11,
			CheckDestroy:             resource.ComposeTestCheckFunc(env.checkDestroy(k.typeName), checkNoFactorsLeft(env, userID)),
			Steps: []resource.TestStep{
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
				},
				{
					Config:          cfg(otpFromVariables+takeOver, " "),
					ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckResourceAttr(addrB, "status", emulator.StatusEnrolled),
						countEmulatorFactors(env, userID, 1), checkMessages(env, userID, 3)),
				},
			},
		})
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
