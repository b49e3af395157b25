package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// reconcileTimeout bounds the look-ups after a call whose answer was lost. They run even if
// Terraform is stopping: what the call did must be known before the provider reports.
const reconcileTimeout = time.Minute

// reconcileContext is the context of those look-ups: detached from Terraform's stop, bounded.
func reconcileContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), reconcileTimeout)
}

// reconcileEnrollment runs after an enrollment that may have been carried out although no
// answer said so (client.IsAmbiguous: the connection dropped after the request was sent, a
// 5xx, a timeout), once the client's own recovery gave up. It looks for the factor the
// request would have made: a device of this kind that the configuration identifies, pending
// (or, with skip_verification, enrolled), and not one of the pending enrollments seen before
// the request (pc). It returns that factor as an enrollment without requestState, or nil with
// the error that says what was checked.
func (r *passcodeFactorResource) reconcileEnrollment(ctx context.Context, userID string, m passcodeFactorModel,
	skip bool, pc pendingCheck, sendErr error) (*client.Enrollment, diag.Diagnostic) {
	ctx, cancel := reconcileContext(ctx)
	defer cancel()
	summary := fmt.Sprintf("The enrollment of the %s factor of user %s may have been carried out", r.kind.label, userID)
	var checked string
	devices, err := r.api.UserDevices(ctx, userID)
	switch {
	case err == nil:
		checked = "the user's devices in SCIM (pending and enrolled factors)"
		var found []client.MFADevice
		for _, d := range devices {
			seen := slices.ContainsFunc(pc.found, func(p client.MFADevice) bool { return p.Value == d.Value })
			if strings.EqualFold(d.FactorType, r.kind.method) && devicePending(d) != skip && !seen && m.identifies(d.Display) {
				found = append(found, d)
			}
		}
		if len(found) == 1 {
			return &client.Enrollment{FactorID: found[0].Value, FactorStatus: statusOf(found[0]),
				DisplayName: found[0].Display, Methods: []string{r.kind.method}}, nil
		}
		if len(found) > 1 {
			return nil, diag.NewErrorDiagnostic(summary, lostAnswerDetail(sendErr, checked, fmt.Sprintf("%d factors could "+
				"be this one, so Terraform recorded none", len(found))))
		}
	case skip:
		// Without the role, an enrolled factor is still seen in the MFA API's listing.
		checked = "the user's enrolled factors (the user's SCIM devices, which show pending ones too, could not be read: " +
			serviceErrorText(err) + ")"
		if list, lerr := r.api.ListFactors(ctx, userID); lerr == nil {
			if f := findIdentified(list, r.kind.method, m.identifies); f != nil {
				return &client.Enrollment{FactorID: f.FactorID, FactorStatus: client.FactorStatusEnrolled,
					DisplayName: f.DisplayName, Methods: f.Methods}, nil
			}
		} else {
			checked = "nothing: listing the user's factors failed too (" + serviceErrorText(lerr) + ")"
		}
	default:
		checked = "nothing: the MFA API does not list pending factors, and reading the user's devices in SCIM " +
			"failed (" + serviceErrorText(err) + ")"
		if errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrUnauthorized) {
			checked += "; that needs the " + roleUserAdministrator + " app role"
		}
	}
	return nil, diag.NewErrorDiagnostic(summary, lostAnswerDetail(sendErr, checked, "no such factor was found, so "+
		"Terraform recorded nothing in state"))
}

// statusOf is a SCIM device's status in the MFA API's terms.
func statusOf(d client.MFADevice) string {
	if devicePending(d) {
		return client.FactorStatusInitiated
	}
	return client.FactorStatusEnrolled
}

// findIdentified returns the only enrolled factor of the listing with this method that
// identifies accepts, or nil.
func findIdentified(list *client.UserFactors, method string, identifies func(string) bool) *client.Factor {
	var found *client.Factor
	for i := range list.Factors {
		f := &list.Factors[i]
		if slices.Contains(f.Methods, method) && identifies(f.DisplayName) {
			if found != nil {
				return nil
			}
			found = f
		}
	}
	return found
}

// lostAnswerDetail says, after a call whose answer was lost, what happened, what Terraform
// checked, what it found, and what to do.
func lostAnswerDetail(err error, checked, outcome string) string {
	return fmt.Sprintf("%s\n\nTerraform then checked %s: %s. Apply again: if the enrollment was carried out, the "+
		"create finds the factor and says how to adopt it (an import {} block); if it was not, the create enrolls it "+
		"then.", apiErrorDetail(err), checked, outcome)
}

// adoptedAfterLostAnswer is the warning of a create that found the factor its lost request made.
func (r *passcodeFactorResource) adoptedAfterLostAnswer(e *client.Enrollment, sendErr error) diag.Diagnostic {
	detail := fmt.Sprintf("%s\n\nTerraform then looked the factor up and found %s factor %s (%s), which it records in "+
		"state.", apiErrorDetail(sendErr), r.kind.label, e.FactorID, e.FactorStatus)
	if e.FactorStatus != client.FactorStatusEnrolled {
		detail += " The answer carried the enrollment's request, so Terraform cannot submit the passcode that was " +
			"sent: change otp_resend_version to restart the enrollment (a new passcode is sent), or let the user finish " +
			"it elsewhere while an idcsmfa_factor_activation resource waits."
	}
	return diag.NewWarningDiagnostic("The answer to the enrollment was lost: factor found and recorded", detail)
}

// isLostAnswer reports whether err leaves the call's outcome unknown.
func isLostAnswer(err error) bool {
	return client.IsAmbiguous(err) || errors.Is(err, context.DeadlineExceeded)
}
