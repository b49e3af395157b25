package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Hints shared by every object of the provider. They say what the user can do about an error.
const (
	hintTokenRefused = "The token request was refused. Check client_id and client_secret " +
		"(or IDCS_CLIENT_ID / IDCS_CLIENT_SECRET): the confidential application must be activated, allow the client " +
		"credentials grant, and have the \"MFA Client\" app role."
	// hintPasswordGrantRefused follows a refusal of the self-service sign-in: the user's
	// credentials first, then the application's.
	hintPasswordGrantRefused = "The identity domain refused the user's sign-in with the password grant. Check " +
		"username and password (or IDCS_USERNAME / IDCS_PASSWORD). If they are right: the application of client_id " +
		"(or IDCS_CLIENT_ID) must allow the resource owner password grant and have the \"Me\" app role, and a domain " +
		"whose sign-on policy makes users sign in with MFA refuses this grant (invalid_grant \"Tenant is MFA enabled\"): " +
		"use a user's access_token with self_service = true then."
	// hintPasswordGrantClientRefused follows invalid_client in the password grant: the
	// application's credentials were refused, before the user's were looked at.
	hintPasswordGrantClientRefused = "The identity domain refused the application's credentials (invalid_client) " +
		"before looking at the user's: check client_id and client_secret (or IDCS_CLIENT_ID / IDCS_CLIENT_SECRET) of " +
		"the application with the \"Me\" app role, and that it is activated and allows the resource owner password grant."
	hintUnauthorized = "The identity domain did not accept the access token. If you set access_token (or " +
		"IDCS_ACCESS_TOKEN), get a fresh one carrying the \"MFA Client\" scope; otherwise check that the confidential " +
		"application still has the \"MFA Client\" app role. " + hintUserTokenOnAdminAPI
	hintForbidden = "The OAuth client is not allowed to do this. Grant the \"MFA Client\" app role to the confidential " +
		"application (Domains > Integrated applications > the application > App roles); \"Authenticator Client\" " +
		"can only read factors and verify users. " + hintUserTokenOnAdminAPI
	// hintUserTokenOnAdminAPI ends the hints of /mfa/v1 calls, which only the administrator's
	// mode makes: self_service is not in effect there.
	hintUserTokenOnAdminAPI = "If the token is a user's own token (a password grant or a user's sign-in), it cannot " +
		"manage factors through the administrator's /mfa/v1 API: set self_service = true to manage that user's own factors."
	// hintSelfServiceUnauthorized and hintSelfServiceForbidden are the hints of the self-service
	// calls (/admin/v1/Me, My*), which only the self-service mode makes.
	hintSelfServiceUnauthorized = "The identity domain did not accept the signed-in user's token. With access_token (or " +
		"IDCS_ACCESS_TOKEN), get a fresh token issued to the user (scope urn:opc:idm:__myscopes__); with username and " +
		"password, check that the application of client_id still has the \"Me\" app role."
	hintSelfServiceForbidden = "The signed-in user's token is not allowed to do this: the application that issued it " +
		"needs the \"Me\" app role (or Authenticated Client), and the token the scope urn:opc:idm:__myscopes__."
	hintSelfServiceToken = "Self-service mode acts as the signed-in user, so it needs a token issued to a user: the " +
		"password grant (username + password, with client_id and client_secret of an application that has the \"Me\" " +
		"app role) or an access_token a user got with scope urn:opc:idm:__myscopes__ from an application with the \"Me\" " +
		"app role (or the Authenticated Client role). A client-credentials token (client_id + client_secret alone, or " +
		"an administrator application's access_token) has no user: to manage users' factors with it, remove " +
		"self_service (and username/password) so that the provider uses the MFA Client role's /mfa/v1 API."
	hintOnlyDevice = "The identity domain keeps at least one 2-step verification device per user, and the user " +
		"cannot delete their last one themselves. Enroll another factor first (then this one can be deleted), or have " +
		"an administrator delete it (the provider without self_service, with the MFA Client role), or keep it: remove " +
		"the resource from the configuration with a removed {} block (lifecycle { destroy = false }) or terraform state rm."
	hintUserNotFound = "Check user_id: it must be the GUID (the SCIM user id, 32 lower-case hexadecimal characters, not " +
		"the OCID) of an existing user of this identity domain, not the user name."
	hintUserLocked = "The user's account is locked (too many failed sign-ins or passcodes, or locked by an " +
		"administrator). Unlock the user in the identity domain console (Users > the user > Unlock) or wait until the " +
		"lock expires, then apply again. Against idcs-emulator: POST /emulator/v1/users/<user_id>/unlock."
	// hintUserEnrollmentDisabled follows a self-service enrollment of a factor the domain's
	// userEnrollmentDisabledFactors lists.
	hintUserEnrollmentDisabled = "The identity domain's MFA settings do not let users enroll this factor themselves " +
		"(userEnrollmentDisabledFactors). An administrator can enroll it for the user: the provider without " +
		"self_service, with an application that has the \"MFA Client\" app role. Or ask the domain's administrators " +
		"to allow it (Security > MFA in the identity domain console)."
	hintFactorDisabled = "The factor is not enabled in this identity domain. Enable it in the identity domain's MFA " +
		"settings: Security > MFA > Factors (the AuthenticationFactorSettings resource, e.g. " +
		"oci_identity_domains_authentication_factor_setting), then apply again."
	hintAlreadyEnrolled = "This user already has this factor enrolled. To manage it with Terraform, import it " +
		"(terraform import <resource address> <user_id>/<factor_id>, or an import {} block; the data source " +
		"idcsmfa_user_factors lists the factor ids), or delete it first."
	hintInvalidPhone = "Check country_code (\"+\" and 1 to 4 digits, e.g. \"+44\") and mobile_number (the national " +
		"number, digits only, e.g. \"7700900123\"): the identity domain judged the number invalid."
	hintInvalidPasscode = "The passcode was wrong. Only the latest passcode counts: a resend (otp_resend_version, the " +
		"idcsmfa_resend_passcode action) voids the passcodes sent before it. Check the code in the user's most recent " +
		"message, or ask for a new one, then apply again."
	hintRequestState = "The enrollment request expired or is no longer valid (a newer passcode was sent, or more " +
		"than its lifetime passed). Ask for a new passcode, then apply again with it."
	hintTooManyAttempts = "Too many wrong passcodes: the user is now locked (AUTH-1027; later calls answer AUTH-1010). " +
		"An administrator unlocks the user in the identity domain console (Users > the user > Unlock), or the lock " +
		"expires; then change otp_resend_version for a new passcode, submit it, and apply again. Against " +
		"idcs-emulator: POST /emulator/v1/users/<user_id>/unlock."
	hintRateLimited = "The identity domain kept answering 429 Too Many Requests after the provider's retries. " +
		"Lower terraform's -parallelism or apply again later."
	hintNetwork         = "Check that host is the right identity domain URL and is reachable from here."
	hintMayHaveHappened = "The request reached the identity domain, or may have, but no answer came back (the " +
		"connection dropped or timed out after it was sent, or the service failed with a 5xx), so it may have been " +
		"carried out. This is not a problem of the configuration or of host."
	hintConnectionLost = "The identity domain was reached but the connection failed before its answer came back, " +
		"even after the provider's retries (a proxy, firewall or network fault, or a timeout). A read changes nothing: " +
		"apply again once the network path is sound."
	hintNotSent = "Terraform was stopping (interrupted or cancelled) before this request was sent, so nothing was " +
		"changed; apply again to do it."
	// hintServerError follows a 5xx the client retried until its budget ran out.
	hintServerError = "The identity domain failed on its side on every attempt. Apply again later; if it keeps " +
		"failing, check the identity domain's status (OCI Console, Oracle Cloud Infrastructure status page) or " +
		"give Oracle support the ecId above."
)

// apiErrorDiagnostic turns an error from the client into one error diagnostic: summary, then
// the service's status, AUTH code, message and ecId, then what to do. It never adds request
// data, so no secret can reach the diagnostic through it.
func apiErrorDiagnostic(summary string, err error) diag.Diagnostic {
	// Whatever step it was, the cause is the one to name when the domain cannot be reached.
	var ue *client.UnreachableError
	switch {
	case errors.As(err, &ue):
		summary = "Cannot reach the identity domain at " + ue.Host
	case errors.Is(err, client.ErrTokenRefused):
		summary = "The identity domain refused the provider's credentials (" + grantName(err) + ")"
	}
	return diag.NewErrorDiagnostic(summary, apiErrorDetail(err))
}

// apiErrorDetail is the detail text of apiErrorDiagnostic, for callers building their own
// diagnostic (for example an attribute error): what the service answered, then the hint.
func apiErrorDetail(err error) string {
	if errors.Is(err, client.ErrTokenRefused) && !firstReport(err) {
		// Reported in full once (see firstReport); the other objects of the run say only this.
		return fmt.Sprintf("Not sent: the identity domain refused the provider's credentials (%s) at the first request "+
			"of this run, and the provider does not send refused credentials again. The error that says so in full names "+
			"what to check.", grantName(err))
	}
	return fullErrorDetail(err)
}

// fullErrorDetail is apiErrorDetail without the once-only rule of token refusals, for a
// caller that has claimed the refusal's report itself (firstReport).
func fullErrorDetail(err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	var apiErr *client.APIError
	switch {
	case errors.Is(err, client.ErrTokenRefused):
		fmt.Fprintf(&b, "The identity domain refused the token request (%s): %s.", grantName(err), serviceErrorText(err))
	case errors.As(err, &apiErr):
		fmt.Fprintf(&b, "The identity domain answered %s.", serviceErrorText(err))
		if apiErr.Attempts > 1 {
			fmt.Fprintf(&b, " Terraform sent the request %d times over %s, retrying, and gave up on this answer.",
				apiErr.Attempts, apiErr.Elapsed.Round(100*time.Millisecond))
		}
	case errors.Is(err, client.ErrNotSent):
		fmt.Fprintf(&b, "Not sent: %s.", err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		fmt.Fprintf(&b, "The operation was interrupted before the identity domain answered: %s", err)
	default:
		b.WriteString(capitalize(err.Error()))
	}
	if hint := apiErrorHint(err); hint != "" {
		b.WriteString("\n\n")
		b.WriteString(hint)
	}
	return b.String()
}

// serviceErrorText states what the identity domain answered, for a sentence of a diagnostic:
// "HTTP 401 AUTH-1105: Invalid passcode. (ecId 0a1b...)", the service's message as it is. It
// is the one rendering of the client's error facts; errors that are not answers (network)
// keep their own text. The client's errors never carry secrets, so the text is safe to show.
// It never ends with a full stop of its own (callers end their sentence), so a message such as
// "Invalid passcode." does not come out as "Invalid passcode..".
func serviceErrorText(err error) string {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return strings.TrimRight(err.Error(), ".")
	}
	text := fmt.Sprintf("HTTP %d", apiErr.StatusCode)
	if apiErr.Code != "" {
		text += " " + apiErr.Code
	}
	if apiErr.Message != "" {
		text += ": " + apiErr.Message
	}
	if apiErr.ECID != "" {
		text += " (ecId " + apiErr.ECID + ")"
	}
	return strings.TrimRight(text, ".")
}

// deleteFailedDiagnostic is apiErrorDiagnostic for a delete, which adds what Terraform does
// with the object: it stays in state, so the next destroy or apply tries the delete again.
func deleteFailedDiagnostic(summary string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, apiErrorDetail(err)+"\n\nThe factor stays in the state, as the identity "+
		"domain may not have deleted it: run terraform destroy (or apply) again to retry the delete. If it was deleted "+
		"after all, that run finds it gone and only removes it from the state.")
}

// apiErrorHint says what to do about an error, or "" when there is nothing specific.
func apiErrorHint(err error) string {
	var apiErr *client.APIError
	isAPI := errors.As(err, &apiErr)
	switch {
	case errors.Is(err, errWrongTokenKind):
		return hintSelfServiceToken
	case errors.Is(err, client.ErrTokenRefused) && isAPI && apiErr.Grant == client.GrantPassword &&
		strings.EqualFold(apiErr.Code, "invalid_client"):
		return hintPasswordGrantClientRefused
	case errors.Is(err, client.ErrTokenRefused) && isAPI && apiErr.Grant == client.GrantPassword:
		return hintPasswordGrantRefused
	case errors.Is(err, client.ErrTokenRefused):
		return hintTokenRefused
	case errors.Is(err, client.ErrOnlyDevice):
		return hintOnlyDevice
	case isAPI && (strings.EqualFold(apiErr.Code, "AUTH-1030") || strings.HasSuffix(strings.ToLower(apiErr.Code), ".invalidphonenumber")):
		return hintInvalidPhone
	case errors.Is(err, client.ErrAlreadyEnrolled):
		return hintAlreadyEnrolled
	case errors.Is(err, client.ErrFactorDisabled) && isAPI &&
		strings.HasSuffix(strings.ToLower(apiErr.Code), "factornotenabledforuserenrollment"):
		return hintUserEnrollmentDisabled
	case errors.Is(err, client.ErrFactorDisabled):
		return hintFactorDisabled
	case errors.Is(err, client.ErrTooManyAttempts):
		return hintTooManyAttempts
	case errors.Is(err, client.ErrUserLocked):
		return hintUserLocked
	case errors.Is(err, client.ErrUserNotFound):
		return hintUserNotFound
	case errors.Is(err, client.ErrInvalidPasscode):
		return hintInvalidPasscode
	case errors.Is(err, client.ErrRequestState):
		return hintRequestState
	case errors.Is(err, client.ErrForbidden) && client.IsSelfServiceCall(err):
		return hintSelfServiceForbidden
	case errors.Is(err, client.ErrForbidden):
		return hintForbidden
	case errors.Is(err, client.ErrRateLimited):
		return hintRateLimited
	case errors.Is(err, client.ErrNotSent):
		return hintNotSent
	case isAPI && apiErr.StatusCode >= 500 && apiErr.Attempts > 1:
		// Retried: an idempotent call (a delete, a read) that failed on the service's side.
		return hintServerError
	case client.IsAmbiguous(err) && !isRead(err):
		return hintMayHaveHappened
	case client.IsAmbiguous(err) && !isAPI:
		return hintConnectionLost
	case errors.Is(err, client.ErrUnauthorized) && client.IsSelfServiceCall(err):
		return hintSelfServiceUnauthorized
	case errors.Is(err, client.ErrUnauthorized):
		return hintUnauthorized
	case isSelfServiceRefusal(err):
		return ""
	case !isAPI && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
		return hintNetwork
	}
	return ""
}

// reportedRefusals holds the token refusals already reported in full. The client keeps
// one refusal per run and hands the same *client.APIError to every later call (refused
// credentials are not sent again), so keying by that value reports each run's refusal once
// in full, whichever object meets it first, and tells the others in one sentence.
var reportedRefusals sync.Map

// firstReport reports whether err is the first rendering of its token refusal.
func firstReport(err error) bool {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return true
	}
	_, seen := reportedRefusals.LoadOrStore(apiErr, struct{}{})
	return !seen
}

// grantName names the grant of a token request's error, as a reader knows it.
func grantName(err error) string {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.Grant == client.GrantPassword {
		return "the user's username and password, password grant"
	}
	return "client_id and client_secret, client credentials grant"
}

// isRead reports whether the failed call was a read (GET), which changes nothing however it
// failed.
func isRead(err error) bool {
	var na *client.NoAnswerError
	var ae *client.APIError
	switch {
	case errors.As(err, &na):
		return strings.HasPrefix(na.Operation, "GET ")
	case errors.As(err, &ae):
		return strings.HasPrefix(ae.Operation, "GET ")
	}
	return false
}

// capitalize starts a sentence taken from an error text, which Go writes in lower case.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
