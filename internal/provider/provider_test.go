package provider

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

func TestProvider_schemasAreValid(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var presp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &presp)
	if presp.Diagnostics.HasError() {
		t.Fatalf("provider schema: %v", presp.Diagnostics)
	}
	if diags := presp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("provider schema: %v", diags)
	}
	for name, a := range presp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("provider attribute %s has no MarkdownDescription", name)
		}
	}
	for _, newResource := range []func() resource.Resource{NewSMSFactorResource, NewEmailFactorResource, NewTOTPFactorResource,
		NewPreferredFactorResource, NewFactorActivationResource} {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "idcsmfa"}, &meta)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Fatalf("%s schema: %v", meta.TypeName, diags)
		}
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no MarkdownDescription", meta.TypeName)
		}
		for name, a := range resp.Schema.Attributes {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("%s.%s has no MarkdownDescription", meta.TypeName, name)
			}
		}
		for name, b := range resp.Schema.Blocks {
			if b.GetMarkdownDescription() == "" {
				t.Errorf("block %s of %s has no MarkdownDescription", name, meta.TypeName)
			}
		}
	}
}

func TestProvider_resolveConfig(t *testing.T) {
	str := types.StringValue
	null := types.StringNull()
	cases := []resolveCase{
		{
			name: "config only",
			cfg:  providerModel{Host: str("https://idcs.example.com"), ClientID: str("id"), ClientSecret: str("s"), AccessToken: null},
			want: providerSettings{Host: "https://idcs.example.com", ClientID: "id", ClientSecret: "s"},
		},
		{
			name: "environment only",
			cfg:  providerModel{Host: null, ClientID: null, ClientSecret: null, AccessToken: null},
			env:  map[string]string{envHost: "https://env.example.com", envAccessToken: "tok"},
			want: providerSettings{Host: "https://env.example.com", AccessToken: "tok"},
		},
		{
			name: "config wins and config credentials shadow environment credentials",
			cfg:  providerModel{Host: str("https://cfg.example.com"), ClientID: str("id"), ClientSecret: str("s"), AccessToken: null},
			env:  map[string]string{envHost: "https://env.example.com", envAccessToken: "tok"},
			want: providerSettings{Host: "https://cfg.example.com", ClientID: "id", ClientSecret: "s"},
		},
		{
			name:    "no credentials",
			cfg:     providerModel{Host: str("https://idcs.example.com"), ClientID: null, ClientSecret: null, AccessToken: null},
			wantErr: "Missing provider credentials",
		},
		{
			name:    "both kinds of credentials",
			env:     map[string]string{envHost: "https://h.example.com", envClientID: "id", envClientSecret: "s", envAccessToken: "t"},
			cfg:     providerModel{Host: null, ClientID: null, ClientSecret: null, AccessToken: null},
			wantErr: "Conflicting provider credentials",
		},
		{
			name:    "client id without secret",
			cfg:     providerModel{Host: str("https://h.example.com"), ClientID: str("id"), ClientSecret: null, AccessToken: null},
			wantErr: "Missing client_secret",
		},
		{
			name:    "no host",
			cfg:     providerModel{Host: null, ClientID: null, ClientSecret: null, AccessToken: str("t")},
			wantErr: "IDCS_HOST",
		},
		{
			name:    "host without scheme",
			cfg:     providerModel{Host: str("idcs.example.com"), ClientID: null, ClientSecret: null, AccessToken: str("t")},
			wantErr: "not a URL with a scheme",
		},
		{
			name:    "unknown value",
			cfg:     providerModel{Host: types.StringUnknown(), ClientID: null, ClientSecret: null, AccessToken: str("t")},
			wantErr: "Set host statically in the provider block or through the IDCS_HOST environment variable",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t) })
	}
}

// TestProvider_loggerMasksSecrets logs an entry of the shape the client logs
// (internal/client/transport.go: method, url, request_body, response_body, error) in which
// the configured credentials appear where the client's own redaction would not know them.
func TestProvider_loggerMasksSecrets(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	l := newTFLogLogger("the-client-secret", "the-access-token")
	l.Debug(ctx, "identity domain HTTP exchange the-client-secret", map[string]any{
		"method":        "POST",
		"url":           "https://h/oauth2/v1/token",
		"request_body":  "grant_type=client_credentials&note=the-client-secret",
		"response_body": `{"detail":"Bearer the-access-token"}`,
		"error":         "dial tcp: lookup the-access-token.example: no such host",
		"status":        401,
	})
	logged := out.String()
	if !strings.Contains(logged, "https://h/oauth2/v1/token") {
		t.Fatalf("the log line is missing: %s", logged)
	}
	for _, secret := range []string{"the-client-secret", "the-access-token"} {
		if strings.Contains(logged, secret) {
			t.Errorf("log output holds %q: %s", secret, logged)
		}
	}
}

// testAccProviderOnlyConfig is a provider block and one factor that makes terraform configure it.
func testAccProviderOnlyConfig(provider, userID string) string {
	return provider + emailResource("test", userID, "  skip_verification = true")
}

// clearIDCSEnv keeps the test's own IDCS_* variables from filling in what a case leaves out.
// t.Setenv makes the test (and so its subtests) sequential, which these need anyway.
func clearIDCSEnv(t *testing.T) {
	for _, k := range []string{envHost, envClientID, envClientSecret, envAccessToken} {
		t.Setenv(k, "")
	}
}

func TestAccProvider_validationMessages(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "the cases use the emulator's address")
	clearIDCSEnv(t)
	userID := env.newUser(t)
	cases := []struct {
		name, block string
		want        []string
	}{
		{"host without scheme", `provider "idcsmfa" {
  host          = "idcs.example.com"
  client_id     = "id"
  client_secret = "secret"
}`, []string{"Invalid identity domain host", "not a URL with a scheme", "IDCS_HOST"}},
		{"http on a non-loopback host", `provider "idcsmfa" {
  host          = "http://idcs.example.com"
  client_id     = "id"
  client_secret = "secret"
}`, []string{"Invalid identity domain host", "only https is allowed", "loopback"}},
		{"no host", `provider "idcsmfa" {
  client_id     = "id"
  client_secret = "secret"
}`, []string{"Missing identity domain host", "IDCS_HOST"}},
		{"no credentials", fmt.Sprintf(`provider "idcsmfa" {
  host = %q
}`, env.Host), []string{"Missing provider credentials", "client_id and client_secret", "MFA Client", "access_token"}},
		{"both kinds of credentials", fmt.Sprintf(`provider "idcsmfa" {
  host          = %q
  client_id     = "id"
  client_secret = "secret"
  access_token  = "token"
}`, env.Host), []string{"Conflicting provider credentials", "not both"}},
		{"client_id without client_secret", fmt.Sprintf(`provider "idcsmfa" {
  host      = %q
  client_id = "id"
}`, env.Host), []string{"Missing client_secret", "IDCS_CLIENT_SECRET"}},
		{"value unknown at plan time", fmt.Sprintf(`resource "terraform_data" "host" {
  input = %q
}

provider "idcsmfa" {
  host          = terraform_data.host.output
  client_id     = "id"
  client_secret = "secret"
}`, env.Host), []string{"Unknown provider attribute host", "statically", "IDCS_HOST"}},
	}
	planErrors := make([]planErrorCase, len(cases))
	for i, tc := range cases {
		planErrors[i] = planErrorCase{tc.name, testAccProviderOnlyConfig(tc.block, userID), diagRE(tc.want...)}
	}
	runPlanErrors(t, planErrors)
}

// TestAccProvider_badInput: a provider block that cannot work fails the apply of an SMS
// factor with what to fix, and creates nothing (see badInputCase).
func TestAccProvider_badInput(t *testing.T) {
	withProvider := func(block func(env *testEnv) string) func(*testEnv, string) string {
		return func(env *testEnv, userID string) string { return smsCase.configWith(block(env), userID, "") }
	}
	withHost := func(host string) func(*testEnv, string) string {
		return withProvider(func(env *testEnv) string { return providerBlock(host, env.ClientID, env.ClientSecret, "") })
	}
	runBadInputCases(t, []badInputCase{
		{
			name: "host without a scheme",
			steps: refusedAtPlan(withHost("idcs-0123.identity.oraclecloud.com"),
				diagRE("Invalid identity domain host", "is not a URL with a scheme", "e.g. https://idcs-")),
		},
		{
			name: "plain http to a host that is not loopback",
			steps: refusedAtPlan(withHost("http://idcs-0123.identity.oraclecloud.com"),
				diagRE("Invalid identity domain host", "uses http: only https is allowed")),
		},
		{
			name: "host with a path",
			steps: refusedAtPlan(withHost("https://idcs-0123.identity.oraclecloud.com/admin/v1"),
				diagRE("Invalid identity domain host", "without a path, query or fragment")),
		},
		{
			name: "wrong client secret",
			steps: failedConfig(smsCase, withProvider(func(env *testEnv) string { return providerBlock(env.Host, env.ClientID, "not-the-secret", "") }),
				diagRE("The identity domain refused the provider's credentials", "token request was refused", "Check client_id and client_secret", "MFA Client")),
		},
		{
			name: "access token and client credentials together",
			steps: refusedAtPlan(withProvider(func(env *testEnv) string {
				return providerBlock(env.Host, env.ClientID, env.ClientSecret, "a-token")
			}), diagRE("Conflicting provider credentials", "Use either client_id + client_secret")),
		},
	})
}

func TestAccProvider_wrongSecretSaysTokenRefusedAndRole(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "a known-wrong secret for the emulator's client")
	block := providerBlock(env.Host, env.ClientID, "not-the-secret", "")
	accTest(t, nil,
		tfresource.TestStep{
			// A valid block plans without error: the token is only asked for when needed.
			Config:             testAccProviderOnlyConfig(env.providerConfig(), userID),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
		tfresource.TestStep{
			Config:      testAccProviderOnlyConfig(block, userID),
			ExpectError: diagRE("token request was refused", "client credentials grant", "MFA Client"),
		},
	)
}

func TestAccProvider_roleWithoutMFAClient(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "the emulator's Authenticator Client application")
	block := providerBlock(env.Host, emulator.DefaultAuthenticatorClientID, emulator.DefaultAuthenticatorClientSecret, "")
	accTest(t, nil, tfresource.TestStep{
		Config:      testAccProviderOnlyConfig(block, userID),
		ExpectError: diagRE("AUTH-1034", "Grant the \"MFA Client\" app role"),
	})
}

func TestAccProvider_environmentFallbacks(t *testing.T) {
	env, userID := newEmulatorUser(t, "the emulator's credentials")
	t.Setenv(envHost, env.Host)
	t.Setenv(envClientID, env.ClientID)
	t.Setenv(envClientSecret, env.ClientSecret)
	t.Setenv(envAccessToken, "")
	accTest(t, env.checkDestroy("idcsmfa_email_factor"), tfresource.TestStep{
		Config: testAccProviderOnlyConfig(`provider "idcsmfa" {}`, userID),
		Check:  tfresource.TestCheckResourceAttr(emailAddr, "status", "ENROLLED"),
	})
}

func TestAccProvider_accessToken(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "a token from the emulator")
	token := fetchEmulatorToken(t, env)
	block := providerBlock(env.Host, "", "", token)
	accTest(t, env.checkDestroy("idcsmfa_email_factor"), tfresource.TestStep{
		Config: testAccProviderOnlyConfig(block, userID),
		Check:  tfresource.TestCheckResourceAttr(emailAddr, "status", "ENROLLED"),
	})
}

// fetchEmulatorToken asks the emulator for a token the way a pipeline would, outside the provider.
func fetchEmulatorToken(t *testing.T, env *testEnv) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"urn:opc:idm:__myscopes__"}}
	return fetchToken(t, env.Host, form, env.ClientID, env.ClientSecret)
}
