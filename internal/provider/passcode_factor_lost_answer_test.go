package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// TestAccPasscodeFactor_lostAnswerNeverAdoptsAnotherFactor (issue 25, item 1): with
// skip_verification = true, the answer to the enrollment is lost while the user already has an
// enrolled factor of this device that another workspace manages. The create used to report
// "Creation complete" with the other factor's id (its destroy then deleted the other
// workspace's factor). The client now knows which factors existed before the request and
// never takes one as its result: the create fails as it does without the loss (already
// enrolled, with the import block), and the other factor is left alone.
func TestAccPasscodeFactor_lostAnswerNeverAdoptsAnotherFactor(t *testing.T) {
	passcodeScenario(t, "dropping answers", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		var other string
		skip := "  skip_verification = true\n"
		return []resource.TestStep{
			{
				PreConfig: func() {
					other = enrollDirect(t, env, userID, k.enrollRequest)
					dropNext(env, keyEnroll)()
				},
				Config: k.config(env, userID, skip),
				ExpectError: diagRE("Could not enroll the "+k.label+" factor of user "+userID, k.alreadyEnrolled,
					"import {", "to = "+k.typeName+".<name>"),
			},
			{
				PreConfig: func() {
					if n := env.Emulator.CurrentFaults().DropNext[keyEnroll]; n != 0 {
						t.Errorf("the enrollment's answer was not dropped (%d drops left): the test tested nothing", n)
					}
					if fs := env.emulatorFactors(userID); len(fs) != 1 || fs[0].ID != other {
						t.Errorf("want only the factor enrolled outside Terraform (%s), got %+v", other, fs)
					}
				},
				// The import block of the error adopts the other factor, on purpose this time.
				Config: k.config(env, userID, skip) + `
variable "import_id" { type = string }
import {
  to = ` + k.addr() + `
  id = var.import_id
}
`,
				ConfigVariables:   config.Variables{"import_id": lazyVariable(func() string { return userID + "/" + other })},
				ConfigStateChecks: []statecheck.StateCheck{stateIs(k.addr(), "status", knownvalue.StringExact("ENROLLED"))},
			},
		}
	})
}
