package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// expectNoDrift fails when the refresh before a plan found a resource "changed outside of
// Terraform" (the plan's resource_drift), which plans can show even when empty.
type expectNoDrift struct{}

func (expectNoDrift) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var drift []string
	for _, rc := range req.Plan.ResourceDrift {
		if rc.Change == nil {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		for k, v := range after {
			if fmt.Sprint(before[k]) != fmt.Sprint(v) {
				drift = append(drift, fmt.Sprintf("%s.%s: %v -> %v", rc.Address, k, before[k], v))
			}
		}
	}
	if len(drift) > 0 {
		resp.Error = fmt.Errorf("changed outside of Terraform: %s", strings.Join(drift, "; "))
	}
}

// A pending factor imported, then activated from Terraform (the import has no enrollment
// request, so the first submission restarts the enrollment and the second one enrolls):
// the next refresh finds nothing "changed outside of Terraform". The display name used to be
// the imported one until that refresh.
func TestAccPasscodeFactor_importedPendingThenActivatedNoDrift(t *testing.T) {
	t.Parallel()
	env := newEmulatorEnv(t, "reads passcodes from the outbox")
	passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
		req := k.enrollRequest
		req.SkipVerification = false
		factorID := enrollDirect(t, env, userID, req)
		cfg := k.config(env, userID, otpFromVariables)
		return []resource.TestStep{
			{
				Config:             k.config(env, userID, ""),
				ResourceName:       k.addr(),
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return userID + "/" + factorID, nil },
			},
			{
				Config:          cfg,
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				ExpectError:     diagRE("Enrollment restarted: passcode not submitted"),
			},
			{
				Config:          cfg,
				ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				// The plans right after the apply: the next refresh (PostApplyPostRefresh) of
				// the state the apply wrote finds no drift, and nothing is planned.
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{expectNoDrift{}, plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{expectNoDrift{}, plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(k.addr(), "status", "ENROLLED"),
					resource.TestCheckResourceAttr(k.addr(), "display_name", k.displayName(t, env, userID)),
				),
			},
		}, env.checkDestroy(k.typeName)
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
				Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(k.addr(), "status", emulator.StatusEnrolled),
					countEmulatorFactors(env, userID, 1)),
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
				// The docs promise an SMS factor's imported state country_code = "" beside the
				// masked number (issue 25 item 5 saw null).
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if k.typeName != smsCase.typeName {
						return nil
					}
					if cc, ok := states[0].Attributes["country_code"]; !ok || cc != "" {
						return fmt.Errorf("imported country_code %q (set: %t), want \"\"", cc, ok)
					}
					if n := states[0].Attributes["mobile_number"]; !client.IsMaskedNumber(n) {
						return fmt.Errorf("imported mobile_number %q, want the masked number", n)
					}
					return nil
				},
			},
			{
				// An import {} block with the configuration that matches the factor: no change,
				// except that an SMS factor's real number is recorded in place (the service
				// shows only the masked one; issue 31, item 4).
				ResourceName:       k.addr(),
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				Config:             cfg,
				ExpectNonEmptyPlan: k.typeName == smsCase.typeName,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(k.addr(), importedNumberAction(k))},
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

// importAttempt is an import ID that must fail with want; id builds it from the user's id and
// the import ID of the enrolled factor of the other kind.
type importAttempt struct {
	id   func(userID, otherImportID string) string
	want *regexp.Regexp
}

// importAttempts imports each attempt's ID into the kind's resource, beside an enrolled factor
// of another kind (so that an attempt can name a factor of the wrong kind), then checks that
// the failed imports changed nothing. An import step works in a working directory of its own
// and never writes the test's state, so one check after all of them proves it for each, and
// the factors are enrolled once for all (issue 26).
func importAttempts(k passcodeKindCase, attempts ...importAttempt) func(*testing.T, *testEnv, string) []resource.TestStep {
	return func(t *testing.T, env *testEnv, userID string) []resource.TestStep {
		var otherImportID string
		other := k.other()
		otherAddr := other.typeName + ".other"
		cfg := k.config(env, userID, "  skip_verification = true") + other.resource("other", userID, "  skip_verification = true")
		steps := []resource.TestStep{{Config: cfg, Check: captureAttr(otherAddr, "id", &otherImportID)}}
		for _, a := range attempts {
			steps = append(steps, resource.TestStep{
				Config:            cfg,
				ResourceName:      k.addr(),
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return a.id(userID, otherImportID), nil },
				ExpectError:       a.want,
			})
		}
		return append(steps, resource.TestStep{
			// The failed imports changed nothing: both factors still in state and on the server.
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
		})
	}
}

// TestAccPasscodeFactor_importPendingFactor (issue 16, item 6): the method of a pending
// factor is read from the service, never assumed from the resource type. A pending factor of
// the other kind is refused (it used to be imported with this kind's method, and later applies
// restarted the user's real enrollment of this kind); a pending factor of this kind is
// imported with the method and display name the service reports, so the configuration that
// matches it plans no change (a pending SMS factor was planned for replacement); and without
// a role that can read the user's devices, the import is refused with what to do.
func TestAccPasscodeFactor_importPendingFactor(t *testing.T) {
	t.Parallel()
	env := newEnvWithMFAOnlyClient(t)
	passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
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
		return []resource.TestStep{
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
				// The state also holds the kinds imported before this one (passcodeKindsTogether).
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					var imported []*terraform.InstanceState
					for _, s := range states {
						if s.Attributes["factor_id"] == ownID {
							imported = append(imported, s)
						}
					}
					if len(imported) != 1 {
						return fmt.Errorf("want one imported instance of factor %s, got %d of %d", ownID, len(imported), len(states))
					}
					a := imported[0].Attributes
					if a["factor_id"] != ownID || a["methods.#"] != "1" || a["methods.0"] != k.method || a["status"] != emulator.StatusInitiated ||
						a["display_name"] != k.displayName(t, env, userID) {
						return fmt.Errorf("imported pending factor: %v", a)
					}
					return nil
				},
			},
			{
				// The configuration that matches the imported pending factor plans no change
				// but, for SMS, the in-place update that records the real number (issue 31, item 4).
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(k.addr(), importedNumberAction(k))},
				},
				Check: resource.TestCheckResourceAttrPtr(k.addr(), "factor_id", &ownID),
			},
		}, nil
	})
}

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

// importedNumberAction is what a configuration matching an imported factor plans: nothing, or
// for an SMS factor the in-place update that records the number the service shows masked.
func importedNumberAction(k passcodeKindCase) plancheck.ResourceActionType {
	if k.typeName == smsCase.typeName {
		return plancheck.ResourceActionUpdate
	}
	return plancheck.ResourceActionNoop
}
