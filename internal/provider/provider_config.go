package provider

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

const (
	attrHost         = "host"
	attrClientID     = "client_id"
	attrClientSecret = "client_secret"
	attrAccessToken  = "access_token"

	envHost         = "IDCS_HOST"
	envClientID     = "IDCS_CLIENT_ID"
	envClientSecret = "IDCS_CLIENT_SECRET"
	envAccessToken  = "IDCS_ACCESS_TOKEN"

	exampleHost = "https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com"
)

var hostPath = path.Root(attrHost)

// providerSettings are the values the client is built from, after environment fallbacks.
type providerSettings struct {
	Host, ClientID, ClientSecret, AccessToken string
}

func (s providerSettings) authKind() string {
	if s.AccessToken != "" {
		return "access_token"
	}
	return "client_credentials"
}

func lookupEnv(name string) string { return strings.TrimSpace(os.Getenv(name)) }

// validateStaticProviderConfig judges only what is written in the provider block.
func validateStaticProviderConfig(cfg providerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(cfg.Host) && cfg.Host.ValueString() != "" {
		if msg := hostProblem(cfg.Host.ValueString()); msg != "" {
			diags.AddAttributeError(hostPath, "Invalid identity domain host", msg)
		}
	}
	if known(cfg.AccessToken) && (known(cfg.ClientID) || known(cfg.ClientSecret)) {
		diags.AddAttributeError(path.Root(attrAccessToken), "Conflicting provider credentials", conflictDetail)
	}
	return diags
}

const conflictDetail = "Both an access token and client credentials are set. Use either client_id + client_secret " +
	"(the confidential application's client credentials, env IDCS_CLIENT_ID / IDCS_CLIENT_SECRET) or access_token " +
	"(env IDCS_ACCESS_TOKEN), not both: remove one of them."

// hostProblem returns why host cannot be the identity domain's URL, by the client's rule
// (https, or http on a loopback host; no path), with where to set it; or "".
func hostProblem(host string) string {
	if err := client.CheckHost(host); err != nil {
		return fmt.Sprintf("%s. Set host in the provider block, or the %s environment variable.", capitalize(err.Error()), envHost)
	}
	return ""
}

// resolveProviderConfig applies environment fallbacks and checks that exactly one way of
// authenticating is complete. Config wins over the environment; when the provider block sets
// any credential, the credentials in the environment are ignored so that a stray
// IDCS_ACCESS_TOKEN cannot conflict with client_id/client_secret written in the block.
func resolveProviderConfig(cfg providerModel, getenv func(string) string) (providerSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	for _, a := range []struct {
		name, env string
		v         types.String
	}{
		{attrHost, envHost, cfg.Host},
		{attrClientID, envClientID, cfg.ClientID},
		{attrClientSecret, envClientSecret, cfg.ClientSecret},
		{attrAccessToken, envAccessToken, cfg.AccessToken},
	} {
		if a.v.IsUnknown() {
			diags.AddAttributeError(path.Root(a.name), "Unknown provider attribute "+a.name,
				fmt.Sprintf("The value of %s is not known until apply, but the provider needs it to plan. "+
					"Set %s statically in the provider block or through the %s environment variable.", a.name, a.name, a.env))
		}
	}
	if diags.HasError() {
		return providerSettings{}, diags
	}

	s := providerSettings{Host: pick(cfg.Host, getenv(envHost))}
	if known(cfg.ClientID) || known(cfg.ClientSecret) || known(cfg.AccessToken) {
		s.ClientID, s.ClientSecret, s.AccessToken = cfg.ClientID.ValueString(), cfg.ClientSecret.ValueString(), cfg.AccessToken.ValueString()
	} else {
		s.ClientID, s.ClientSecret, s.AccessToken = getenv(envClientID), getenv(envClientSecret), getenv(envAccessToken)
	}

	if s.Host == "" {
		diags.AddAttributeError(hostPath, "Missing identity domain host",
			fmt.Sprintf("Set host in the provider block or the %s environment variable to the identity domain URL, e.g. %s.", envHost, exampleHost))
	} else if msg := hostProblem(s.Host); msg != "" {
		diags.AddAttributeError(hostPath, "Invalid identity domain host", msg)
	}

	hasClientCreds := s.ClientID != "" || s.ClientSecret != ""
	switch {
	case hasClientCreds && s.AccessToken != "":
		diags.AddAttributeError(path.Root(attrAccessToken), "Conflicting provider credentials", conflictDetail)
	case s.AccessToken != "":
	case s.ClientID != "" && s.ClientSecret == "":
		diags.AddAttributeError(path.Root(attrClientSecret), "Missing client_secret",
			fmt.Sprintf("client_id is set but client_secret is not. Set client_secret in the provider block or the %s "+
				"environment variable to the confidential application's client secret.", envClientSecret))
	case s.ClientID == "" && s.ClientSecret != "":
		diags.AddAttributeError(path.Root(attrClientID), "Missing client_id",
			fmt.Sprintf("client_secret is set but client_id is not. Set client_id in the provider block or the %s "+
				"environment variable to the confidential application's client ID.", envClientID))
	case !hasClientCreds:
		diags.AddError("Missing provider credentials",
			fmt.Sprintf("The provider needs either client credentials or an access token. Set client_id and client_secret "+
				"(or %s and %s) to a confidential application that allows the client credentials grant and has the "+
				"\"MFA Client\" app role, or set access_token (or %s).", envClientID, envClientSecret, envAccessToken))
	}
	return s, diags
}

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

func pick(v types.String, fallback string) string {
	if known(v) && v.ValueString() != "" {
		return v.ValueString()
	}
	return fallback
}
