package provider

// Every bad input a user can give (issue 8), in one table: each case runs terraform against
// its own emulator, expects the exact diagnostic (summary, the service's AUTH code and
// message, and the hint), and then proves the state stayed consistent: a failed creation
// leaves nothing in state or on the server (the next plan creates the factor), a failed
// passcode leaves the pending factor in state, and fixing the input finishes the job.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// diagRE matches fragments of a diagnostic in order. Terraform wraps long detail lines, so a
// space inside a fragment matches any run of white space (and the "│" gutter of a wrapped line).
func diagRE(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

const badInputAddr = "idcsmfa_sms_factor.test"

// smsInput is the configuration of one SMS factor; provider, when set, replaces the
// environment's provider block.
type smsInput struct {
	provider    string
	userID      string
	countryCode string
	number      string
	skip        bool
}

func (in smsInput) config(env *testEnv) string {
	p := in.provider
	if p == "" {
		p = env.providerConfig()
	}
	cc, num := in.countryCode, in.number
	if cc == "" {
		cc = "+44"
	}
	if num == "" {
		num = "7700900456"
	}
	return p + fmt.Sprintf(`
variable "otp" {
  type      = string
  default   = null
  ephemeral = true
}

variable "otp_version" {
  type    = number
  default = null
}

resource "idcsmfa_sms_factor" "test" {
  user_id             = %q
  country_code        = %q
  mobile_number       = %q
  skip_verification   = %t
  otp_code_wo         = var.otp
  otp_code_wo_version = var.otp_version
}
`, in.userID, cc, num, in.skip)
}

func hostProvider(env *testEnv, host string) string {
	return fmt.Sprintf("provider \"idcsmfa\" {\n  host          = %q\n  client_id     = %q\n  client_secret = %q\n}\n", host, env.ClientID, env.ClientSecret)
}

// serverFactors lists the SMS and email factors the emulator holds for a user, pending included.
func serverFactors(env *testEnv, userID string) []emulator.FactorInfo {
	var out []emulator.FactorInfo
	for _, f := range env.Emulator.Factors(userID) {
		if f.Method == emulator.MethodSMS || f.Method == emulator.MethodEmail {
			out = append(out, f)
		}
	}
	return out
}

// stepNothingWasCreated follows a failed creation: the server holds no factor for the user,
// and with a valid configuration the next plan creates the factor, which proves the state
// holds nothing half-made.
func stepNothingWasCreated(t *testing.T, env *testEnv, userID string) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() {
			if fs := serverFactors(env, userID); len(fs) != 0 {
				t.Errorf("the failed apply left %d factor(s) on the server: %+v", len(fs), fs)
			}
		},
		Config:             smsInput{userID: userID}.config(env),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPreRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(badInputAddr, plancheck.ResourceActionCreate)},
		},
	}
}

// checkPending asserts the factor is in state, pending, with the id captured at creation, and
// is the user's only factor on the server, pending too.
func checkPending(env *testEnv, userID string, factorID *string) resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(
		resource.TestCheckResourceAttr(badInputAddr, "status", emulator.StatusInitiated),
		resource.TestCheckResourceAttrPtr(badInputAddr, "factor_id", factorID),
		resource.TestCheckNoResourceAttr(badInputAddr, "otp_code_wo"),
		func(*terraform.State) error {
			fs := serverFactors(env, userID)
			if len(fs) != 1 || fs[0].ID != *factorID || fs[0].Status != emulator.StatusInitiated {
				return fmt.Errorf("want exactly the pending factor %s on the server, got %+v", *factorID, fs)
			}
			return nil
		},
	)
}

// checkEnrolled asserts the pending factor was finished in place: same id, ENROLLED in state
// and on the server, and still the user's only factor.
func checkEnrolled(env *testEnv, userID string, factorID *string) resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(
		resource.TestCheckResourceAttr(badInputAddr, "status", emulator.StatusEnrolled),
		resource.TestCheckResourceAttrPtr(badInputAddr, "factor_id", factorID),
		func(*terraform.State) error {
			fs := serverFactors(env, userID)
			if len(fs) != 1 || fs[0].ID != *factorID || fs[0].Status != emulator.StatusEnrolled {
				return fmt.Errorf("want exactly the enrolled factor %s on the server, got %+v", *factorID, fs)
			}
			return nil
		},
	)
}

// otpVars submits a passcode with otp_code_wo_version = version.
func otpVars(code config.Variable, version int) config.Variables {
	return config.Variables{"otp": code, "otp_version": config.IntegerVariable(version)}
}

// wrongOTP is a passcode that is certainly not the one the emulator sent: its last digit changed.
func wrongOTP(t *testing.T, env *testEnv, userID string, factorID *string) config.Variable {
	return lazyVariable(func() string {
		code := []byte(env.otp(t, userID, *factorID))
		code[len(code)-1] = '0' + (code[len(code)-1]-'0'+1)%10
		return string(code)
	})
}

// testClock lets a case move the emulator's clock forward to expire a requestState.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

type badInputCase struct {
	name     string
	emulator func(*emulator.Config)
	// steps gets a fresh environment and user. Every ExpectError step is followed by a step
	// that checks the state and the server. A failed passcode is followed by the configuration
	// without one: its plan is empty only if the state kept the previous otp_code_wo_version,
	// and its Check sees the factor still pending, in state and on the server.
	steps func(t *testing.T, env *testEnv, userID string) []resource.TestStep
}

// failedCreate is the common shape: one configuration that must fail with want, then the
// proof that nothing was created.
func failedCreate(in func(env *testEnv, userID string) smsInput, want *regexp.Regexp) func(*testing.T, *testEnv, string) []resource.TestStep {
	return func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
		return []resource.TestStep{
			{Config: in(env, userID).config(env), ExpectError: want},
			stepNothingWasCreated(t, env, userID),
		}
	}
}

// failedConfig: a configuration (after the provider block) that must fail with want, then the
// proof that nothing was created for the user.
func failedConfig(cfg func(env *testEnv, userID string) string, want *regexp.Regexp) func(*testing.T, *testEnv, string) []resource.TestStep {
	return func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
		return []resource.TestStep{
			{Config: env.providerConfig() + cfg(env, userID), ExpectError: want},
			stepNothingWasCreated(t, env, userID),
		}
	}
}

func badInputCases() []badInputCase {
	phone := func(cc, number string) func(*testEnv, string) smsInput {
		return func(_ *testEnv, userID string) smsInput {
			return smsInput{userID: userID, countryCode: cc, number: number}
		}
	}

	// The clock of the one case that expires a requestState: each case runs once per test run.
	expiryClock := &testClock{}

	return []badInputCase{
		// The provider block.
		{
			name: "host without a scheme",
			steps: failedCreate(func(env *testEnv, userID string) smsInput {
				return smsInput{userID: userID, provider: hostProvider(env, "idcs-0123.identity.oraclecloud.com")}
			}, diagRE("Invalid identity domain host", "is not a URL with a scheme", "e.g. https://idcs-")),
		},
		{
			name: "plain http to a host that is not loopback",
			steps: failedCreate(func(env *testEnv, userID string) smsInput {
				return smsInput{userID: userID, provider: hostProvider(env, "http://idcs-0123.identity.oraclecloud.com")}
			}, diagRE("Invalid identity domain host", "uses http: only https is allowed")),
		},
		{
			name: "host with a path",
			steps: failedCreate(func(env *testEnv, userID string) smsInput {
				return smsInput{userID: userID, provider: hostProvider(env, "https://idcs-0123.identity.oraclecloud.com/admin/v1")}
			}, diagRE("Invalid identity domain host", "without a path, query or fragment")),
		},
		{
			name: "wrong client secret",
			steps: failedCreate(func(env *testEnv, userID string) smsInput {
				p := fmt.Sprintf("provider \"idcsmfa\" {\n  host          = %q\n  client_id     = %q\n  client_secret = \"not-the-secret\"\n}\n", env.Host, env.ClientID)
				return smsInput{userID: userID, provider: p}
			}, diagRE("Could not enroll the SMS factor of user", "token request was refused", "Check client_id and client_secret", "MFA Client")),
		},
		{
			name: "access token and client credentials together",
			steps: failedCreate(func(env *testEnv, userID string) smsInput {
				p := fmt.Sprintf("provider \"idcsmfa\" {\n  host          = %q\n  client_id     = %q\n  client_secret = %q\n  access_token  = \"a-token\"\n}\n", env.Host, env.ClientID, env.ClientSecret)
				return smsInput{userID: userID, provider: p}
			}, diagRE("Conflicting provider credentials", "Use either client_id + client_secret")),
		},

		// Plan-time validation of the factor's inputs.
		{
			name:  "country code without +",
			steps: failedCreate(phone("44", "7700900456"), diagRE(`country_code must be "+" followed by the country calling code`, `e.g. "+44"`)),
		},
		{
			name:  "country code with a leading zero",
			steps: failedCreate(phone("+044", "7700900456"), diagRE(`country_code must be "+" followed by the country calling code`)),
		},
		{
			name:  "country code too long",
			steps: failedCreate(phone("+12345", "7700900456"), diagRE(`country_code must be "+" followed by the country calling code`)),
		},
		{
			name:  "mobile number with spaces",
			steps: failedCreate(phone("+44", "7700 900456"), diagRE("mobile_number must be the national number without the country code: digits only", `e.g. "7700900123"`)),
		},
		{
			name:  "mobile number with the country code in it",
			steps: failedCreate(phone("+44", "+447700900456"), diagRE("mobile_number must be the national number without the country code")),
		},
		{
			name:  "mobile number too short",
			steps: failedCreate(phone("+44", "12"), diagRE("mobile_number must be the national number", "4 to 14 digits")),
		},
		{
			name:  "mobile number longer than E.164 allows",
			steps: failedCreate(phone("+1234", "12345678901234"), diagRE("Mobile number too long", "with country code +1234 makes 18", "(E.164)")),
		},
		{
			name: "user name instead of user id",
			steps: failedCreate(func(_ *testEnv, _ string) smsInput { return smsInput{userID: "alice"} },
				diagRE("user_id must be the user's id (GUID, the SCIM user id): 32 hexadecimal characters", "not the user name")),
		},

		// Answers of the service.
		{
			name: "unknown user",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				ghost := "0000000000000000000000000000dead"
				return []resource.TestStep{
					{Config: smsInput{userID: ghost}.config(env), ExpectError: diagRE("Could not enroll the SMS factor of user "+ghost, "HTTP 404 AUTH-3018: User not found.", "Check user_id")},
					stepNothingWasCreated(t, env, userID),
				}
			},
		},
		{
			name: "locked user",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				return []resource.TestStep{
					{
						PreConfig:   func() { lockUser(t, env, userID, true) },
						Config:      smsInput{userID: userID}.config(env),
						ExpectError: diagRE("Could not enroll the SMS factor of user", "HTTP 401 AUTH-1010", "locked", "Unlock the user in the identity domain console"),
					},
					stepNothingWasCreated(t, env, userID),
				}
			},
		},
		{
			name:     "factor not enabled in the domain",
			emulator: func(c *emulator.Config) { c.EnabledFactors = []string{emulator.MethodEmail} },
			steps: failedCreate(func(_ *testEnv, userID string) smsInput { return smsInput{userID: userID} },
				diagRE("Could not enroll the SMS factor of user", "HTTP 401 AUTH-1125: The SMS factor has been disabled.", "Security > MFA > Factors")),
		},
		{
			name: "number already enrolled outside Terraform",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				return []resource.TestStep{
					{
						PreConfig: func() { enrollOutOfBand(t, env, userID, "+44", "7700900456") },
						Config:    smsInput{userID: userID}.config(env),
						ExpectError: diagRE("Could not enroll the SMS factor of user", "HTTP 400 AUTH-1031", "already enrolled",
							"import it", "<user_id>/<factor_id>"),
					},
					{
						// Only the factor enrolled outside Terraform exists, and the state has nothing.
						PreConfig: func() {
							if fs := serverFactors(env, userID); len(fs) != 1 {
								t.Errorf("want the one factor enrolled outside Terraform, got %+v", fs)
							}
						},
						Config:             smsInput{userID: userID}.config(env),
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPreRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(badInputAddr, plancheck.ResourceActionCreate)},
						},
					},
				}
			},
		},

		{
			name: "email factor already enrolled outside Terraform",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				cfg := env.providerConfig() + fmt.Sprintf(`
resource "idcsmfa_email_factor" "test" {
  user_id = %q
}
`, userID)
				return []resource.TestStep{
					{
						PreConfig: func() { enrollEmailOutOfBand(t, env, userID) },
						Config:    cfg,
						ExpectError: diagRE("Could not enroll the email factor of user", "HTTP 400 AUTH-1003", "already enrolled",
							"import it", "<user_id>/<factor_id>"),
					},
					{
						Config:             cfg,
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPreRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("idcsmfa_email_factor.test", plancheck.ResourceActionCreate)},
						},
					},
				}
			},
		},

		// The activation resource and the data sources.
		{
			name: "activation of a factor that does not exist",
			steps: failedConfig(func(env *testEnv, userID string) string {
				return fmt.Sprintf("resource \"idcsmfa_factor_activation\" \"test\" {\n  user_id   = %q\n  factor_id = %q\n}\n", userID, strings.Repeat("f", 32))
			}, diagRE("Factor not found", "Check user_id and factor_id")),
		},
		{
			name: "activation with a factor_id that is an import id",
			steps: failedConfig(func(env *testEnv, userID string) string {
				return fmt.Sprintf("resource \"idcsmfa_factor_activation\" \"test\" {\n  user_id   = %q\n  factor_id = %q\n}\n", userID, userID+"/"+strings.Repeat("f", 32))
			}, diagRE("factor_id must be a factor id: 32 hexadecimal characters")),
		},
		{
			name: "factors of an unknown user",
			steps: failedConfig(func(*testEnv, string) string {
				return "data \"idcsmfa_user_factors\" \"test\" {\n  user_id = \"0000000000000000000000000000dead\"\n}\n"
			}, diagRE("User not found", "no user with user_id", "Check the value")),
		},
		{
			name: "factors by user_id and user_name at once",
			steps: failedConfig(func(_ *testEnv, userID string) string {
				return fmt.Sprintf("data \"idcsmfa_user_factors\" \"test\" {\n  user_id   = %q\n  user_name = \"alice\"\n}\n", userID)
			}, diagRE("Invalid Attribute Combination", "user_id", "user_name")),
		},
		{
			name: "users with a malformed SCIM filter",
			steps: failedConfig(func(*testEnv, string) string {
				return "data \"idcsmfa_users\" \"test\" {\n  filter = \"userName starts ci-\"\n}\n"
			}, diagRE("Could not list users", "Check the SCIM filter", "userName sw")),
		},

		// Passcodes.
		{
			name: "wrong passcode, then the right one",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				var factorID string
				cfg := smsInput{userID: userID}.config(env)
				return []resource.TestStep{
					{Config: cfg, Check: captureAttr(badInputAddr, "factor_id", &factorID)},
					{
						Config: cfg, ConfigVariables: otpVars(wrongOTP(t, env, userID, &factorID), 1),
						ExpectError: diagRE("Wrong passcode", "HTTP 401 AUTH-1105: Invalid passcode.", "stays ENROLLMENT_INITIATED",
							"check the code in otp_code_wo and apply again", "Each wrong passcode counts towards locking the user",
							"the number of failed attempts its MFA settings allow"),
					},
					{Config: cfg, Check: resource.ComposeTestCheckFunc(checkPending(env, userID, &factorID),
						resource.TestCheckNoResourceAttr(badInputAddr, "otp_code_wo_version"))},
					{Config: cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1), Check: checkEnrolled(env, userID, &factorID)},
				}
			},
		},
		{
			name: "passcode that is not digits",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				var factorID string
				cfg := smsInput{userID: userID}.config(env)
				return []resource.TestStep{
					{Config: cfg, Check: captureAttr(badInputAddr, "factor_id", &factorID)},
					{Config: cfg, ConfigVariables: otpVars(config.StringVariable("12ab56"), 1),
						ExpectError: diagRE("Invalid passcode", "4 to 10 digits", "the value is not shown because it is secret")},
					{Config: cfg, Check: checkPending(env, userID, &factorID)},
				}
			},
		},
		{
			name: "passcode without otp_code_wo_version",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				var factorID string
				cfg := smsInput{userID: userID}.config(env)
				return []resource.TestStep{
					{Config: cfg, Check: captureAttr(badInputAddr, "factor_id", &factorID)},
					{Config: cfg, ConfigVariables: config.Variables{"otp": config.StringVariable("123456")},
						ExpectError: diagRE(`Attribute "otp_code_wo_version" must be specified when "otp_code_wo" is specified`)},
					{Config: cfg, Check: checkPending(env, userID, &factorID)},
				}
			},
		},
		{
			name: "expired requestState",
			emulator: func(c *emulator.Config) {
				c.Now = expiryClock.now
				c.RequestStateTTL = time.Minute
			},
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				var factorID string
				cfg := smsInput{userID: userID}.config(env)
				return []resource.TestStep{
					{Config: cfg, Check: captureAttr(badInputAddr, "factor_id", &factorID)},
					{
						// Past the requestState's minute, within the passcode's five: only the requestState expired.
						PreConfig: func() { expiryClock.advance(2 * time.Minute) },
						Config:    cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
						ExpectError: diagRE("Enrollment restarted: passcode not submitted",
							"the identity domain no longer accepts its enrollment request", "a new passcode was sent",
							"Put the new passcode in otp_code_wo and apply again"),
					},
					{Config: cfg, Check: checkPending(env, userID, &factorID)},
					// The new passcode (the outbox's latest) finishes the same factor.
					{Config: cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1), Check: checkEnrolled(env, userID, &factorID)},
				}
			},
		},
		{
			name:     "too many wrong passcodes",
			emulator: func(c *emulator.Config) { c.MaxFailedAttempts = 2 },
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				var factorID string
				cfg := smsInput{userID: userID}.config(env)
				return []resource.TestStep{
					{Config: cfg, Check: captureAttr(badInputAddr, "factor_id", &factorID)},
					{Config: cfg, ConfigVariables: otpVars(wrongOTP(t, env, userID, &factorID), 1),
						ExpectError: diagRE("Wrong passcode", "HTTP 401 AUTH-1105")},
					// The attempt that locks the user.
					{Config: cfg, ConfigVariables: otpVars(wrongOTP(t, env, userID, &factorID), 1),
						ExpectError: diagRE("Could not submit the passcode of SMS factor", "HTTP 401 AUTH-1027",
							"Too many wrong passcodes: the user is now locked (AUTH-1027", "An administrator unlocks the user",
							"POST /emulator/v1/users/<user_id>/unlock")},
					// Even the right passcode is refused now, with the locked user's answer.
					{Config: cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
						ExpectError: diagRE("Could not submit the passcode of SMS factor", "HTTP 401 AUTH-1010", "Unlock the user")},
					{Config: cfg, Check: checkPending(env, userID, &factorID)},
					// An administrator unlocks the user; the right passcode then finishes the factor.
					{
						PreConfig: func() { lockUser(t, env, userID, false) },
						Config:    cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
						Check: checkEnrolled(env, userID, &factorID),
					},
				}
			},
		},
		{
			// The service would answer AUTH-1111 "Factor is already enrolled."; the provider
			// must not even ask: nothing is sent, nothing fails, the factor stays enrolled.
			name: "passcode for an enrolled factor",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				var factorID string
				cfg := smsInput{userID: userID, skip: true}.config(env)
				return []resource.TestStep{
					{Config: cfg, Check: resource.ComposeTestCheckFunc(captureAttr(badInputAddr, "factor_id", &factorID),
						resource.TestCheckResourceAttr(badInputAddr, "status", emulator.StatusEnrolled))},
					{
						PreConfig: env.Emulator.ResetStats,
						Config:    cfg, ConfigVariables: otpVars(config.StringVariable("123456"), 1),
						Check: resource.ComposeTestCheckFunc(checkEnrolled(env, userID, &factorID), checkNoPasscodeSubmitted(env)),
					},
				}
			},
		},
		{
			name: "passcode for a factor the user finished out of band",
			steps: func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
				var factorID string
				cfg := smsInput{userID: userID}.config(env)
				return []resource.TestStep{
					{Config: cfg, Check: captureAttr(badInputAddr, "factor_id", &factorID)},
					{
						PreConfig: func() {
							if err := env.Emulator.CompleteEnrollment(userID, factorID); err != nil {
								t.Errorf("completing the enrollment out of band: %s", err)
							}
							env.Emulator.ResetStats()
						},
						Config: cfg, ConfigVariables: otpVars(config.StringVariable("123456"), 1),
						Check: resource.ComposeTestCheckFunc(checkEnrolled(env, userID, &factorID), checkNoPasscodeSubmitted(env)),
					},
				}
			},
		},

		// Import IDs.
		{
			name: "import ID that is not user_id/factor_id",
			steps: importCase(func(string, string) string { return "7700900456" },
				diagRE("Invalid import ID", "The import ID must be <user_id>/<factor_id>", `Got "7700900456"`)),
		},
		{
			name: "import ID with the parts swapped in format",
			steps: importCase(func(userID, _ string) string { return "alice/" + userID },
				diagRE("Invalid import ID", "each 32 lower-case hexadecimal characters")),
		},
		{
			name: "import ID of a factor that does not exist",
			steps: importCase(func(userID, _ string) string { return userID + "/" + strings.Repeat("f", 32) },
				diagRE("Cannot import non-existent remote object")),
		},
		{
			name: "import ID of an email factor into an SMS resource",
			steps: importCase(func(_, emailImportID string) string { return emailImportID },
				diagRE("is not an SMS factor")),
		},
	}
}

// importCase imports id(userID, emailImportID) into the SMS resource; a real email factor
// exists so that a case can name a factor of the wrong type.
func importCase(id func(userID, emailImportID string) string, want *regexp.Regexp) func(*testing.T, *testEnv, string) []resource.TestStep {
	return func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
		var emailImportID string
		cfg := smsInput{userID: userID, skip: true}.config(env) + fmt.Sprintf(`
resource "idcsmfa_email_factor" "other" {
  user_id           = %q
  skip_verification = true
}
`, userID)
		return []resource.TestStep{
			{Config: cfg, Check: captureAttr("idcsmfa_email_factor.other", "id", &emailImportID)},
			{
				Config:            cfg,
				ResourceName:      badInputAddr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return id(userID, emailImportID), nil },
				ExpectError:       want,
			},
			{
				// The failed import changed nothing: both factors still in state and on the server.
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(badInputAddr, "status", emulator.StatusEnrolled),
					resource.TestCheckResourceAttr("idcsmfa_email_factor.other", "status", emulator.StatusEnrolled),
					func(*terraform.State) error {
						if fs := serverFactors(env, userID); len(fs) != 2 {
							return fmt.Errorf("want the SMS and the email factor on the server, got %+v", fs)
						}
						return nil
					},
				),
			},
		}
	}
}

func lockUser(t *testing.T, env *testEnv, userID string, locked bool) {
	if err := env.Emulator.SetLocked(userID, locked); err != nil {
		t.Errorf("setting locked=%t on user %s: %s", locked, userID, err)
	}
}

// enrollOutOfBand enrolls an SMS factor as an administrator or another tool would.
func enrollOutOfBand(t *testing.T, env *testEnv, userID, cc, number string) {
	_, err := env.Client.Enroll(context.Background(), userID, client.EnrollRequest{
		Method: client.MethodSMS, CountryCode: cc, MobileNumber: number, SkipVerification: true,
	})
	if err != nil {
		t.Errorf("enrolling %s%s out of band: %s", cc, number, err)
	}
}

// enrollEmailOutOfBand enrolls the user's email factor as another tool would.
func enrollEmailOutOfBand(t *testing.T, env *testEnv, userID string) {
	_, err := env.Client.Enroll(context.Background(), userID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true})
	if err != nil {
		t.Errorf("enrolling the email factor out of band: %s", err)
	}
}

// checkNoPasscodeSubmitted asserts no passcode or resend reached the service since the stats
// were reset.
func checkNoPasscodeSubmitted(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := env.Emulator.Stats().Requests["PATCH /mfa/v1/users/{id}/factors/{factorId}"]; n != 0 {
			return fmt.Errorf("%d passcode or resend request(s) reached the service for an enrolled factor", n)
		}
		return nil
	}
}

// TestAccBadInput runs every bad input a user can give; see badInputCases.
func TestAccBadInput(t *testing.T) {
	for _, tc := range badInputCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, func(c *emulator.Config) {
				if tc.emulator != nil {
					tc.emulator(c)
				}
			})
			env.requireEmulator(t, "emulator settings, locked users and the outbox")
			userID := env.newUser(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkNoFactorsLeft(env, []string{userID}),
				Steps:                    tc.steps(t, env, userID),
			})
		})
	}
}
