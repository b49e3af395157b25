package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Calls whose answer was lost (client.IsAmbiguous: the connection dropped after the request
// was sent, a 5xx, a timeout). The client owns them: it looks up what the request did before
// it returns and says what it checked and found (client.LostAnswer). The provider only renders
// that: it never reads the service again to settle one.

// reconcileTimeout bounds look-ups after a call whose answer was lost where the provider
// makes several calls as one change (the self-service enrollment, TOTP). They run even if
// Terraform is stopping: what the call did must be known before the provider reports.
const reconcileTimeout = time.Minute

// reconcileContext is the context of those look-ups: detached from Terraform's stop, bounded.
func reconcileContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), reconcileTimeout)
}

// isLostAnswer reports whether err leaves the call's outcome unknown.
func isLostAnswer(err error) bool {
	return client.IsAmbiguous(err) || errors.Is(err, context.DeadlineExceeded)
}

// checkedText is what a look-up read, with the role it needs when it was refused for want of one.
func checkedText(la client.LostAnswer) string {
	if errors.Is(la.LookErr, client.ErrForbidden) || errors.Is(la.LookErr, client.ErrUnauthorized) {
		return la.Checked + "; that needs the " + roleUserAdministrator + " app role"
	}
	return la.Checked
}

// lostEnrollmentDiagnostic is the error of a create whose enrollment lost its answer and
// whose look-up found nothing it made, or could not tell.
func (r *passcodeFactorResource) lostEnrollmentDiagnostic(userID string, la *client.LostAnswerError) diag.Diagnostic {
	next := "Apply again to enroll it."
	if la.Found == client.FoundAmbiguous {
		next = "Apply again: if the enrollment was carried out, the create finds the factor and says how to adopt it " +
			"(an import {} block); if it was not, the create enrolls it then."
	}
	return diag.NewErrorDiagnostic(
		fmt.Sprintf("The enrollment of the %s factor of user %s may have been carried out", r.kind.label, userID),
		fmt.Sprintf("%s\n\nTerraform then checked %s: %s, so Terraform recorded nothing in state. %s",
			apiErrorDetail(la.Err), checkedText(la.LostAnswer), la.Detail, next))
}

// settledEnrollmentWarning follows a create whose enrollment lost an answer on the way to
// its result: either the look-up found the factor this request made, or the request was sent
// again and answered.
func (r *passcodeFactorResource) settledEnrollmentWarning(e *client.Enrollment) diag.Diagnostic {
	la := e.Lost
	if la.Resent {
		checked := ""
		if la.Checked != "nothing" {
			checked = fmt.Sprintf("Terraform then checked %s: %s. ", la.Checked, la.Detail)
		}
		return diag.NewWarningDiagnostic("The answer to the enrollment was lost: sent again",
			fmt.Sprintf("%s\n\n%sTerraform sent the enrollment again, which was answered with %s factor %s (%s): if "+
				"the first request had been carried out, the second restarted that same enrollment, so a passcode that "+
				"arrived before the latest one is void.", apiErrorDetail(la.Err), checked, r.kind.label, e.FactorID,
				e.FactorStatus))
	}
	detail := fmt.Sprintf("%s\n\nTerraform then checked %s and found %s, which it records in state.",
		apiErrorDetail(la.Err), la.Checked, la.Detail)
	if e.FactorStatus != client.FactorStatusEnrolled {
		detail += " The answer carried the enrollment's request, so Terraform cannot submit the passcode that was " +
			"sent: change otp_resend_version to restart the enrollment (a new passcode is sent), or let the user finish " +
			"it elsewhere while an idcsmfa_factor_activation resource waits."
	}
	return diag.NewWarningDiagnostic("The answer to the enrollment was lost: factor found and recorded", detail)
}

// lostActivationDiagnostic follows a passcode submission whose answer was lost and whose
// status read did not show it accepted: still pending means it was not (judged wrong, or never
// processed), and the state keeps the previous otp_code_wo_version so that applying again
// submits it.
func (r *passcodeFactorResource) lostActivationDiagnostic(factorID string, la *client.LostAnswerError) diag.Diagnostic {
	return diag.NewErrorDiagnostic(fmt.Sprintf("The passcode of %s factor %s may not have been judged", r.kind.label, factorID),
		fmt.Sprintf("%s\n\nTerraform then read %s: %s. The state keeps the previous otp_code_wo_version, "+
			"so applying again with the same otp_code_wo submits the passcode again (if the service had judged it wrong, "+
			"that attempt counted towards locking the user).", apiErrorDetail(la.Err), checkedText(la.LostAnswer), la.Detail))
}

// lostResendDiagnostic follows a resend whose answer was lost while the factor is still
// pending. The service probably sent a new passcode and answered a new requestState that never
// arrived. The state records the new otp_resend_version, so the next apply does not send yet
// another passcode, and keeps the requestState Terraform holds: submitting the passcode that
// arrived uses it, which works where the identity domain keeps an enrollment's earlier
// requestStates valid across a resend; where it does not (AUTH-1120), activation restarts the
// enrollment, as for any stale request.
func (r *passcodeFactorResource) lostResendDiagnostic(f *factorModel, la *client.LostAnswerError) diag.Diagnostic {
	return diag.NewErrorDiagnostic(fmt.Sprintf("A new passcode may have been sent for %s factor %s", r.kind.label, f.FactorID.ValueString()),
		fmt.Sprintf("%s\n\nTerraform then read %s: %s. The state records the new otp_resend_version, so "+
			"the next apply does not send yet another passcode. If a new passcode reached %s, submit it: set otp_code_wo "+
			"to it, change otp_code_wo_version and apply; Terraform submits it with the enrollment request it holds (if "+
			"the identity domain no longer accepts that request, the enrollment is restarted and one more passcode is "+
			"sent, which the apply then asks for). If none arrived, change otp_resend_version again.",
			apiErrorDetail(la.Err), checkedText(la.LostAnswer), la.Detail, orUnknown(f.DisplayName.ValueString(), "the user")))
}
