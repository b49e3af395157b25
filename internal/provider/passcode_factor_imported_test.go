package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
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
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		env := newTestEnv(t)
		env.requireEmulator(t, "reads passcodes from the outbox")
		userID := env.newUser(t)
		req := k.enrollRequest
		req.SkipVerification = false
		factorID := enrollDirect(t, env, userID, req)
		cfg := k.config(env, userID, otpFromVariables)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			TerraformVersionChecks:   skipBelow1_11,
			CheckDestroy:             env.checkDestroy(k.typeName),
			Steps: []resource.TestStep{
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
					// The plan right after the apply refreshes the state the apply wrote.
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPreRefresh: []plancheck.PlanCheck{expectNoDrift{}, plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckResourceAttr(k.addr(), "status", "ENROLLED"),
						resource.TestCheckResourceAttr(k.addr(), "display_name", k.displayName(t, env, userID)),
					),
				},
				{
					Config:          cfg,
					ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{expectNoDrift{}, plancheck.ExpectEmptyPlan()},
					},
				},
			},
		})
	})
}
