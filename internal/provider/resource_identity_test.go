package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Resource identity (Terraform and OpenTofu 1.12+): every managed resource records its ids as
// its identity on create, on every refresh and on import, and can be imported by identity.

// skipBelow1_12 skips a test on a CLI without resource identity (Terraform and OpenTofu
// before 1.12).
var skipBelow1_12 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// identityConfig has one of each managed resource: SMS, email and TOTP factors, an
// activation of the SMS factor, and the user's preferred factor.
func identityConfig(env *testEnv, userID string) string {
	return testAccTOTPConfig(env, userID, "") + identityOthers(userID)
}

// identityImportConfig is identityConfig as written for imported factors: the TOTP factor
// without its secret, which the service never shows.
func identityImportConfig(env *testEnv, userID string) string {
	return env.providerConfig() + fmt.Sprintf("\nresource \"idcsmfa_totp_factor\" \"test\" {\n  user_id = %q\n}\n", userID) +
		identityOthers(userID)
}

// identityOthers are identityConfig's resources beside the TOTP factor.
func identityOthers(userID string) string {
	return smsResource("test", userID, "+44", "7700900777", "  skip_verification = true") +
		emailResource("test", userID, "  skip_verification = true") + fmt.Sprintf(`
resource "idcsmfa_factor_activation" "test" {
  user_id   = %[1]q
  factor_id = idcsmfa_sms_factor.test.factor_id
}

resource "idcsmfa_preferred_factor" "test" {
  user_id   = %[1]q
  factor_id = idcsmfa_factor_activation.test.factor_id
}
`, userID)
}

// identityAddrs are identityConfig's resources whose identity is {user_id, factor_id}.
var identityAddrs = []string{"idcsmfa_sms_factor.test", "idcsmfa_email_factor.test", "idcsmfa_totp_factor.test",
	"idcsmfa_factor_activation.test"}

// expectIdentities checks each resource's identity against its own user_id and factor_id.
func expectIdentities() []statecheck.StateCheck {
	checks := make([]statecheck.StateCheck, 0, 2*len(identityAddrs)+1)
	for _, addr := range identityAddrs {
		checks = append(checks, statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New(attrUserID)),
			statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New(attrFactorID)))
	}
	return append(checks, statecheck.ExpectIdentityValueMatchesState("idcsmfa_preferred_factor.test", tfjsonpath.New(attrUserID)))
}

// TestAccResourceIdentity_everyResource: create, refresh (the unchanged shortcut of an enrolled
// factor) and import by identity of every managed resource, next to import by string id.
func TestAccResourceIdentity_everyResource(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	cfg := identityConfig(env, userID)
	vars := totpVars(testTOTPSecret, 1)
	steps := []resource.TestStep{{
		Config: cfg, ConfigVariables: vars,
		ConfigStateChecks: append(expectIdentities(),
			statecheck.ExpectIdentity("idcsmfa_preferred_factor.test", map[string]knownvalue.Check{
				attrUserID: knownvalue.StringExact(userID)}),
		),
	}}
	for _, addr := range append(identityAddrs, "idcsmfa_preferred_factor.test") {
		// The SMS factor's configuration holds its real number, which the import records in place
		// (the service shows only the masked one; issue 31, item 4); the others import unchanged.
		action, changes := plancheck.ResourceActionNoop, false
		if strings.HasPrefix(addr, "idcsmfa_sms_factor.") {
			action, changes = plancheck.ResourceActionUpdate, true
		}
		for _, kind := range []resource.ImportStateKind{resource.ImportBlockWithResourceIdentity, resource.ImportBlockWithID} {
			steps = append(steps, resource.TestStep{
				Config: identityImportConfig(env, userID), ResourceName: addr, ImportState: true, ImportStateKind: kind,
				ExpectNonEmptyPlan: changes,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, action)},
				},
			})
		}
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow1_12,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkDestroy("idcsmfa_sms_factor"),
		Steps:                    steps,
	})
}

// TestAccResourceIdentity_stateWithoutIdentity: a state written before identities (by a
// provider without them) gets every identity on the next refresh: on the shortcut that
// leaves an unchanged factor's state as it is, and on the path that removes a factor deleted
// outside Terraform (where a missing identity fails the refresh with "Missing Resource
// Identity After Read").
func TestAccResourceIdentity_stateWithoutIdentity(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "deleting a factor outside Terraform")
	cfg := identityConfig(env, userID)
	vars := totpVars(testTOTPSecret, 1)
	var emailID, smsID string
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: skipBelow1_12,
		CheckDestroy:           env.checkDestroy("idcsmfa_sms_factor"),
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: withoutIdentityFactories,
			Config:                   cfg, ConfigVariables: vars,
			Check: resource.ComposeTestCheckFunc(captureAttr("idcsmfa_email_factor.test", attrFactorID, &emailID),
				captureAttr("idcsmfa_sms_factor.test", attrFactorID, &smsID)),
		}, {
			// The email factor deleted outside Terraform: the refresh removes it and the apply
			// creates it again; the other resources are refreshed unchanged.
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			PreConfig: func() {
				if err := env.Emulator.RemoveFactor(userID, emailID); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg, ConfigVariables: vars,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("idcsmfa_email_factor.test", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("idcsmfa_sms_factor.test", plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction("idcsmfa_totp_factor.test", plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction("idcsmfa_factor_activation.test", plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction("idcsmfa_preferred_factor.test", plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: append(expectIdentities(),
				statecheck.ExpectIdentityValue("idcsmfa_sms_factor.test", tfjsonpath.New(attrFactorID),
					knownvalue.StringFunc(func(v string) error {
						if v != smsID {
							return fmt.Errorf("identity factor_id %q, want the SMS factor's %q", v, smsID)
						}
						return nil
					}))),
		}},
	})
}

// withoutIdentityFactories serve the provider as one without resource identity did: no
// identity schemas, no identity in any answer. A state it writes has no identities.
var withoutIdentityFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"idcsmfa": func() (tfprotov6.ProviderServer, error) {
		s, err := providerserver.NewProtocol6WithError(New("test")())()
		return withoutIdentity{s}, err
	},
}

type withoutIdentity struct{ tfprotov6.ProviderServer }

// clearing passes a provider server's answer on with clear applied to it, when there is one:
// how withoutIdentity takes out of each answer what a provider without identity did not send.
func clearing[R any](clear func(*R)) func(*R, error) (*R, error) {
	return func(resp *R, err error) (*R, error) {
		if resp != nil {
			clear(resp)
		}
		return resp, err
	}
}

func (w withoutIdentity) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return clearing(func(r *tfprotov6.GetProviderSchemaResponse) { r.ListResourceSchemas = nil })(w.ProviderServer.GetProviderSchema(ctx, req))
}

func (w withoutIdentity) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return clearing(func(r *tfprotov6.GetMetadataResponse) { r.ListResources = nil })(w.ProviderServer.GetMetadata(ctx, req))
}

func (w withoutIdentity) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}

func (w withoutIdentity) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return clearing(func(r *tfprotov6.ReadResourceResponse) { r.NewIdentity = nil })(w.ProviderServer.ReadResource(ctx, req))
}

func (w withoutIdentity) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return clearing(func(r *tfprotov6.PlanResourceChangeResponse) { r.PlannedIdentity = nil })(w.ProviderServer.PlanResourceChange(ctx, req))
}

func (w withoutIdentity) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return clearing(func(r *tfprotov6.ApplyResourceChangeResponse) { r.NewIdentity = nil })(w.ProviderServer.ApplyResourceChange(ctx, req))
}

// TestAccResourceIdentity_upperCaseGUID: an import block whose identity holds a GUID in upper
// case (as consoles show it) fails naming the identity attribute and the lower-case value to
// write, not an "Invalid import ID ... <user_id>/<factor_id>" that nobody wrote (issue 25,
// item 5); for the factor resources and the preferred factor alike.
func TestAccResourceIdentity_upperCaseGUID(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "enrolling a factor outside Terraform")
	factorID := enrollDirect(t, env, userID, emailSkip())
	upper := strings.ToUpper(userID)
	importBlock := func(to, identity string) string {
		return fmt.Sprintf("\nimport {\n  to       = %s\n  identity = {\n%s  }\n}\n", to, identity)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow1_12,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + emailResource("test", userID, "") +
					importBlock("idcsmfa_email_factor.test", fmt.Sprintf("    user_id   = %q\n    factor_id = %q\n", upper, factorID)),
				PlanOnly:    true,
				ExpectError: diagRE("Invalid import identity", "The identity's user_id must be the user's GUID", upper, "lower case", fmt.Sprintf("write user_id = %q", userID)),
			},
			{
				Config: env.providerConfig() + fmt.Sprintf("\nresource \"idcsmfa_preferred_factor\" \"test\" {\n  user_id   = %q\n  factor_id = %q\n}\n", userID, factorID) +
					importBlock("idcsmfa_preferred_factor.test", fmt.Sprintf("    user_id = %q\n", upper)),
				PlanOnly:    true,
				ExpectError: diagRE("Invalid import identity", fmt.Sprintf("write user_id = %q", userID)),
			},
		},
	})
}
