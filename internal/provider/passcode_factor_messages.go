package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// The texts of the passcode lifecycle's outcomes (passcode_factor_decision.go): what a
// create, an update or a plan tells the user, in one place.

const finishHint = "Submit it with otp_code_wo and a changed otp_code_wo_version, or let another tool submit it while " +
	"an idcsmfa_factor_activation resource waits."

// pendingDetail says how to finish a factor left pending. The factor resource cannot see
// whether an idcsmfa_factor_activation waits for it elsewhere, so it says both.
func (r *passcodeFactorResource) pendingDetail(c *factorModel) string {
	return fmt.Sprintf("A passcode was sent to %s for factor %s. The factor is ENROLLMENT_INITIATED until the passcode "+
		"is submitted, in one of two ways:\n"+
		"  1. set otp_code_wo to the passcode and change otp_code_wo_version (Terraform 1.11+), then apply again "+
		"(an idcsmfa_factor_activation waiting for this factor in another configuration then completes); or\n"+
		"  2. let the user finish it where no requestState is needed (Oracle does not document whether the identity "+
		"domain's own pages allow it), while an idcsmfa_factor_activation resource waits for this factor.\n"+
		"If the passcode does not arrive or expires, change otp_resend_version to have a new one sent.%s",
		orUnknown(c.DisplayName.ValueString(), "the user's "+r.kind.label+" channel"), c.FactorID.ValueString(),
		prefixed(" ", passcodeValidity(r.policy.cached(), []string{r.kind.method})))
}

// removableText says which inputs may go once the factor is enrolled: otp_code_wo only when
// the configuration sets it.
func removableText(passcodeSet bool) string {
	if passcodeSet {
		return " otp_code_wo can now be removed from the configuration."
	}
	return ""
}

// alreadyEnrolledWarning: the versions changed on a factor the state already shows ENROLLED.
func (r *passcodeFactorResource) alreadyEnrolledWarning(factorID string, passcodeSet bool) diag.Diagnostic {
	return diag.NewWarningDiagnostic(capitalize(r.kind.label)+" factor already enrolled",
		fmt.Sprintf("Factor %s is ENROLLED, so no passcode was submitted or sent; the new version numbers are only "+
			"recorded.%s", factorID, removableText(passcodeSet)))
}

// enrolledElsewhereWarning: the pending factor turned out ENROLLED when the update acted on it.
func (r *passcodeFactorResource) enrolledElsewhereWarning(factorID string, passcodeSet bool) diag.Diagnostic {
	return diag.NewWarningDiagnostic(capitalize(r.kind.label)+" factor already enrolled: nothing was sent",
		fmt.Sprintf("Factor %s was enrolled outside this apply after the plan was made (the passcode was submitted "+
			"elsewhere), so no passcode was sent or submitted and the enrollment was not restarted. The state now "+
			"records it as ENROLLED.%s", factorID, removableText(passcodeSet)))
}

// goneDiagnostic: the factor was deleted after the plan was made; nothing was sent.
func (r *passcodeFactorResource) goneDiagnostic(action, factorID string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(fmt.Sprintf("Could not %s of %s factor %s: it no longer exists", action, r.kind.label, factorID),
		fmt.Sprintf("%s\n\nThe factor was deleted after the plan was made, so nothing was sent. The next plan sees it gone "+
			"and plans to create it again (a new enrollment, with a new passcode): run terraform apply again.", apiErrorDetail(err)))
}

// refusalDiagnostic says why an update sent nothing.
func (r *passcodeFactorResource) refusalDiagnostic(d passcodeDecision, f *factorModel, rec pendingRecord, masked, action string) diag.Diagnostic {
	to := orUnknown(f.DisplayName.ValueString(), "the user")
	switch d.refusal {
	case refuseNoPasscode:
		return diag.NewAttributeErrorDiagnostic(path.Root(attrOTPCodeWO), "Missing passcode",
			"otp_code_wo_version changed but otp_code_wo is empty. Set otp_code_wo to the passcode the user received.")
	case refuseMaskedNumber:
		return diag.NewAttributeErrorDiagnostic(path.Root(attrMobileNumber), "A masked number cannot enroll a factor",
			fmt.Sprintf("Attribute mobile_number is %q, and this %s would restart the enrollment of SMS factor %s, "+
				"which sends the number to the identity domain again: %s. %s", masked, action, f.FactorID.ValueString(),
				restartWhy(d.why), importedPhoneText(masked)))
	}
	return diag.NewAttributeErrorDiagnostic(path.Root(attrTakeOverPending), "Enrollment restarted outside this resource: nothing was sent",
		fmt.Sprintf("The identity domain no longer accepts the enrollment request this resource holds for %s factor %s "+
			"(AUTH-1120), although it was issued at %s, within its lifetime: the enrollment of this %s was restarted, or "+
			"a new passcode was sent for it, outside this resource since this resource last did. That can be another "+
			"Terraform workspace with %s = true, the person in the identity domain's pages, or the "+
			"idcsmfa_resend_passcode action. So %s; nothing was sent, the enrollment was not restarted, and the passcode "+
			"the other party holds still works. The state keeps the previous otp_code_wo_version and otp_resend_version.\n\n"+
			"What to do: finish the enrollment where it was restarted (submit the passcode sent to %s there); the next "+
			"refresh of this resource then sees the factor ENROLLED and records it, with nothing to submit. Or, to restart "+
			"the enrollment here, set %s = true in this resource and apply again: a new passcode is sent to %s and the "+
			"passcode the other party holds stops working.",
			r.kind.label, f.FactorID.ValueString(), rec.IssuedAt.Format("2006-01-02 15:04:05 MST"), r.deviceWord(),
			attrTakeOverPending, action, to, attrTakeOverPending, to))
}

// restartWhy says why the enrollment restarted.
func restartWhy(why restartReason) string {
	switch why {
	case restartExpired:
		return "the identity domain no longer accepts its enrollment request (it expired, or a resend of this resource " +
			"whose answer was lost replaced it)"
	case restartTakenBack:
		return "the enrollment was restarted, or a passcode resent, outside this resource since this resource last did " +
			"(another workspace, the person, or the idcsmfa_resend_passcode action), which voided its enrollment request; " +
			attrTakeOverPending + " is true, so the enrollment was taken over here and the passcode the other party holds " +
			"no longer works"
	}
	return "no enrollment request was stored (imported factor)"
}

// restartedDiagnostic follows a restart that left the factor pending with a new passcode.
func (r *passcodeFactorResource) restartedDiagnostic(d passcodeDecision, f *factorModel) diag.Diagnostic {
	to, id := orUnknown(f.DisplayName.ValueString(), "the user"), f.FactorID.ValueString()
	switch {
	case d.ask:
		return diag.NewAttributeErrorDiagnostic(path.Root(attrOTPCodeWO), "Enrollment restarted: passcode not submitted",
			fmt.Sprintf("The passcode could not be submitted because %s. The enrollment of %s factor %s was restarted and "+
				"a new passcode was sent to %s. Put the new passcode in otp_code_wo and apply again (otp_code_wo_version "+
				"can stay as it is: the state keeps the previous one).", restartWhy(d.why), r.kind.label, id, to))
	case d.why == restartTakenBack:
		return diag.NewWarningDiagnostic("Pending enrollment taken over", fmt.Sprintf("A new passcode was sent to %s for "+
			"factor %s because %s. %s", to, id, restartWhy(d.why), finishHint))
	}
	return diag.NewWarningDiagnostic("Enrollment restarted", fmt.Sprintf("The enrollment request of factor %s could no "+
		"longer be used (it expired, or the factor was imported), so the enrollment was restarted and a new passcode was "+
		"sent to %s. %s", id, to, finishHint))
}

// plannedRestartWarning announces at plan time that the apply will restart the enrollment.
func (r *passcodeFactorResource) plannedRestartWarning(f *factorModel, rec pendingRecord, activate bool) diag.Diagnostic {
	why := "No enrollment request is stored for this pending factor (it was imported, or its request was lost)"
	if rec.usable() {
		why = fmt.Sprintf("Its enrollment request was issued at %s, more than %s ago, so the identity domain has "+
			"probably expired it", rec.IssuedAt.Format("2006-01-02 15:04:05 MST"), requestStateMaxAge)
	}
	detail := fmt.Sprintf("%s. Applying will restart the enrollment of %s factor %s (the service keeps the factor id), "+
		"which sends a new passcode to %s.", why, r.kind.label, f.FactorID.ValueString(),
		orUnknown(f.DisplayName.ValueString(), "the user"))
	if activate {
		detail += " The passcode in otp_code_wo belongs to the previous enrollment and is not submitted if the " +
			"enrollment restarts: put the new passcode in otp_code_wo and apply again."
	}
	return diag.NewWarningDiagnostic("The enrollment will be restarted", detail)
}

// alreadyEnrolledDiagnostic is the error of a create that met a factor already enrolled
// (AUTH-1031, AUTH-1003): the service's answer and, when the user's listing shows exactly one
// factor of this kind that identifies(displayName) accepts, the import {} block that takes it
// over, ready to paste. The provider does not know the resource's address: Terraform prints it
// after "with" under the error, and the block says so.
func (r *passcodeFactorResource) alreadyEnrolledDiagnostic(ctx context.Context, summary, userID string,
	identifies func(displayName string) bool, err error) diag.Diagnostic {
	detail := apiErrorDetail(err)
	list, lerr := r.api.ListFactors(ctx, userID)
	if lerr != nil {
		return diag.NewErrorDiagnostic(summary, detail+fmt.Sprintf("\n\nListing the user's factors to name the one to "+
			"import failed too: %s.", serviceErrorText(lerr)))
	}
	var found []client.Factor
	for _, f := range list.Factors {
		if slices.Contains(f.Methods, r.kind.method) && identifies(f.DisplayName) {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 1:
		detail += "\n\n" + importBlockText(r.kind, userID, found[0])
	case 0:
		detail += fmt.Sprintf("\n\nThe user's enrolled factors show no %s factor that matches this configuration.", r.kind.label)
	default:
		ids := make([]string, 0, len(found))
		for _, f := range found {
			ids = append(ids, f.FactorID+" ("+f.DisplayName+")")
		}
		detail += fmt.Sprintf("\n\nSeveral enrolled %s factors of the user match this configuration: %s. Import the "+
			"right one with id = \"%s/<factor_id>\".", r.kind.label, strings.Join(ids, ", "), userID)
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// importBlockText names the existing factor f and gives the import {} block that takes it
// over, ready to paste once `to` names the resource.
func importBlockText(k factorKind, userID string, f client.Factor) string {
	return fmt.Sprintf("It is factor %s (%s). To manage it with this resource, add this block to the configuration, "+
		"with `to` set to this resource's address (Terraform prints it on the \"with\" line of this error, e.g. %s.<name>), "+
		"and apply again:\n\nimport {\n  to = %s.<name>\n  id = %q\n}",
		f.FactorID, orUnknown(f.DisplayName, k.label), k.typeName, k.typeName, factorResourceID(userID, f.FactorID))
}

// prefixed is s after prefix, or "" when s is empty.
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
