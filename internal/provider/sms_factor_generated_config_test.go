package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAccSMSFactor_generatedConfig (issue 16 item 7): `terraform plan -generate-config-out`
// for an imported enrolled SMS factor writes configuration that validates, imports, and then
// plans no change: country_code = "" beside the masked number the service shows. The same
// masked number in a block that would enroll a factor fails the plan with one error that
// says what the mask means and what to write in.
func TestAccSMSFactor_generatedConfig(t *testing.T) {
	requireTFAcc(t)
	t.Parallel()
	env, userID := newEmulatorUser(t, "enrolling a factor outside Terraform")
	factorID := enrollDirect(t, env, userID, smsReq("7700900654", true))
	cli := newCLIRun(t)
	importBlock := "\nimport {\n  to = idcsmfa_sms_factor.imported\n  id = \"" + userID + "/" + factorID + "\"\n}\n"
	cli.writeProviderConfig(env.providerConfig() + importBlock)

	cli.mustRun(0, nil, "plan", "-input=false", "-no-color", "-generate-config-out=gen.tf")
	raw, err := os.ReadFile(filepath.Join(cli.dir, "gen.tf"))
	if err != nil {
		t.Fatal(err)
	}
	gen := string(raw)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`country_code\s*=\s*""`),
		regexp.MustCompile(`mobile_number\s*=\s*"\+44XXXXXXX654"`),
		regexp.MustCompile(`user_id\s*=\s*"` + userID + `"`),
	} {
		if !want.MatchString(gen) {
			t.Errorf("generated configuration lacks %s:\n%s", want, gen)
		}
	}

	cli.mustRun(0, nil, "apply", "-input=false", "-no-color", "-auto-approve")
	if out := cli.mustRun(0, nil, "plan", "-input=false", "-no-color", "-detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Errorf("the plan after importing with the generated configuration is not empty:\n%s", lastBytes(out, 3000))
	}

	// The same block for a factor Terraform would enroll: one clear error, at plan time.
	if err := os.WriteFile(filepath.Join(cli.dir, "gen.tf"), []byte(gen+strings.Replace(gen, `"imported"`, `"new"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := cli.run(nil, "plan", "-input=false", "-no-color")
	if code == 0 || !diagRE("A masked number cannot enroll a factor", `"+44XXXXXXX654"`, `leading digits "+44"`,
		`last digits "654"`, "write it in").MatchString(out) {
		t.Errorf("a masked number for a new factor: exit %d, want the masked-number error; output:\n%s", code, lastBytes(out, 3000))
	}
	if n := strings.Count(out, "Error:"); n != 1 {
		t.Errorf("want one error, got %d:\n%s", n, lastBytes(out, 3000))
	}
	if err := checkEmulatorFactor(env, userID, &factorID, "ENROLLED")(nil); err != nil {
		t.Error(err)
	}
}
