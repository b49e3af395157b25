// Package provider implements the idcsmfa Terraform provider. It speaks Terraform only;
// every call to the identity domain goes through internal/client.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ provider.Provider                       = &IDCSMFAProvider{}
	_ provider.ProviderWithValidateConfig     = &IDCSMFAProvider{}
	_ provider.ProviderWithEphemeralResources = &IDCSMFAProvider{}
	_ provider.ProviderWithActions            = &IDCSMFAProvider{}
	_ provider.ProviderWithListResources      = &IDCSMFAProvider{}
)

// testRetryWaitsFor, set only by the acceptance tests, gives the shortest and longest wait
// between retries (client.Config RetryWaitMin, RetryWaitMax) for the host of a test that
// counts the retries of answers that always fail: it then need not wait the ~50 s of real
// backoff the client's defaults give (issue 26). Zero values, and nil in every build users
// run, leave the client's defaults.
var testRetryWaitsFor func(host string) (minWait, maxWait time.Duration)

// IDCSMFAProvider manages users' MFA factors in an Oracle identity domain.
type IDCSMFAProvider struct {
	version string
}

// New returns a constructor for the provider at this version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &IDCSMFAProvider{version: version} }
}

// providerModel is the provider block.
type providerModel struct {
	Host         types.String `tfsdk:"host"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	AccessToken  types.String `tfsdk:"access_token"`
	Username     types.String `tfsdk:"username"`
	Password     types.String `tfsdk:"password"`
	SelfService  types.Bool   `tfsdk:"self_service"`
	DomainType   types.String `tfsdk:"domain_type"`
	APICapacity  types.Int64  `tfsdk:"api_capacity"`
}

func (p *IDCSMFAProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "idcsmfa"
	resp.Version = p.version
}

func (p *IDCSMFAProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages users' MFA factors (SMS, email and TOTP) in an Oracle identity domain (OCI IAM, " +
			"formerly IDCS) through its `/mfa/v1` REST API.\n\n" +
			"Authenticate either with the client credentials of a confidential application with the app roles the " +
			"objects need (MFA Client for the factor resources, Authenticator Client for reading factors, User " +
			"Administrator for `idcsmfa_users`) (`client_id` + `client_secret`), or with an `access_token` obtained elsewhere. " +
			"Every attribute can also come from its environment variable, each on its own: a value in the configuration " +
			"wins, and the variable fills in what the block leaves out (the Me-role application in `IDCS_CLIENT_ID` / " +
			"`IDCS_CLIENT_SECRET` beside a `username` in the block, for example). Environment credentials that cannot go " +
			"with the block's are ignored: `IDCS_ACCESS_TOKEN` when the block sets a client or a user, the others when it " +
			"sets `access_token`, and `IDCS_USERNAME` / `IDCS_PASSWORD` when `self_service = false`.\n\n" +
			"**Self-service mode** (`username` + `password`, or `self_service = true` with a user's `access_token`): the " +
			"provider acts as the signed-in user and manages that user's own factors through the identity domain's " +
			"self-service endpoints (`/admin/v1/Me`, `/admin/v1/My*`), for domains where no application holds the MFA " +
			"Client role. See the guide \"Self-service enrollment\".",
		Attributes: map[string]schema.Attribute{
			attrHost: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "URL of the identity domain, e.g. `https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com`. " +
					"Must use `https`; `http` is accepted only for a loopback host such as a local emulator. " +
					"Falls back to the `" + envHost + "` environment variable.",
			},
			attrClientID: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Client ID of the confidential application (client credentials grant, **MFA Client** app role). " +
					"Falls back to `" + envClientID + "`. Conflicts with `access_token`.",
			},
			attrClientSecret: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Client secret of the confidential application. Falls back to `" + envClientSecret + "`. " +
					"Never logged nor stored in state.",
			},
			attrAccessToken: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "An OAuth access token carrying the **MFA Client** scope, used instead of client credentials " +
					"(it is not renewed: it must outlive the run). Falls back to `" + envAccessToken + "`. " +
					"Conflicts with `client_id` and `client_secret`. With `self_service = true`, a token issued to a user " +
					"(scope `urn:opc:idm:__myscopes__`), whose own factors the provider then manages.",
			},
			attrUsername: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Self-service: the sign-in name of the user whose own factors the provider manages. The " +
					"provider gets the user's token with the OAuth password grant, authenticated by `client_id` and " +
					"`client_secret` of an application that allows that grant and has the **Me** app role. Falls back to `" +
					envUsername + "`. Implies `self_service`. Conflicts with `access_token`.",
			},
			attrPassword: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Self-service: the user's password, for the password grant. Falls back to `" + envPassword +
					"`. Never logged nor stored in state. The identity domain refuses the grant when its sign-on policy " +
					"makes the user sign in with MFA (`invalid_grant` \"Tenant is MFA enabled\"): use a user's `access_token` then.",
			},
			attrSelfService: schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Self-service mode: the factor resources and `idcsmfa_user_factors` manage the signed-in " +
					"user's own factors through `/admin/v1/Me` and `/admin/v1/My*` instead of `/mfa/v1`. Set it to `true` with " +
					"an `access_token` issued to a user; `username` implies it. Falls back to `" + envSelfService + "` " +
					"(`true`/`false`). Default `false`: the administrator's `/mfa/v1` API.",
			},
		},
	}
	for name, a := range rateLimitAttributes() {
		resp.Schema.Attributes[name] = a
	}
}

// ValidateConfig catches what the configuration alone gets wrong, at validate and plan time.
// Environment fallbacks are judged in Configure, which also runs before any plan.
func (p *IDCSMFAProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateStaticProviderConfig(cfg)...)
}

func (p *IDCSMFAProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, diags := resolveProviderConfig(cfg, lookupEnv)
	resp.Diagnostics.Append(diags...)
	domainType, apiCapacity, diags := resolveRateLimits(cfg.DomainType, cfg.APICapacity, lookupEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	clientCfg := client.Config{
		Host:         settings.Host,
		ClientID:     settings.ClientID,
		ClientSecret: settings.ClientSecret,
		AccessToken:  settings.AccessToken,
		Username:     settings.Username,
		Password:     settings.Password,
		UserAgent:    "terraform-provider-idcsmfa/" + p.version,
		Logger:       newTFLogLogger(settings.ClientSecret, settings.AccessToken, settings.Password),
		DomainType:   domainType,
		APICapacity:  apiCapacity,
	}
	if testRetryWaitsFor != nil {
		clientCfg.RetryWaitMin, clientCfg.RetryWaitMax = testRetryWaitsFor(settings.Host)
	}
	c, err := client.New(clientCfg)
	if err != nil {
		// Credentials were checked above, so what the client refuses is the host.
		resp.Diagnostics.AddAttributeError(hostPath, "Invalid identity domain host", err.Error())
		return
	}
	tflog.Debug(ctx, "idcsmfa provider configured", map[string]any{
		"host": settings.Host, "auth": settings.authKind(), "self_service": settings.SelfService,
	})

	// The API is chosen here, once, for every object: each object either works through it
	// or, when it needs the other mode's API, refuses at plan time (apiMode.requireAdmin).
	var api factorAPI = adminAPI{c}
	if settings.SelfService {
		api = newSelfServiceAPI(c)
	}
	data := &providerData{api: api, listings: newFactorListings(api), policy: newDomainSettings(c)}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

func (p *IDCSMFAProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSMSFactorResource,
		NewEmailFactorResource,
		NewTOTPFactorResource,
		NewFactorActivationResource,
		NewPreferredFactorResource,
		NewSecurityQuestionsResource,
	}
}

// ListResources are the factor resource types `terraform query` lists (Terraform 1.14+).
func (p *IDCSMFAProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewSMSFactorListResource,
		NewEmailFactorListResource,
		NewTOTPFactorListResource,
	}
}

func (p *IDCSMFAProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewFactorVerificationEphemeralResource,
	}
}

// Actions are Terraform 1.14+ operations that change no state.
func (p *IDCSMFAProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewResendPasscodeAction,
		NewVerifyFactorAction,
	}
}

func (p *IDCSMFAProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewUserFactorsDataSource,
		NewUsersDataSource,
		NewMFASettingsDataSource,
		NewSecurityQuestionSettingsDataSource,
	}
}

// providerData is what Configure hands to every object: the API chosen once, and the
// per-process sharing of users' factor listings.
type providerData struct {
	api      factorAPI
	listings *factorListings
	// policy is the domain's MFA settings, read once when first needed (domain_settings.go).
	policy *domainSettings
}
