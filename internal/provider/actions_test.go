package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// skipBelowActions skips a test of actions on a Terraform older than 1.14, which has none.
var skipBelowActions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// triggeredBy is a terraform_data resource whose creation (and each change of input)
// invokes the action: the way plugin-testing runs actions.
func triggeredBy(action string, input int) string {
	return fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %d
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.%s]
    }
  }
}
`, input, action)
}

// checkOTPChanged checks that the factor's latest passcode is not *before, and records it.
func checkOTPChanged(env *testEnv, userID string, factorID, before *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		code, ok := env.Emulator.LastOTP(userID, *factorID)
		if !ok || code == *before {
			return fmt.Errorf("factor %s has no new passcode (had %q, now %q)", *factorID, *before, code)
		}
		*before = code
		return nil
	}
}

// requireActionsCLI skips a test that drives the CLI itself (no plugin-testing version
// checks) when the CLI has no actions: OpenTofu, or Terraform before 1.14.
func requireActionsCLI(t *testing.T) {
	t.Helper()
	skipOnOpenTofu(t, "actions")
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		t.Fatalf("running %s version: %s", bin, err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("reading %s version -json: %s", bin, err)
	}
	if got, err := version.NewVersion(v.TerraformVersion); err != nil || got.LessThan(tfversion.Version1_14_0) {
		t.Skipf("Terraform %s has no actions (1.14+)", v.TerraformVersion)
	}
}

// Both actions invoked on their own, as a user would: terraform apply -invoke=action.<type>.<name>.
// The outcome is in the progress messages; no secret is printed.
func TestAccActions_invokeFromCLI(t *testing.T) {
	requireActionsCLI(t)
	t.Parallel()
	env, userID := newEmulatorUser(t, "reads passcodes from the outbox")
	factorID := enrollDirect(t, env, userID, client.EnrollRequest{Method: client.MethodEmail})
	first := env.otp(t, userID, factorID)
	bypass, err := env.Emulator.AddBypassCode(userID)
	if err != nil {
		t.Fatal(err)
	}
	cli := newCLIRun(t)
	cli.writeProviderConfig(env.providerConfig() + fmt.Sprintf(`
variable "bypass_code" {
  type      = string
  sensitive = true
}

action "idcsmfa_resend_passcode" "again" {
  config {
    user_id   = %[1]q
    factor_id = %[2]q
  }
}

action "idcsmfa_verify_factor" "bypass" {
  config {
    user_id     = %[1]q
    factor_id   = "BypassCode"
    method      = "BYPASSCODE"
    bypass_code = var.bypass_code
  }
}
`, userID, factorID))
	vars := []string{"TF_VAR_bypass_code=" + bypass}
	out := cli.mustRun(0, vars, "apply", "-invoke=action.idcsmfa_resend_passcode.again", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "A new passcode was sent to") {
		t.Errorf("the resend printed no progress message:\n%s", out)
	}
	if second := env.otp(t, userID, factorID); second == first || len(env.Emulator.Messages(userID)) != 2 {
		t.Errorf("no new passcode was sent (first %q, latest %q, %d messages)", first, second, len(env.Emulator.Messages(userID)))
	}
	out = cli.mustRun(0, vars, "apply", "-invoke=action.idcsmfa_verify_factor.bypass", "-auto-approve", "-input=false", "-no-color")
	if !regexp.MustCompile(`bypass_code\s+= \(write-only attribute\)`).MatchString(out) {
		t.Errorf("the plan does not hide the bypass code, a write-only input:\n%s", out)
	}
	if !strings.Contains(out, "Verified: BYPASSCODE factor BypassCode") {
		t.Errorf("the verification printed no outcome:\n%s", out)
	}
	out = cli.mustRun(1, vars, "apply", "-invoke=action.idcsmfa_verify_factor.bypass", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "Factor verification failed for "+userID) {
		t.Errorf("a used-up bypass code did not fail the invocation:\n%s", out)
	}
	for _, secret := range append(env.secrets.values(), bypass, first, env.otp(t, userID, factorID)) {
		if strings.Contains(cli.output.String(), secret) {
			t.Errorf("the CLI printed a secret (%d characters)", len(secret))
		}
	}
}
