package provider

// The API chosen once (issue 24, item 3): in self-service mode every object either works on
// the signed-in user's own factors or is refused at plan time, saying it needs administrator
// credentials, before any request of the administrator's API; no hint advises a setting
// already in effect.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// checkNoAdminRequests fails when a request of the administrator's API (/mfa/v1, SCIM
// Users) reached the emulator: the self-service mode must not try it and fail.
func checkNoAdminRequests(u *selfServiceUser) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for k, n := range u.env.Emulator.Stats().Requests {
			if n > 0 && (strings.Contains(k, " /mfa/v1/") || strings.Contains(k, " /admin/v1/Users")) {
				return fmt.Errorf("self-service mode sent %d requests %s, of the administrator's API", n, k)
			}
		}
		return nil
	}
}

// adminOnlyRefusal is the plan-time refusal of an administrator-only object, why being
// fragments of its reason, in order.
func adminOnlyRefusal(objectType string, why ...string) []string {
	return append(append([]string{objectType + " needs administrator credentials", "self-service mode"}, why...), `alias = "admin"`)
}

// TestAccSelfService_actionsRefusedAtPlan: both actions are refused when planned in
// self-service mode: the verification needs /mfa/v1, and the resend's re-enrollment would
// create a second device through the self-service enroller (the resource's
// otp_resend_version is the self-service resend). Nothing is sent.
func TestAccSelfService_actionsRefusedAtPlan(t *testing.T) {
	skipOnOpenTofu(t, "actions")
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	factorID := enrollDirect(t, u.env, u.id, client.EnrollRequest{Method: client.MethodEmail})
	verify := fmt.Sprintf(`
action "idcsmfa_verify_factor" "bypass" {
  config {
    user_id     = %q
    factor_id   = "BypassCode"
    method      = "BYPASSCODE"
    bypass_code = "12345678"
  }
}
`, u.id)
	resend := fmt.Sprintf(`
action "idcsmfa_resend_passcode" "again" {
  config {
    user_id   = %q
    factor_id = %q
  }
}
`, u.id, factorID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowActions,
		Steps: []resource.TestStep{
			{
				PreConfig:   u.env.Emulator.ResetStats,
				Config:      u.provider() + verify + triggeredBy("idcsmfa_verify_factor.bypass", 1),
				ExpectError: diagRE(adminOnlyRefusal("idcsmfa_verify_factor", "POST /mfa/v1/requests")...),
			},
			{
				Config:      u.provider() + resend + triggeredBy("idcsmfa_resend_passcode.again", 1),
				ExpectError: diagRE(adminOnlyRefusal("idcsmfa_resend_passcode", "otp_resend_version")...),
			},
		},
	})
	runCheck(t, checkNoAdminRequests(u))
	if n := len(u.env.Emulator.Factors(u.id)); n != 1 {
		t.Errorf("the user has %d factors after the refused resend, want the 1 enrolled before", n)
	}
}

// TestAccSelfService_listOwnFactors: in self-service mode `terraform query` lists the signed-in
// user's own factors from /admin/v1/MyDevices, by user_name and by user_id (today: 401 from
// /mfa/v1 and a hint to set self_service = true, which is set); a filter, which needs SCIM
// Users, is refused saying so.
func TestAccSelfService_listOwnFactors(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	smsID := enrollDirect(t, u.env, u.id, smsReq("7700900444", true))
	emailID := enrollDirect(t, u.env, u.id, emailSkip())
	query := fmt.Sprintf(`
list "idcsmfa_sms_factor" "mine" {
  provider = idcsmfa
  config {
    user_name = %q
  }
}

list "idcsmfa_email_factor" "mine" {
  provider         = idcsmfa
  include_resource = true
  config {
    user_id = %q
  }
}
`, u.name, u.id)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   listResourceChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: u.provider(), PreConfig: u.env.Emulator.ResetStats},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("idcsmfa_sms_factor.mine", 1),
					querycheck.ExpectIdentity("idcsmfa_sms_factor.mine", factorIdentityCheck(u.id, smsID)),
					querycheck.ExpectLength("idcsmfa_email_factor.mine", 1),
					querycheck.ExpectIdentity("idcsmfa_email_factor.mine", factorIdentityCheck(u.id, emailID)),
					querycheck.ExpectResourceDisplayName("idcsmfa_sms_factor.mine",
						queryfilter.ByResourceIdentity(factorIdentityCheck(u.id, smsID)),
						knownvalue.StringExact("SMS factor +44XXXXXXX444 of "+u.name)),
				},
			},
			{
				Query: true,
				Config: fmt.Sprintf("list \"idcsmfa_totp_factor\" \"all\" {\n  provider = idcsmfa\n  config {\n    filter = \"userName eq \\\"%s\\\"\"\n  }\n}\n",
					u.name),
				ExpectError: diagRE(adminOnlyRefusal("idcsmfa_totp_factor (list)", "user_name")...),
			},
		},
	})
	runCheck(t, checkNoAdminRequests(u))
	if n := u.env.Emulator.Stats().Requests["GET /admin/v1/MyDevices"]; n == 0 {
		t.Errorf("the self-service listing did not read /admin/v1/MyDevices: %v", u.env.Emulator.Stats().Requests)
	}
}

// TestAccSelfService_queryThroughCLI: `terraform query` in self-service mode with the user's
// credentials in the environment prints the user's factor and no hint to set self_service.
func TestAccSelfService_queryThroughCLI(t *testing.T) {
	requireTFAcc(t)
	if usingOpenTofu() {
		t.Skip("OpenTofu has no list resources (terraform query)")
	}
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	emailID := enrollDirect(t, u.env, u.id, emailSkip())
	cli := newCLIRun(t, "IDCS_HOST="+u.host, "IDCS_CLIENT_ID="+emulator.DefaultSelfServiceClientID, "IDCS_CLIENT_SECRET="+emulator.DefaultSelfServiceClientSecret,
		"IDCS_USERNAME="+u.name, "IDCS_PASSWORD="+selfServicePassword)
	if v := cliVersion(t, cli); v.LessThan(tfversion.Version1_14_0) {
		t.Skipf("terraform query needs Terraform 1.14+, the CLI is %s", v)
	}
	cli.writeProviderConfig("provider \"idcsmfa\" {}\n")
	q := fmt.Sprintf("list \"idcsmfa_email_factor\" \"mine\" {\n  provider = idcsmfa\n  config {\n    user_name = %q\n  }\n}\n", u.name)
	if err := os.WriteFile(filepath.Join(cli.dir, "mine.tfquery.hcl"), []byte(q), 0o600); err != nil {
		t.Fatal(err)
	}
	out := cli.mustRun(0, nil, "query", "-no-color")
	if !strings.Contains(out, emailID) {
		t.Errorf("terraform query did not list the user's email factor %s:\n%s", emailID, lastBytes(out, 3000))
	}
	// "Error:" and not "401": the run's temporary directory and the random IDs it prints may
	// hold those digits (a CI run failed on /tmp/TestAccSelfService_queryThroughCLI2401253571).
	if strings.Contains(out, "self_service = true") || strings.Contains(out, "Error:") {
		t.Errorf("terraform query in self-service mode failed or advised self_service = true:\n%s", lastBytes(out, 3000))
	}
}

// TestAccSelfService_wrongPasswordOneError: a wrong password is one error for the whole plan,
// naming the password grant and what to check, not a long error about client tokens and
// roles once per resource (issue 25, item 4d); the refused password is sent once.
func TestAccSelfService_wrongPasswordOneError(t *testing.T) {
	requireTFAcc(t)
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	cli := newCLIRun(t, "IDCS_CLIENT_ID="+emulator.DefaultSelfServiceClientID,
		"IDCS_CLIENT_SECRET="+emulator.DefaultSelfServiceClientSecret, "IDCS_PASSWORD=not-the-password")
	cfg := fmt.Sprintf("provider \"idcsmfa\" {\n  host     = %q\n  username = %q\n}\n", u.host, u.name)
	for i, number := range []string{"7700900501", "7700900502", "7700900503"} {
		cfg += fmt.Sprintf("\nresource \"idcsmfa_sms_factor\" \"f%d\" {\n  user_id       = %q\n  country_code  = \"+44\"\n  mobile_number = %q\n}\n", i, u.id, number)
	}
	cfg += fmt.Sprintf("\nresource \"idcsmfa_email_factor\" \"e\" {\n  user_id = %q\n}\n", u.id)
	cli.writeProviderConfig(cfg)
	u.env.Emulator.ResetStats()
	out := cli.mustRun(1, nil, "plan", "-input=false", "-no-color")
	if n := strings.Count(out, "Error: "); n != 1 {
		t.Errorf("the plan printed %d errors for one wrong password, want 1:\n%s", n, lastBytes(out, 6000))
	}
	if !diagRE("refused the provider's credentials", "password grant", "Check username and password", "IDCS_PASSWORD").MatchString(out) {
		t.Errorf("the error does not name the password grant and what to check:\n%s", lastBytes(out, 3000))
	}
	for _, wrong := range []string{"MFA Client", "client credentials grant", "needs a token issued to a user", "remove self_service"} {
		if strings.Contains(out, wrong) {
			t.Errorf("the error speaks of %q, which is not about a wrong password:\n%s", wrong, lastBytes(out, 3000))
		}
	}
	if n := u.env.Emulator.Stats().TokenRequests; n != 1 {
		t.Errorf("%d token requests for one plan, want 1: the refused password was sent again", n)
	}
}

// TestAccSelfService_clientFromEnvironment: username and password in the provider block, the
// Me-role application's credentials in IDCS_CLIENT_ID / IDCS_CLIENT_SECRET (issue 25, item
// 4b): the common setup works through terraform (it used to fail with "Missing client
// credentials for the password grant", naming the very variables it ignored). Not parallel:
// it sets the process environment the in-process provider reads.
func TestAccSelfService_clientFromEnvironment(t *testing.T) {
	u := newSelfServiceUser(t, nil)
	t.Setenv(envClientID, emulator.DefaultSelfServiceClientID)
	t.Setenv(envClientSecret, emulator.DefaultSelfServiceClientSecret)
	t.Setenv(envAccessToken, "")
	cfg := fmt.Sprintf("provider \"idcsmfa\" {\n  host     = %q\n  username = %q\n  password = %q\n}\n", u.host, u.name,
		selfServicePassword) + fmt.Sprintf("\ndata \"idcsmfa_user_factors\" \"me\" {\n  user_name = %q\n}\n", u.name)
	ssTest(t, u, nil, resource.TestStep{
		Config: cfg,
		Check:  resource.TestCheckResourceAttr("data.idcsmfa_user_factors.me", "user_id", u.id),
	})
}
