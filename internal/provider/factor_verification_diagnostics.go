package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

const hintRegisterTrustedCert = "Register the certificate as a Trusted Client Certificate of the OAuth application " +
	"(identity domain console: Integrated applications > the application > OAuth configuration > Client configuration > " +
	"Add trusted client certificate, or the application's trustedCertificates), then verify again."

// hintVerificationLocked follows a verification that locked the user, or met a locked user:
// the verification has no otp_resend_version (the factor resources' hint names it), it just
// runs again once the user is unlocked.
const hintVerificationLocked = "The user is locked (too many failed 2-step attempts, or locked by an administrator), " +
	"so the identity domain verifies none of the user's factors. An administrator unlocks the user in the identity " +
	"domain console (Users > the user > Unlock), or the lock expires; then verify again (open the ephemeral resource, " +
	"or invoke the action, again) with a corrected answer."

const lockoutNote = "The identity domain counts each wrong answer towards locking the user, so Terraform does not " +
	"retry it: fix the answer before the next verification (opening the ephemeral resource, or invoking the action, again)."

// keyPairDiagnostic names the attribute a key-material error is about.
func keyPairDiagnostic(err error) diag.Diagnostic {
	at := attrPrivateKeyPEM
	if errors.Is(err, client.ErrCertificatePEM) || errors.Is(err, client.ErrCertificateNotRSA) {
		at = attrCertificatePEM
	}
	return diag.NewAttributeErrorDiagnostic(path.Root(at), "Invalid trusted client key pair",
		capitalize(err.Error())+". The key pair is the RSA private key and the certificate registered as a Trusted Client "+
			"Certificate of the OAuth application (API reference: userFlowControlledByExternalClient and x5t).")
}

// verificationDiagnostic says why a verification did not succeed, what it may have cost the
// user, and what to do. No secret reaches it: the client's errors hold none.
// answered names what the configuration answered with (the method asked for, or "" for the
// preferred factor), so that a refused answer points at the right input.
func verificationDiagnostic(who, answered string, err error) diag.Diagnostic {
	var miss *client.MissingAnswerError
	summary := "Factor verification failed for " + who
	switch {
	case errors.Is(err, client.ErrPrivateKeyPEM), errors.Is(err, client.ErrCertificatePEM),
		errors.Is(err, client.ErrCertificateNotRSA), errors.Is(err, client.ErrKeyMismatch):
		return keyPairDiagnostic(err)
	case errors.Is(err, client.ErrOTPDecrypt):
		return diag.NewAttributeErrorDiagnostic(path.Root(attrPrivateKeyPEM), summary,
			capitalize(err.Error())+": the service encrypted it for the certificate, so the private key is not that "+
				"certificate's. Nothing was submitted.")
	case errors.Is(err, client.ErrTOTPSecretNotBase32), errors.Is(err, client.ErrTOTPSecretTooShort), errors.Is(err, client.ErrTOTPParams):
		return diag.NewAttributeErrorDiagnostic(path.Root(attrTOTPSecret), summary, capitalize(err.Error())+".")
	case errors.Is(err, client.ErrNotTrustedClient):
		return diag.NewErrorDiagnostic(summary, capitalize(err.Error())+". Nothing was submitted, and Terraform does "+
			"not wait for a person to type a passcode.\n\n"+hintRegisterTrustedCert)
	case errors.As(err, &miss):
		at, _ := (&verificationInputs{}).answerFor(miss.Method)
		if at == "" {
			return diag.NewErrorDiagnostic(summary, capitalize(err.Error())+".")
		}
		return diag.NewAttributeErrorDiagnostic(path.Root(at), summary, fmt.Sprintf("%s. Set %s%s.",
			capitalize(err.Error()), at, inputHint(at)))
	case errors.Is(err, client.ErrPushRejected):
		return diag.NewErrorDiagnostic(summary, "The user rejected the PUSH notification. "+
			"The rejection counts towards locking the user.\n\n"+apiErrorDetail(err))
	case errors.Is(err, client.ErrInvalidPasscode), errors.Is(err, client.ErrWrongAnswer):
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("The factor did not verify: the identity domain answered %s. %s\n\n%s",
			serviceErrorText(err), refusedAnswerHint(answered), lockoutNote))
	case errors.Is(err, client.ErrTooManyAttempts), errors.Is(err, client.ErrUserLocked):
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("The identity domain answered %s.\n\n%s",
			serviceErrorText(err), hintVerificationLocked))
	case client.IsAmbiguous(err):
		return diag.NewErrorDiagnostic(summary, "The answer was sent, but no complete answer came back, so Terraform "+
			"cannot tell whether the factor verified; it does not send the answer again (a second attempt would count "+
			"towards locking the user). Open the resource again to run a new verification.\n\n"+apiErrorDetail(err))
	}
	return diag.NewErrorDiagnostic(summary, apiErrorDetail(err))
}

// refusedAnswerHint says which input to check when the service refused the answer.
func refusedAnswerHint(answered string) string {
	switch answered {
	case client.MethodTOTP:
		return "Check that totp_secret is this factor's secret and that totp_period, totp_digits and totp_algorithm " +
			"match the domain's TOTP settings."
	case client.MethodBypassCode:
		return "Check bypass_code: each bypass code works once."
	case client.MethodSecurityQuestions:
		return "Check security_answers."
	case client.MethodSMS, client.MethodEmail, client.MethodPhoneCall:
		return "The passcode was decrypted with private_key_pem and submitted as the service returned it; if this " +
			"repeats, the service may have sent the passcode for another request."
	}
	return "Check the answer given for the factor's method (totp_secret, bypass_code or security_answers)."
}
