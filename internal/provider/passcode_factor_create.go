package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Create enrolls the factor. Unless skip_verification is set, the service sends a passcode
// and the factor stays ENROLLMENT_INITIATED; its requestState goes to private state only.
func (r *passcodeFactorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	m := r.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, in := m.factor(), m.passcode()
	enrollReq := m.enrollRequest()
	enrollReq.SkipVerification = in.SkipVerification.ValueBool()

	userID := c.UserID.ValueString()
	takeOver := in.TakeOverPending.ValueBool()
	devices, release, derr := r.sharedDevices(ctx, userID)
	var added *client.MFADevice
	sent := false
	defer func() { release(added, sent) }()
	pc, facts := r.createFacts(ctx, userID, m, takeOver, devices, derr)
	decision := decidePasscodeCreate(facts)
	if decision.outcome == createRefuse {
		resp.Diagnostics.Append(r.createRefusalDiagnostic(decision.refusal, userID, pc, facts, derr))
		return
	}
	if decision.warnUnchecked {
		resp.Diagnostics.Append(r.uncheckedWarning(userID, pc))
	}
	defer r.forgetListing(userID)
	enrollReq.Before = pc.before
	sent = true
	e, err := r.api.Enroll(ctx, userID, enrollReq)
	var lost *client.LostAnswerError
	if errors.As(err, &lost) {
		resp.Diagnostics.Append(r.lostEnrollmentDiagnostic(userID, lost))
		return
	}
	if err != nil {
		summary := fmt.Sprintf("Could not enroll the %s factor of user %s", r.kind.label, userID)
		if errors.Is(err, client.ErrAlreadyEnrolled) {
			resp.Diagnostics.Append(r.alreadyEnrolledDiagnostic(ctx, summary, userID, m.identifies, err))
			return
		}
		resp.Diagnostics.Append(apiErrorDiagnostic(summary, err))
		return
	}
	if e.Lost != nil {
		resp.Diagnostics.Append(r.settledEnrollmentWarning(e))
	}
	simultaneous := simultaneousNone
	if decision.outcome == createTakeOver {
		r.takenOverWarning(e.FactorID, pc.found, &resp.Diagnostics)
	} else {
		// A take-over restarts on purpose; any other restart is another apply's enrollment.
		simultaneous = r.checkSimultaneous(ctx, userID, e, &resp.Diagnostics)
	}
	if d := r.simultaneousDiagnostic(userID, e.FactorID, simultaneous); d != nil {
		resp.Diagnostics.Append(d)
		if d.Severity() == diag.SeverityError {
			return
		}
	}
	added = &client.MFADevice{Value: e.FactorID, Display: e.DisplayName, FactorType: r.kind.method,
		FactorStatus: enrollmentStatus(e)}
	c.setIDs(userID, e.FactorID)
	c.Status = types.StringValue(enrollmentStatus(e))
	c.DisplayName = types.StringValue(e.DisplayName)
	c.Methods = stringList(orDefault(e.Methods, r.kind.method))
	in.OTPCodeWO = types.StringNull()

	// The private record is written once: the new request of a pending factor, or nothing.
	var rec pendingRecord
	if c.Status.ValueString() != client.FactorStatusEnrolled {
		if simultaneous != simultaneousKept {
			rec = newPendingRecord(e.RequestState, r.now())
		}
		if e.RequestState != "" && simultaneous != simultaneousKept {
			resp.Diagnostics.AddWarning(capitalize(r.kind.label)+" factor enrolled: passcode sent", r.pendingDetail(c))
		}
	}
	resp.Diagnostics.Append(writePendingRecord(ctx, resp.Private, rec)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func orDefault(values []string, def string) []string {
	if len(values) == 0 {
		return []string{def}
	}
	return values
}

func orUnknown(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
