package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// List resources need `terraform query`: Terraform 1.14+. OpenTofu has no list resources
// (as of 1.12), whatever its version number says.
var listResourceChecks = []tfversion.TerraformVersionCheck{openTofuLacks{"list resources (terraform query)"},
	tfversion.SkipBelow(tfversion.Version1_14_0)}

// listFixture is two users whose names share a prefix, with factors enrolled outside
// Terraform: the first an SMS and an email factor, the second an SMS and a TOTP factor.
type listFixture struct {
	prefix           string
	names, ids       [2]string
	sms, email, totp [2]string // factor ids by user ("" where none)
	smsMasked        [2]string
}

func newListFixture(t *testing.T, env *testEnv) *listFixture {
	env.requireEmulator(t, "enrolling factors outside Terraform")
	f := &listFixture{prefix: "tf-list-" + randomSuffix(t)}
	for i, number := range []string{"7700900111", "7700900222"} {
		f.names[i] = fmt.Sprintf("%s-%d", f.prefix, i)
		u, err := env.Emulator.AddUser(emulator.User{UserName: f.names[i], Email: f.names[i] + "@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		f.ids[i] = u.ID
		f.sms[i] = enrollDirect(t, env, u.ID, smsReq(number, true))
		f.smsMasked[i] = "+44XXXXXXX" + number[len(number)-3:]
	}
	f.email[0] = enrollDirect(t, env, f.ids[0], emailSkip())
	f.totp[1] = enrollTOTP(t, env, f.ids[1], testTOTPSecret)
	return f
}

// query is the .tfquery.hcl of the fixture (the provider block is in the .tf beside it): one
// user's SMS factors by id, the email factors by user name, and the SMS and TOTP factors of
// both users by a SCIM filter, with resources.
func (f *listFixture) query() string {
	return fmt.Sprintf(`
list "idcsmfa_sms_factor" "by_id" {
  provider = idcsmfa
  config {
    user_id = %[1]q
  }
}

list "idcsmfa_email_factor" "by_name" {
  provider = idcsmfa
  config {
    user_name = %[2]q
  }
}

list "idcsmfa_sms_factor" "by_filter" {
  provider         = idcsmfa
  include_resource = true
  config {
    filter = "userName sw \"%[3]s\""
  }
}

list "idcsmfa_totp_factor" "by_filter" {
  provider         = idcsmfa
  include_resource = true
  config {
    filter = "userName sw \"%[3]s\""
  }
}
`, f.ids[0], f.names[0], f.prefix)
}

func factorIdentityCheck(userID, factorID string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{attrUserID: knownvalue.StringExact(userID), attrFactorID: knownvalue.StringExact(factorID)}
}

// TestAccFactorList_query: each way of selecting users lists the factors of the kind, with
// identity and display name; results with resources carry what import records (for SMS the
// masked number beside country_code "") and nothing secret.
func TestAccFactorList_query(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	f := newListFixture(t, env)
	byFactor := func(userID, factorID string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(factorIdentityCheck(userID, factorID)) // the whole identity
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   listResourceChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.providerConfig()},
			{
				Query:  true,
				Config: f.query(),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("idcsmfa_sms_factor.by_id", 1),
					querycheck.ExpectIdentity("idcsmfa_sms_factor.by_id", factorIdentityCheck(f.ids[0], f.sms[0])),
					querycheck.ExpectLength("idcsmfa_email_factor.by_name", 1),
					querycheck.ExpectIdentity("idcsmfa_email_factor.by_name", factorIdentityCheck(f.ids[0], f.email[0])),
					querycheck.ExpectLength("idcsmfa_sms_factor.by_filter", 2),
					querycheck.ExpectIdentity("idcsmfa_sms_factor.by_filter", factorIdentityCheck(f.ids[0], f.sms[0])),
					querycheck.ExpectIdentity("idcsmfa_sms_factor.by_filter", factorIdentityCheck(f.ids[1], f.sms[1])),
					querycheck.ExpectResourceDisplayName("idcsmfa_sms_factor.by_filter", byFactor(f.ids[1], f.sms[1]),
						knownvalue.StringExact("SMS factor "+f.smsMasked[1]+" of "+f.names[1])),
					querycheck.ExpectResourceKnownValues("idcsmfa_sms_factor.by_filter", byFactor(f.ids[1], f.sms[1]), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New(attrMobileNumber), KnownValue: knownvalue.StringExact(f.smsMasked[1])},
						{Path: tfjsonpath.New(attrCountryCode), KnownValue: knownvalue.StringExact("")},
						{Path: tfjsonpath.New(attrStatus), KnownValue: knownvalue.StringExact("ENROLLED")},
						{Path: tfjsonpath.New(attrSkipVerification), KnownValue: knownvalue.Bool(false)},
						{Path: tfjsonpath.New(attrOTPCodeWO), KnownValue: knownvalue.Null()},
					}),
					querycheck.ExpectLength("idcsmfa_totp_factor.by_filter", 1),
					querycheck.ExpectIdentity("idcsmfa_totp_factor.by_filter", factorIdentityCheck(f.ids[1], f.totp[1])),
					querycheck.ExpectResourceKnownValues("idcsmfa_totp_factor.by_filter", byFactor(f.ids[1], f.totp[1]), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New(attrSharedSecretWO), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New(attrPeriod), KnownValue: knownvalue.Int64Exact(30)},
					}),
				},
			},
		},
	})
}

// TestAccFactorList_generateConfig: `terraform query -generate-config-out` writes import
// blocks (by identity) and resource blocks that import and then plan no change, for SMS
// (masked number), email and TOTP factors of every user a filter selects.
func TestAccFactorList_generateConfig(t *testing.T) {
	requireTFAcc(t)
	if usingOpenTofu() {
		t.Skip("OpenTofu has no list resources (terraform query)")
	}
	t.Parallel()
	env := newTestEnv(t)
	f := newListFixture(t, env)
	cli := newCLIRun(t)
	if v := cliVersion(t, cli); v.LessThan(tfversion.Version1_14_0) {
		t.Skipf("terraform query needs Terraform 1.14+, the CLI is %s", v)
	}
	cli.writeProviderConfig(env.providerConfig())
	var query string
	for _, kind := range []string{"sms", "email", "totp"} {
		query += fmt.Sprintf("\nlist \"idcsmfa_%[1]s_factor\" \"all\" {\n  provider = idcsmfa\n  config {\n    filter = \"userName sw \\\"%[2]s\\\"\"\n  }\n}\n", kind, f.prefix)
	}
	if err := os.WriteFile(filepath.Join(cli.dir, "factors.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.mustRun(0, nil, "init", "-input=false", "-no-color")
	out := cli.mustRun(0, nil, "query", "-no-color", "-generate-config-out=generated.tf")
	raw, err := os.ReadFile(filepath.Join(cli.dir, "generated.tf"))
	if err != nil {
		t.Fatalf("no generated configuration: %s\n%s", err, lastBytes(out, 3000))
	}
	gen := string(raw)
	for _, id := range []string{f.sms[0], f.sms[1], f.email[0], f.totp[1]} {
		if !regexp.MustCompile(`(?s)import\s*\{.*identity\s*=\s*\{.*` + id).MatchString(gen) {
			t.Errorf("no import block with the identity of factor %s in:\n%s", id, gen)
		}
	}
	if !strings.Contains(gen, f.smsMasked[1]) {
		t.Errorf("the generated configuration lacks the masked number %s:\n%s", f.smsMasked[1], gen)
	}
	cli.mustRun(0, nil, "apply", "-input=false", "-no-color", "-auto-approve")
	if out := cli.mustRun(0, nil, "plan", "-input=false", "-no-color", "-detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Errorf("the plan after importing the generated configuration is not empty:\n%s", lastBytes(out, 3000))
	}
}

// cliVersion is the version of the CLI a cliRun runs.
func cliVersion(t *testing.T, cli *cliRun) *version.Version {
	t.Helper()
	out := cli.mustRun(0, nil, "version", "-json")
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &v); err != nil {
		t.Fatalf("terraform version -json: %s\n%s", err, out)
	}
	return version.Must(version.NewVersion(v.Version))
}
