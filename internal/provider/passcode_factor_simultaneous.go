package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Two applies that enroll the same device at the same moment (issue 25, item 2): both check
// for a pending enrollment before either enrolls, the first creates the factor and the second
// restarts it (same factor id, ARCHITECTURE.md decision 3). Neither request's answer says
// which it was, and two reads, one before and one after, look the same to both. What tells
// them apart: the device's meta.lastModified moves past meta.created when its enrollment is
// started again, and only the latest requestState still works. So after a pending enrollment
// the create reads the device's times once; only when it was restarted does it ask the
// service which request is current (a resend with its requestState: refused, nothing sent,
// when another request replaced it). The request that created the factor keeps it; the one
// that restarted it fails, and its state never holds the factor.

// simultaneousOutcome is what a create does after its enrollment, given the check.
type simultaneousOutcome int

const (
	// simultaneousNone: the device was not enrolled again since it was created (or the check
	// could not run); the create records the factor with its request.
	simultaneousNone simultaneousOutcome = iota
	// simultaneousKept: this create's request made the factor and another enrollment restarted
	// it; the create records the factor without a request (its passcode is void).
	simultaneousKept
	// simultaneousLost: this create's request restarted an enrollment another request had
	// made a moment before; the create fails and records nothing.
	simultaneousLost
	// simultaneousUnknown: restarted, and the service's answer to the probe did not say whose
	// request is current; the create fails and records nothing, naming the factor.
	simultaneousUnknown
)

// probeResult is what the resend that asks which request is current found.
type probeResult int

const (
	probeNotSent  probeResult = iota // the device was not restarted: no probe
	probeCurrent                     // our request was current: a new passcode was sent
	probeReplaced                    // refused (AUTH-1117/1120) or already enrolled: another request replaced ours
	probeFailed                      // any other failure
)

// decideSimultaneous is the pure decision after an enrollment that sent a passcode.
func decideSimultaneous(restarted bool, probe probeResult) simultaneousOutcome {
	switch {
	case !restarted:
		return simultaneousNone
	case probe == probeReplaced:
		return simultaneousKept
	case probe == probeCurrent:
		return simultaneousLost
	}
	return simultaneousUnknown
}

// checkSimultaneous runs the check after enrollment e and returns the outcome. It costs one
// read of the device; the probe only follows a restart. Without the role that reads devices,
// in self-service mode, or after a lost answer, nothing is checked (the pending check already
// warned where it could not read).
func (r *passcodeFactorResource) checkSimultaneous(ctx context.Context, userID string, e *client.Enrollment, diags *diag.Diagnostics) simultaneousOutcome {
	admin := r.api.admin()
	if admin == nil || e.RequestState == "" || e.Lost != nil {
		// After a lost answer the client may have sent the enrollment again, restarting its own
		// request: a restart is then no sign of another apply, and is not checked.
		return simultaneousNone
	}
	times, err := admin.DeviceTimes(ctx, e.FactorID)
	if err != nil {
		if !errors.Is(err, client.ErrForbidden) && !errors.Is(err, client.ErrUnauthorized) {
			diags.AddWarning("Could not check for a simultaneous enrollment of this "+r.deviceWord(),
				fmt.Sprintf("After enrolling factor %s of user %s, Terraform reads the device's times to find out whether "+
					"another apply enrolled the same %s at the same moment; the read failed (%s). If another workspace "+
					"manages this %s, check that only one state holds factor %s.",
					e.FactorID, userID, r.deviceWord(), serviceErrorText(err), r.deviceWord(), e.FactorID))
		}
		return simultaneousNone
	}
	probe := probeNotSent
	if times.Restarted() {
		_, perr := r.api.ResendOTP(ctx, userID, e.FactorID, e.RequestState)
		switch {
		case perr == nil:
			probe = probeCurrent
		case errors.Is(perr, client.ErrRequestState) || errors.Is(perr, client.ErrAlreadyEnrolled):
			probe = probeReplaced
		default:
			probe = probeFailed
		}
	}
	return decideSimultaneous(times.Restarted(), probe)
}

// simultaneousDiagnostic tells the user what the check found (nil for simultaneousNone).
func (r *passcodeFactorResource) simultaneousDiagnostic(userID, factorID string, out simultaneousOutcome) diag.Diagnostic {
	dev := r.deviceWord()
	imp := importBlockText(r.kind, userID, client.Factor{FactorID: factorID})
	switch out {
	case simultaneousKept:
		return diag.NewWarningDiagnostic("Another enrollment of this "+dev+" started at the same moment",
			fmt.Sprintf("This apply created the %s factor of user %s (factor %s), and another enrollment of the same %s "+
				"(another Terraform workspace or CI job, most likely) reached the identity domain a moment later and "+
				"restarted it. That apply fails and leaves the factor to this one, but the passcode this apply sent no "+
				"longer works: raise otp_resend_version to send a new one.", r.kind.label, userID, factorID, dev))
	case simultaneousLost:
		return diag.NewErrorDiagnostic("Another apply enrolled this "+dev+" at the same moment",
			fmt.Sprintf("Another enrollment of the same %s (another Terraform workspace or CI job, most likely) created "+
				"the %s factor of user %s (factor %s) a moment before this apply's request reached the identity domain, "+
				"so this request restarted that enrollment instead of making a factor of its own. The other apply holds "+
				"factor %s; this state does not, so that one factor never has two owners. The passcode the other "+
				"enrollment sent no longer works, and a new one was sent to the %s (finding out which request is "+
				"current resends it). The other workspace's next passcode submission sends nothing and says how to get "+
				"a new passcode there.\n\nIf this configuration should manage the factor instead, remove it from the other one and "+
				"adopt it here. %s Otherwise remove this resource.", dev, r.kind.label, userID, factorID, factorID, dev, imp))
	case simultaneousUnknown:
		return diag.NewErrorDiagnostic("Another enrollment of this "+dev+" started at the same moment",
			fmt.Sprintf("Factor %s of user %s was enrolled again right after it was created (another Terraform workspace "+
				"or CI job, most likely), and the identity domain did not say which request is current, so this apply "+
				"does not record the factor: one factor must not have two owners. If no other configuration manages "+
				"it, adopt it here. %s", factorID, userID, imp))
	}
	return nil
}
