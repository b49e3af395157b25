package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// The Update paths of a pending factor whose answer was lost (client.IsAmbiguous): the
// factor's status is read before anything is reported, on a context Terraform's stop does
// not cancel, and the error says what may have happened, what was checked and what to do.

// checkedStatus reads the factor's status after a lost answer: "" when that failed too, with
// the text of the failure in why.
func (u *factorUpdate) checkedStatus(ctx context.Context) (status, why string) {
	ctx, cancel := reconcileContext(ctx)
	defer cancel()
	p := u.plan.factor()
	fs, err := u.r.api.GetFactor(ctx, p.UserID.ValueString(), p.FactorID.ValueString())
	if err != nil {
		return "", serviceErrorText(err)
	}
	return fs.FactorStatus, ""
}

// lostActivation follows a passcode submission whose answer was lost. ENROLLED means the
// passcode was accepted; still pending means it was not (judged wrong, or never processed),
// and the state keeps the previous otp_code_wo_version so that applying again submits it.
func (u *factorUpdate) lostActivation(ctx context.Context, err error) {
	p := u.plan.factor()
	status, why := u.checkedStatus(ctx)
	if status == client.FactorStatusEnrolled {
		p.Status = types.StringValue(client.FactorStatusEnrolled)
		u.diags.Append(clearEnrollment(ctx, u.private)...)
		return
	}
	u.keepPrevious()
	u.diags.AddError(fmt.Sprintf("The passcode of %s factor %s may not have been judged", u.r.kind.label, p.FactorID.ValueString()),
		fmt.Sprintf("%s\n\nTerraform then read the factor's status: %s. The state keeps the previous otp_code_wo_version, "+
			"so applying again with the same otp_code_wo submits the passcode again (if the service had judged it wrong, "+
			"that attempt counted towards locking the user).", apiErrorDetail(err), checkedText(status, why,
			"still ENROLLMENT_INITIATED, so the passcode was not accepted")))
}

// lostResend follows a resend whose answer was lost. The service probably sent a new passcode
// and answered a new requestState that never arrived. The state records the new
// otp_resend_version, so the next apply does not send yet another passcode, and keeps the
// requestState Terraform holds: submitting the passcode that arrived uses it, which works
// where the identity domain keeps an enrollment's earlier requestStates valid across a resend;
// where it does not (AUTH-1120), activation restarts the enrollment, as for any stale request.
func (u *factorUpdate) lostResend(ctx context.Context, err error) {
	p := u.plan.factor()
	status, why := u.checkedStatus(ctx)
	if status == client.FactorStatusEnrolled {
		u.enrolledElsewhere(ctx)
		return
	}
	u.diags.AddError(fmt.Sprintf("A new passcode may have been sent for %s factor %s", u.r.kind.label, p.FactorID.ValueString()),
		fmt.Sprintf("%s\n\nTerraform then read the factor's status: %s. The state records the new otp_resend_version, so "+
			"the next apply does not send yet another passcode. If a new passcode reached %s, submit it: set otp_code_wo "+
			"to it, change otp_code_wo_version and apply; Terraform submits it with the enrollment request it holds (if "+
			"the identity domain no longer accepts that request, the enrollment is restarted and one more passcode is "+
			"sent, which the apply then asks for). If none arrived, change otp_resend_version again.",
			apiErrorDetail(err), checkedText(status, why, "still ENROLLMENT_INITIATED"),
			orUnknown(p.DisplayName.ValueString(), "the user")))
}

// checkedText says what the status read after a lost answer showed.
func checkedText(status, why, pending string) string {
	switch {
	case why != "":
		return "that failed too (" + why + ")"
	case status == client.FactorStatusInitiated:
		return pending
	default:
		return orUnknown(status, "no status")
	}
}
