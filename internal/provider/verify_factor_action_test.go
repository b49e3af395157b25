package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// One verification per invocation, reported as progress; a wrong answer fails with the
// service's code, the lockout note, and not the answer.
func TestAccVerifyFactorAction_bypassCode(t *testing.T) {
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	env, userID := newEmulatorUser(t, "bypass codes are played by the emulator")
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

// TestAccVerifyFactorAction_secretNotInSavedPlan runs the documented example
// (examples/actions/idcsmfa_verify_factor/action.tf) through terraform with saved plans: the
// create with its action_trigger, then `plan -invoke=... -out`, each applied from the file.
// The TOTP secret must be in no saved plan file (neither its zip entries nor `terraform show
// -json`) and not in the state (issue 25, item 6): the example passes it through an ephemeral
// variable into write-only inputs.
func TestAccVerifyFactorAction_secretNotInSavedPlan(t *testing.T) {
	requireTFAcc(t)
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	env, userID := newEnvAndUser(t)
	cli := newCLIRun(t)
	if v := cliVersion(t, cli); v.LessThan(tfversion.Version1_14_0) {
		t.Skipf("actions need Terraform 1.14+, the CLI is %s", v)
	}
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "actions", "idcsmfa_verify_factor", "action.tf"))
	if err != nil {
		t.Fatal(err)
	}
	const documentedUser = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	if !strings.Contains(string(example), documentedUser) {
		t.Fatalf("the example no longer names user %s; update this test", documentedUser)
	}
	cli.writeConfig(strings.Replace(string(example), documentedUser, userID, 1) + env.providerConfig())
	secret := strings.ReplaceAll(testTOTPSecret, " ", "")
	vars := []string{"TF_VAR_totp_secret=" + secret}

	cli.mustRun(0, vars, "plan", "-input=false", "-no-color", "-out=create.plan")
	checkPlanFileClean(t, cli, "create.plan", secret)
	if out := cli.mustRun(0, vars, "apply", "-input=false", "-no-color", "create.plan"); !strings.Contains(out, "Verified: TOTP factor") {
		t.Errorf("the action triggered by the create did not verify the factor:\n%s", lastBytes(out, 3000))
	}
	cli.mustRun(0, vars, "plan", "-input=false", "-no-color", "-invoke=action.idcsmfa_verify_factor.ci", "-out=invoke.plan")
	checkPlanFileClean(t, cli, "invoke.plan", secret)
	if out := cli.mustRun(0, vars, "apply", "-input=false", "-no-color", "invoke.plan"); !strings.Contains(out, "Verified: TOTP factor") {
		t.Errorf("the invoked action did not verify the factor:\n%s", lastBytes(out, 3000))
	}
	state, err := os.ReadFile(filepath.Join(cli.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(state), secret) {
		t.Error("the TOTP secret is in the state")
	}
	cli.mustRun(0, vars, "destroy", "-auto-approve", "-input=false", "-no-color")
	// Each verification waited for a fresh TOTP time step by moving the emulator's clock
	// (the provider binary's emulator clock tag), not the wall clock.
	if env.Emulator != nil && env.Emulator.ClockAhead() <= 0 {
		t.Error("the emulator's clock did not move: the verifications waited for the wall clock")
	}
}

// checkPlanFileClean fails when secret is in the saved plan file name: in any of its zip
// entries, decompressed, or in `terraform show -json` of it.
func checkPlanFileClean(t *testing.T, cli *cliRun, name, secret string) {
	t.Helper()
	zr, err := zip.OpenReader(filepath.Join(cli.dir, name))
	if err != nil {
		t.Fatalf("reading the saved plan %s: %s", name, err)
	}
	defer func() { _ = zr.Close() }()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("the saved plan %s holds the TOTP secret in clear (entry %s)", name, f.Name)
		}
	}
	if out := cli.mustRun(0, nil, "show", "-json", name); strings.Contains(out, secret) {
		t.Errorf("terraform show -json %s prints the TOTP secret", name)
	}
}
