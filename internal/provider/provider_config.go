package provider

import (
	"fmt"
	"os"
	"strconv"
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
	attrUsername     = "username"
	attrPassword     = "password"
	attrSelfService  = "self_service"

	envHost         = "IDCS_HOST"
	envClientID     = "IDCS_CLIENT_ID"
	envClientSecret = "IDCS_CLIENT_SECRET"
	envAccessToken  = "IDCS_ACCESS_TOKEN"
	envUsername     = "IDCS_USERNAME"
	envPassword     = "IDCS_PASSWORD"
	envSelfService  = "IDCS_SELF_SERVICE"

	exampleHost = "https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com"
)

var hostPath = path.Root(attrHost)

// providerSettings are the values the client is built from, after environment fallbacks.
type providerSettings struct {
	Host, ClientID, ClientSecret, AccessToken string
	// Username and Password: the user's credentials for the password grant (self-service).
	Username, Password string
	// SelfService: the provider acts as the signed-in user through /admin/v1/Me and My*
	// (API doc section 6) instead of an administrator's /mfa/v1. Implied by Username.
	SelfService bool
}

func (s providerSettings) authKind() string {
	switch {
	case s.Username != "":
		return "password"
	case s.AccessToken != "":
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
	if known(cfg.AccessToken) && (known(cfg.Username) || known(cfg.Password)) {
		diags.AddAttributeError(path.Root(attrUsername), "Conflicting provider credentials", userConflictDetail)
	}
	if !cfg.SelfService.IsNull() && !cfg.SelfService.IsUnknown() && !cfg.SelfService.ValueBool() && (known(cfg.Username) || known(cfg.Password)) {
		diags.AddAttributeError(path.Root(attrSelfService), "Conflicting provider mode", selfServiceOffDetail)
	}
	return diags
}

const userConflictDetail = "Both an access token and a user's username/password are set. For self-service, use either " +
	"username + password (the password grant, with the client_id and client_secret of a client that has the \"Me\" app " +
	"role) or access_token with self_service = true (a token issued to the user), not both: remove one of them."

const selfServiceOffDetail = "self_service is false but username or password is set: a username and password sign the user in, " +
	"which is the self-service mode. Remove self_service (username implies it), or remove username and password to " +
	"manage factors as an administrator."

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
// authenticating is complete.
//
// Each attribute is the block's value, else its environment variable (an empty string in the
// block counts as unset), so that every message that says "set X or IDCS_X" is true: the
// Me-role application's client_id and client_secret may come from IDCS_CLIENT_ID /
// IDCS_CLIENT_SECRET beside a username written in the block, a password from IDCS_PASSWORD
// beside it, one half of a pair from each place. The exceptions are the credentials that
// cannot go with what the block chose, which the block's choice shadows rather than
// conflicts with: a stray IDCS_ACCESS_TOKEN is ignored when the block sets client_id,
// client_secret, username or password; IDCS_CLIENT_ID, IDCS_CLIENT_SECRET, IDCS_USERNAME and
// IDCS_PASSWORD are ignored when the block sets access_token; IDCS_USERNAME and IDCS_PASSWORD
// are ignored when self_service is false (the administrator's mode was asked for).
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
		{attrUsername, envUsername, cfg.Username},
		{attrPassword, envPassword, cfg.Password},
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

	if cfg.SelfService.IsUnknown() {
		diags.AddAttributeError(path.Root(attrSelfService), "Unknown provider attribute "+attrSelfService,
			"The value of self_service is not known until apply, but the provider needs it to plan. Set it statically "+
				"or through the "+envSelfService+" environment variable.")
		return providerSettings{}, diags
	}

	tokenInBlock := inBlock(cfg.AccessToken)
	pairInBlock := inBlock(cfg.ClientID) || inBlock(cfg.ClientSecret) || inBlock(cfg.Username) || inBlock(cfg.Password)
	mode, modeSource := selfServiceSetting(cfg.SelfService, getenv)
	envUnless := func(name string, shadowed bool) string {
		if shadowed {
			return ""
		}
		return getenv(name)
	}
	s := providerSettings{
		Host:         pick(cfg.Host, getenv(envHost)),
		ClientID:     pick(cfg.ClientID, envUnless(envClientID, tokenInBlock)),
		ClientSecret: pick(cfg.ClientSecret, envUnless(envClientSecret, tokenInBlock)),
		AccessToken:  pick(cfg.AccessToken, envUnless(envAccessToken, pairInBlock)),
		Username:     pick(cfg.Username, envUnless(envUsername, tokenInBlock || mode == modeOff)),
		Password:     pick(cfg.Password, envUnless(envPassword, tokenInBlock || mode == modeOff)),
	}
	s.SelfService = mode == modeOn || (mode == modeUnset && s.Username != "")
	if mode == modeOff && (s.Username != "" || s.Password != "") {
		// Only the block's username and password are left here (the environment's are shadowed).
		where := "self_service is false"
		if modeSource == envSelfService {
			where = envSelfService + " is false"
		}
		diags.AddAttributeError(path.Root(attrSelfService), "Conflicting provider mode", where+" but username or "+
			"password is set in the provider block: a username and password sign the user in, which is the self-service "+
			"mode. Remove self_service (or unset "+envSelfService+"; username implies self-service), or remove username "+
			"and password to manage factors as an administrator.")
		return s, diags
	}

	if s.Host == "" {
		diags.AddAttributeError(hostPath, "Missing identity domain host",
			fmt.Sprintf("Set host in the provider block or the %s environment variable to the identity domain URL, e.g. %s.", envHost, exampleHost))
	} else if msg := hostProblem(s.Host); msg != "" {
		diags.AddAttributeError(hostPath, "Invalid identity domain host", msg)
	}
	diags.Append(checkCredentials(s)...)
	return s, diags
}

// checkCredentials checks that exactly one way of authenticating is complete: conflicts first
// (nothing set elsewhere can repair them), then the missing halves, whose messages name the
// environment variables that would complete them.
func checkCredentials(s providerSettings) diag.Diagnostics {
	var diags diag.Diagnostics
	hasClientCreds := s.ClientID != "" || s.ClientSecret != ""
	switch {
	case hasClientCreds && s.AccessToken != "":
		diags.AddAttributeError(path.Root(attrAccessToken), "Conflicting provider credentials", conflictDetail)
	case s.AccessToken != "" && (s.Username != "" || s.Password != ""):
		diags.AddAttributeError(path.Root(attrUsername), "Conflicting provider credentials", userConflictDetail)
	case s.Username != "" || s.Password != "":
		diags.Append(checkSelfServiceSettings(s)...)
	case s.AccessToken != "":
	case s.SelfService:
		diags.Append(checkSelfServiceSettings(s)...)
	case s.ClientID != "" && s.ClientSecret == "":
		diags.Append(missingHalf(attrClientID, attrClientSecret, envClientSecret, "the confidential application's client secret"))
	case s.ClientID == "" && s.ClientSecret != "":
		diags.Append(missingHalf(attrClientSecret, attrClientID, envClientID, "the confidential application's client ID"))
	case !hasClientCreds:
		diags.AddError("Missing provider credentials",
			fmt.Sprintf("The provider needs either client credentials or an access token. Set client_id and client_secret "+
				"(or %s and %s) to a confidential application that allows the client credentials grant and has the "+
				"\"MFA Client\" app role, or set access_token (or %s). For self-service (a user managing their own factors), "+
				"set username and password (or %s and %s) with the client_id and client_secret of an application with the "+
				"\"Me\" app role.", envClientID, envClientSecret, envAccessToken, envUsername, envPassword))
	}
	return diags
}

// selfServiceMode values of self_service as set: in the block, else in IDCS_SELF_SERVICE.
const (
	modeUnset = iota
	modeOn
	modeOff
)

// selfServiceSetting is self_service as written (the block wins over IDCS_SELF_SERVICE), and
// where it was written; modeUnset when neither says true or false.
func selfServiceSetting(v types.Bool, getenv func(string) string) (int, string) {
	if !v.IsNull() {
		if v.ValueBool() {
			return modeOn, attrSelfService
		}
		return modeOff, attrSelfService
	}
	if b, err := strconv.ParseBool(getenv(envSelfService)); err == nil {
		if b {
			return modeOn, envSelfService
		}
		return modeOff, envSelfService
	}
	return modeUnset, ""
}

// inBlock reports whether the provider block sets v to a non-empty value.
func inBlock(v types.String) bool { return known(v) && v.ValueString() != "" }

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

func pick(v types.String, fallback string) string {
	if known(v) && v.ValueString() != "" {
		return v.ValueString()
	}
	return fallback
}

// checkSelfServiceSettings checks the self-service credentials: username and password
// together, with the Me-role client's id and secret (the password grant, API doc 6.1), never
// with an access token; or self_service with a user's access token.
func checkSelfServiceSettings(s providerSettings) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case s.Username != "" && s.Password == "":
		diags.Append(missingHalf(attrUsername, attrPassword, envPassword, "the user's password (the password grant of self-service)"))
	case s.Username == "" && s.Password != "":
		diags.Append(missingHalf(attrPassword, attrUsername, envUsername, "the user's sign-in name"))
	case s.Username != "" && (s.ClientID == "" || s.ClientSecret == ""):
		diags.AddAttributeError(path.Root(attrClientID), "Missing client credentials for the password grant",
			"username and password are exchanged for the user's token with the password grant, which the identity domain "+
				"allows only to a client: set client_id and client_secret (or "+envClientID+" / "+envClientSecret+") to an "+
				"application that allows the resource owner password grant and has the \"Me\" app role.")
	case s.SelfService && s.Username == "" && s.AccessToken == "":
		diags.AddAttributeError(path.Root(attrSelfService), "Missing the user's credentials",
			"self_service is true, which acts as the signed-in user, but neither a user's username and password nor an "+
				"access_token is set: client credentials give a token of the application, which has no user. Set username "+
				"and password (or "+envUsername+" / "+envPassword+") beside the client_id and client_secret of an "+
				"application with the \"Me\" app role, or a user's access_token (or "+envAccessToken+") instead of "+
				"client_id and client_secret.")
	}
	return diags
}

// missingHalf is the error of a credential pair with one half set: set is there, missing
// (whose environment variable is env) is not, and should hold what.
func missingHalf(set, missing, env, what string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root(missing), "Missing "+missing,
		fmt.Sprintf("%s is set but %s is not. Set %s in the provider block or the %s environment variable to %s.",
			set, missing, missing, env, what))
}
