package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

const getFactorKey = "GET /mfa/v1/users/{id}/factors/{factorId}"

// testAccFactorActivationConfig is an email factor and an activation waiting for it.
// skipVerification enrolls the factor at once; extra goes into the activation block.
func testAccFactorActivationConfig(env *testEnv, userID string, skipVerification bool, extra string) string {
	return env.providerConfig() + emailResource("test", userID, fmt.Sprintf("  skip_verification = %t", skipVerification)) + `
resource "idcsmfa_factor_activation" "test" {
  user_id   = idcsmfa_email_factor.test.user_id
  factor_id = idcsmfa_email_factor.test.factor_id
` + extra + `
}
`
}

// outOfBandResult is what the simulated user saw: how many status polls the activation had
// made when the user completed the enrollment, or why they could not.
type outOfBandResult struct {
	polls int
	err   error
}

// completeWhenWaited plays the user: it waits until the user's email factor is pending and
// the activation has polled it (so the apply is really waiting), lets a few more polls pass,
// then completes the enrollment out of band. It gives up when the test ends.
func completeWhenWaited(t *testing.T, env *testEnv, userID string) <-chan outOfBandResult {
	return actWhenWaited(t, env, userID, env.Emulator.CompleteEnrollment)
}

// actWhenWaited does act on the pending factor once the activation is waiting for it.
func actWhenWaited(t *testing.T, env *testEnv, userID string, act func(userID, factorID string) error) <-chan outOfBandResult {
	done := make(chan outOfBandResult, 1)
	ctx := t.Context()
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				done <- outOfBandResult{err: fmt.Errorf("no pending factor with a waiting activation appeared for user %s", userID)}
				return
			case <-tick.C:
			}
			for _, f := range env.Emulator.Factors(userID) {
				if f.Status != emulator.StatusInitiated || env.Emulator.Stats().Requests[getFactorKey] == 0 {
					continue
				}
				time.Sleep(5 * activationPollMax)
				polls := env.Emulator.Stats().Requests[getFactorKey]
				err := act(userID, f.ID)
				if err != nil {
					err = fmt.Errorf("acting on factor %s out of band: %w", f.ID, err)
				}
				done <- outOfBandResult{polls: polls, err: err}
				return
			}
		}
	}()
	return done
}

func TestAccFactorActivation_outOfBand(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "completing an enrollment as the user would")
	var user <-chan outOfBandResult
	var factorID string

	accTest(t, nil, resource.TestStep{
		PreConfig: func() {
			env.Emulator.ResetStats()
			user = completeWhenWaited(t, env, userID)
		},
		Config: testAccFactorActivationConfig(env, userID, false, ""),
		Check: resource.ComposeTestCheckFunc(
			func(s *terraform.State) error {
				r := <-user
				if r.err != nil {
					return r.err
				}
				if r.polls < 2 {
					return fmt.Errorf("the activation polled %d times before the user acted; want the apply to have waited (>= 2 polls)", r.polls)
				}
				t.Logf("the apply waited through %d status polls before the user completed the enrollment", r.polls)
				return nil
			},
			captureAttr("idcsmfa_factor_activation.test", "factor_id", &factorID),
			checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
			resource.TestCheckResourceAttrPair("idcsmfa_factor_activation.test", "factor_id", "idcsmfa_email_factor.test", "factor_id"),
			func(s *terraform.State) error {
				rs := s.RootModule().Resources["idcsmfa_factor_activation.test"]
				if want := userID + "/" + rs.Primary.Attributes["factor_id"]; rs.Primary.ID != want {
					return fmt.Errorf("id %q, want %q", rs.Primary.ID, want)
				}
				return nil
			},
			resource.TestCheckResourceAttr("idcsmfa_factor_activation.test", "status", "ENROLLED"),
			resource.TestCheckResourceAttr("idcsmfa_factor_activation.test", "methods.#", "1"),
			resource.TestCheckResourceAttr("idcsmfa_factor_activation.test", "methods.0", "EMAIL"),
		),
	})
}

func TestAccFactorActivation_timeout(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)

	accTest(t, nil, resource.TestStep{
		Config: testAccFactorActivationConfig(env, userID, false, `  timeouts {
    create = "1s"
  }`),
		ExpectError: regexp.MustCompile(`(?s)Factor not enrolled in time.*still\s+ENROLLMENT_INITIATED\s+after\s+waiting\s+1s.*` +
			`otp_resend_version.*have\s+the\s+passcode\s+submitted.*timeouts\.create`),
	})
}

func TestAccFactorActivation_factorDisappearsWhileWaiting(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "removing a factor while the apply waits")

	accTest(t, nil, resource.TestStep{
		PreConfig:   func() { actWhenWaited(t, env, userID, env.Emulator.RemoveFactor) },
		Config:      testAccFactorActivationConfig(env, userID, false, ""),
		ExpectError: regexp.MustCompile(`(?s)Factor disappeared while waiting.*was\s+deleted\s+while\s+Terraform\s+waited.*AUTH-1014`),
	})
}

func TestAccFactorActivation_factorRemovedOutsideTerraform(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "removing a factor out of band")
	var firstFactor, secondFactor string
	cfg := testAccFactorActivationConfig(env, userID, true, "")

	accTest(t, nil,
		resource.TestStep{
			// An already enrolled factor: the activation completes at once.
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(
				captureAttr("idcsmfa_factor_activation.test", "factor_id", &firstFactor),
				resource.TestCheckResourceAttr("idcsmfa_factor_activation.test", "status", "ENROLLED"),
			),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := env.Emulator.RemoveFactor(userID, firstFactor); err != nil {
					t.Fatalf("removing factor out of band: %s", err)
				}
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("idcsmfa_factor_activation.test", plancheck.ResourceActionCreate),
				},
			},
			Check: resource.ComposeTestCheckFunc(
				captureAttr("idcsmfa_factor_activation.test", "factor_id", &secondFactor),
				func(*terraform.State) error {
					if secondFactor == firstFactor {
						return fmt.Errorf("the activation still points at the removed factor %s", firstFactor)
					}
					return nil
				},
				checkEmulatorFactor(env, userID, &secondFactor, emulator.StatusEnrolled),
			),
		},
		resource.TestStep{
			ResourceName:      "idcsmfa_factor_activation.test",
			ImportState:       true,
			ImportStateVerify: true,
			// timeouts is configuration only; an import cannot know it.
			ImportStateVerifyIgnore: []string{"timeouts"},
		},
		resource.TestStep{
			// Destroying the activation forgets it and leaves the factor to its owner.
			Config: env.providerConfig() + emailResource("test", userID, "  skip_verification = true"),
			Check:  checkEmulatorFactor(env, userID, &secondFactor, emulator.StatusEnrolled),
		},
	)
}

// TestAccFactorActivation_validation: a factor_id that is not a factor id and a timeout that
// is not a duration are refused at plan time; a factor that does not exist is the service's
// AUTH-1014.
func TestAccFactorActivation_validation(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)

	accTest(t, nil,
		resource.TestStep{
			Config: env.providerConfig() + `
resource "idcsmfa_factor_activation" "test" {
  user_id   = "7b3d902ab05b4214bae6b2924ca6be21"
  factor_id = "b3e04149/d958437b"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`must be a factor id: 32 hexadecimal\s+characters`),
		},
		resource.TestStep{
			Config: env.providerConfig() + `
resource "idcsmfa_factor_activation" "test" {
  user_id   = "7b3d902ab05b4214bae6b2924ca6be21"
  factor_id = "b3e04149d958437b9b801fa70c33ca70"
  timeouts {
    create = "soon"
  }
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?i)duration`),
		},
		resource.TestStep{
			Config: env.providerConfig() + fmt.Sprintf(`
resource "idcsmfa_factor_activation" "test" {
  user_id   = %q
  factor_id = "00000000000000000000000000000000"
}
`, userID),
			ExpectError: regexp.MustCompile(`(?s)Factor not found.*AUTH-1014`),
		},
	)
}

// TestAccFactorActivation_badInput: an activation that cannot wait creates nothing (see
// badInputCase).
func TestAccFactorActivation_badInput(t *testing.T) {
	activation := func(factorID func(userID string) string) func(*testEnv, string) string {
		return func(_ *testEnv, userID string) string {
			return fmt.Sprintf("resource \"idcsmfa_factor_activation\" \"test\" {\n  user_id   = %q\n  factor_id = %q\n}\n", userID, factorID(userID))
		}
	}
	runBadInputCases(t, []badInputCase{
		{
			name:  "activation of a factor that does not exist",
			steps: failedBesideProvider(activation(func(string) string { return strings.Repeat("f", 32) }), diagRE("Factor not found", "Check user_id and factor_id")),
		},
		{
			name: "activation with a factor_id that is an import id",
			steps: refusedBesideProvider(activation(func(userID string) string { return userID + "/" + strings.Repeat("f", 32) }),
				diagRE("factor_id must be a factor id: 32 hexadecimal characters")),
		},
	})
}

// Importing the activation of a pending factor says that it is pending, what to import
// instead and when (it used to end in "Cannot import non-existent remote object"); once the
// factor is enrolled, the same import works and plans no change.
func TestAccFactorActivation_importPendingFactor(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "completing an enrollment out of band")
	factorID := enrollDirect(t, env, userID, client.EnrollRequest{Method: client.MethodEmail})
	cfg := env.providerConfig() + fmt.Sprintf(`
resource "idcsmfa_factor_activation" "test" {
  user_id   = %q
  factor_id = %q
}
`, userID, factorID)
	importID := func(*terraform.State) (string, error) { return userID + "/" + factorID, nil }
	accTest(t, nil,
		resource.TestStep{
			Config:             cfg,
			ResourceName:       "idcsmfa_factor_activation.test",
			ImportState:        true,
			ImportStatePersist: true,
			ImportStateIdFunc:  importID,
			ExpectError: diagRE("Cannot import the activation of a pending factor", "is still ENROLLMENT_INITIATED",
				"Import the factor itself instead", "idcsmfa_email_factor", userID+"/"+factorID,
				"import the activation once the factor is ENROLLED"),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := env.Emulator.CompleteEnrollment(userID, factorID); err != nil {
					t.Fatal(err)
				}
			},
			Config:             cfg,
			ResourceName:       "idcsmfa_factor_activation.test",
			ImportState:        true,
			ImportStatePersist: true,
			ImportStateIdFunc:  importID,
			ImportStateCheck:   importedAttrs(map[string]string{"status": "ENROLLED"}),
		},
		resource.TestStep{
			// The imported activation plans no change.
			Config:   cfg,
			PlanOnly: true,
		},
	)
}
