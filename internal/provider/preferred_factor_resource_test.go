package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

const preferredAddr = "idcsmfa_preferred_factor.test"

// testAccPreferredConfig enrolls an SMS and an email factor in one step and makes one of
// them (preferred = "sms" or "email") the preferred factor, with extra attributes.
func testAccPreferredConfig(env *testEnv, userID, preferred, extra string) string {
	return env.providerConfig() + smsCase.resource("sms", userID, "  skip_verification = true") +
		emailCase.resource("email", userID, "  skip_verification = true") + fmt.Sprintf(`
resource "idcsmfa_preferred_factor" "test" {
  user_id   = %[1]q
  factor_id = idcsmfa_%[2]s_factor.%[2]s.factor_id
%[3]s
}
`, userID, preferred, extra)
}

// checkServerPreferred asks the service which factor and method the user prefers.
func checkServerPreferred(env *testEnv, userID string, factorID *string, method string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		list, err := env.Client.ListFactors(context.Background(), userID)
		if err != nil {
			return err
		}
		if list.PreferredFactorID != *factorID || list.PreferredMethod != method {
			return fmt.Errorf("the service prefers %s/%s, want %s/%s", list.PreferredFactorID, list.PreferredMethod, *factorID, method)
		}
		return nil
	}
}

func TestAccPreferredFactor_setDriftImportDestroy(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	var smsID, emailID string

	accTest(t, nil,
		resource.TestStep{
			// The method is derived from the factor.
			Config: testAccPreferredConfig(env, userID, "sms", ""),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(preferredAddr, "method", "SMS"),
				resource.TestCheckResourceAttr(preferredAddr, "id", userID),
				captureAttr("idcsmfa_sms_factor.sms", "factor_id", &smsID),
				captureAttr("idcsmfa_email_factor.email", "factor_id", &emailID),
				checkServerPreferred(env, userID, &smsID, "SMS"),
			),
			// Survives a refresh: nothing to do.
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
		resource.TestStep{
			// Changed outside Terraform: the plan shows it and the apply sets it back.
			PreConfig: func() {
				if err := env.Client.SetPreferredFactor(context.Background(), userID, emailID, client.MethodEmail); err != nil {
					t.Fatal(err)
				}
			},
			Config: testAccPreferredConfig(env, userID, "sms", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(preferredAddr, plancheck.ResourceActionUpdate)},
			},
			Check: checkServerPreferred(env, userID, &smsID, "SMS"),
		},
		resource.TestStep{
			// Another factor, with its method written out.
			Config: testAccPreferredConfig(env, userID, "email", `  method = "EMAIL"`),
			Check:  checkServerPreferred(env, userID, &emailID, "EMAIL"),
		},
		resource.TestStep{
			ResourceName:      preferredAddr,
			ImportState:       true,
			ImportStateId:     userID,
			ImportStateVerify: true,
		},
		resource.TestStep{
			// Destroying the preference leaves it on the service (there is no "unset").
			Config:  testAccPreferredConfig(env, userID, "email", `  method = "EMAIL"`) + "\n",
			Destroy: true,
		},
	)
}

func TestAccPreferredFactor_refusesWhatCannotBePreferred(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)

	pending := env.providerConfig() + fmt.Sprintf(`
resource "idcsmfa_email_factor" "email" {
  user_id = %[1]q
}

resource "idcsmfa_preferred_factor" "test" {
  user_id   = %[1]q
  factor_id = idcsmfa_email_factor.email.factor_id
}
`, userID)
	literal := func(factorID string) string {
		return env.providerConfig() + fmt.Sprintf(`
resource "idcsmfa_preferred_factor" "test" {
  user_id   = %q
  factor_id = %q
}
`, userID, factorID)
	}

	accTest(t, nil,
		resource.TestStep{Config: literal("not-a-factor"), PlanOnly: true, ExpectError: diagRE("Invalid factor id", "32 hexadecimal characters")},
		resource.TestStep{Config: literal("BypassCode"), PlanOnly: true, ExpectError: diagRE("A bypass code cannot be preferred")},
		resource.TestStep{Config: literal("0123456789abcdef0123456789abcdef"), ExpectError: diagRE("Cannot prefer factor", "has no factor", "AUTH-1014")},
		resource.TestStep{
			Config:      testAccPreferredConfig(env, userID, "sms", `  method = "TOTP"`),
			ExpectError: diagRE("Method not provided by the factor", "provides the methods SMS, not TOTP"),
		},
		resource.TestStep{Config: pending, ExpectError: regexp.MustCompile(`(?s)still\s+ENROLLMENT_INITIATED.*Activate\s+it\s+first`)},
	)
}
