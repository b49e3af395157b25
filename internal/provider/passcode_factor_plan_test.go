package provider

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

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
	t.Parallel()
	env := newTestEnv(t)
	var planErrors []planErrorCase
	for _, k := range passcodeKinds {
		for _, tc := range cases {
			planErrors = append(planErrors, planErrorCase{tc.name + " (" + k.label + ")", k.config(env, exampleUserID, tc.extra), tc.want})
		}
	}
	runPlanErrors(t, planErrors)
}

// TestAccPasscodeFactor_badInput runs the bad inputs every passcode kind shares; see
// passcodeBadInputCases.
func TestAccPasscodeFactor_badInput(t *testing.T) {
	// The clock of the case that expires a requestState, the kinds' emulator's.
	expiryClock := &acctestClock{}
	perKind := make([][]badInputCase, len(passcodeKinds))
	for i, k := range passcodeKinds {
		perKind[i] = passcodeBadInputCases(k, expiryClock)
	}
	runPasscodeBadInputCases(t, perKind)
}

func passcodeBadInputCases(k passcodeKindCase, expiryClock *acctestClock) []badInputCase {
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

	return []badInputCase{
		// Plan-time validation.
		{
			name: "user name instead of user id",
			steps: refusedAtPlan(func(env *testEnv, _ string) string { return k.config(env, "alice@example.com", "") },
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
			name:       "factor not enabled in the domain",
			emulator:   func(c *emulator.Config) { c.EnabledFactors = []string{k.other().method} },
			kindsApart: true,
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
			// Two malformed passcodes for the same pending factor, each refused at plan time.
			name:    "passcode that is not digits, passcode without otp_code_wo_version",
			applies: true,
			steps: pending(func(t *testing.T, env *testEnv, userID, cfg string, factorID *string) []resource.TestStep {
				stillPending := resource.TestStep{Config: cfg, Check: checkOnlyFactor(env, k.addr(), userID, factorID, emulator.StatusInitiated)}
				return []resource.TestStep{
					{Config: cfg, ConfigVariables: otpVars(config.StringVariable("12ab56"), 1),
						ExpectError: diagRE("Invalid passcode", "4 to 10 digits", "the value is not shown because it is secret")},
					stillPending,
					{Config: cfg, ConfigVariables: config.Variables{"otp": config.StringVariable("123456")},
						ExpectError: diagRE(`Attribute "otp_code_wo_version" must be specified when "otp_code_wo" is specified`)},
					stillPending,
				}
			}),
		},
		{
			name:    "expired requestState",
			applies: true,
			emulator: func(c *emulator.Config) {
				c.Now = expiryClock.Now
				c.RequestStateTTL = time.Minute
			},
			steps: pending(func(t *testing.T, env *testEnv, userID, cfg string, factorID *string) []resource.TestStep {
				return []resource.TestStep{
					{
						// Past the requestState's minute, within the passcode's five: only the requestState expired.
						PreConfig: onceForAllKinds(k, func() { expiryClock.Advance(2 * time.Minute) }),
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
			applies:  true,
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
			name:    "passcode for an enrolled factor",
			applies: true,
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
			name:    "passcode for a factor finished elsewhere",
			applies: true,
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
			name:    "import IDs that do not fit",
			applies: true,
			steps: importAttempts(k,
				importAttempt{func(string, string) string { return "7700900456" },
					diagRE("Invalid import ID", "The import ID must be <user_id>/<factor_id>", `Got "7700900456"`)},
				// The parts swapped in format.
				importAttempt{func(userID, _ string) string { return "alice/" + userID },
					diagRE("Invalid import ID", "each 32 lower-case hexadecimal characters")},
				// A factor that does not exist.
				importAttempt{func(userID, _ string) string { return userID + "/" + strings.Repeat("f", 32) },
					diagRE("Cannot import non-existent remote object")},
				// A factor of another kind.
				importAttempt{func(_, otherImportID string) string { return otherImportID }, diagRE("is not " + k.aLabel + " factor")},
			),
		},
	}
}
