package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccSMSFactor_importedThenRealNumberRecorded (issue 31, item 4): after an import, the
// state holds the masked number and an empty country code, the only things the service shows.
// Writing the real number in (consistent with the mask) records it with an in-place update that
// sends nothing, and the next plan is empty; a number the mask rules out still replaces.
func TestAccSMSFactor_importedThenRealNumberRecorded(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	factorID := enrollDirect(t, env, userID, smsReq("7700900789", true))
	config := func(country, number string) string { return testAccSMSFactorConfig(env, userID, country, number, "") }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelow1_11,
		CheckDestroy:             env.checkDestroy(smsCase.typeName),
		Steps: []resource.TestStep{
			{
				Config:             config("", "+44XXXXXXX789"),
				ResourceName:       smsAddr,
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return userID + "/" + factorID, nil },
			},
			{
				Config: config("+44", "7700900789"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(smsAddr, "country_code", "+44"),
					resource.TestCheckResourceAttr(smsAddr, "mobile_number", "7700900789"),
					resource.TestCheckResourceAttr(smsAddr, "factor_id", factorID),
					resource.TestCheckResourceAttr(smsAddr, "status", "ENROLLED"),
				),
				// Its post-apply plans (without and with refresh) must be empty.
			},
			{
				// Recorded: another number now replaces the factor, as for any factor.
				Config:             config("+44", "7700900111"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
