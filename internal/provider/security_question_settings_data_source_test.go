package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The data source names the role that reads the rules when the application lacks it.
func TestAccSecurityQuestionSettings_withoutRole(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "the emulator's default application, which lacks Security Administrator")
	t.Parallel()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelow1_11,
		Steps: []resource.TestStep{{
			Config:      env.providerConfig() + "\ndata \"idcsmfa_security_question_settings\" \"d\" {}\n",
			ExpectError: diagRE("Could not read the domain's security question settings", "HTTP 403", "Security Administrator app role"),
		}},
	})
}
