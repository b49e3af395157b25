package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// One verification per invocation, reported as progress; a wrong answer fails with the
// service's code, the lockout note, and not the answer.
func TestAccVerifyFactorAction_bypassCode(t *testing.T) {
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "bypass codes are played by the emulator")
	userID := env.newUser(t)
	good, err := env.Emulator.AddBypassCode(userID)
	if err != nil {
		t.Fatal(err)
	}
	wrong := wrongCode(good)
	cfg := env.providerConfig() + fmt.Sprintf(`
variable "bypass_code" {
  type      = string
  sensitive = true
}

action "idcsmfa_verify_factor" "bypass" {
  config {
    user_id     = %q
    factor_id   = "BypassCode"
    method      = "BYPASSCODE"
    bypass_code = var.bypass_code
  }
}
`, userID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowActions,
		Steps: []resource.TestStep{
			{
				Config:          cfg + "action \"idcsmfa_verify_factor\" \"nothing\" {\n  config {\n    method = \"TOTP\"\n  }\n}\n",
				ConfigVariables: config.Variables{"bypass_code": config.StringVariable(good)},
				PlanOnly:        true,
				ExpectError:     diagRE("Missing answer for TOTP", "totp_secret"),
			},
			{
				Config:          cfg + triggeredBy("idcsmfa_verify_factor.bypass", 1),
				ConfigVariables: config.Variables{"bypass_code": config.StringVariable(wrong)},
				ExpectError:     diagRE("Factor verification failed for "+userID, "AUTH-1105", "locking the user"),
			},
			{
				Config:          cfg + triggeredBy("idcsmfa_verify_factor.bypass", 2),
				ConfigVariables: config.Variables{"bypass_code": config.StringVariable(good)},
				Check: func(*terraform.State) error {
					// Used up by the one verification the action ran.
					if _, err := env.Client.Verify(t.Context(), client.VerifyRequest{UserID: userID, FactorID: "BypassCode",
						Method: client.MethodBypassCode, BypassCode: good}); err == nil {
						return fmt.Errorf("the bypass code still verifies: the action did not use it")
					}
					return nil
				},
			},
		},
	})
}

// The action's schema is the ephemeral resource's inputs: every one converts, none keeps a
// sentence about the ephemeral resource's results or openings.
func TestVerifyFactorActionSchema(t *testing.T) {
	var resp action.SchemaResponse
	(&VerifyFactorAction{}).Schema(context.Background(), action.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema diagnostics: %v", resp.Diagnostics)
	}
	if len(resp.Schema.Attributes) != len(verifyFactorInputs) {
		t.Fatalf("%d attributes, want %d", len(resp.Schema.Attributes), len(verifyFactorInputs))
	}
	for name, a := range resp.Schema.Attributes {
		d := a.GetMarkdownDescription()
		if d == "" || strings.Contains(strings.ToLower(d), "after opening") || strings.Contains(d, "opens an ephemeral") ||
			strings.Contains(strings.ReplaceAll(d, "...", ""), "..") {
			t.Errorf("%s: description not fit for the action: %q", name, d)
		}
		if a.IsRequired() || !a.IsOptional() {
			t.Errorf("%s: every input of the action is optional, as in the ephemeral resource", name)
		}
	}
}
