package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Update carries out the decision (passcode_factor_decision.go) for a passcode factor: it
// reads the private record once, decides, makes the call the outcome names, decides again
// only if the service refused the stored request, and writes the state and the record once.
// An enrolled factor is never asked to verify again, whatever the write-only values say.
func (r *passcodeFactorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	plan, prior, cfg := r.newModel(), r.newModel(), r.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, cfg)...)
	var code types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrOTPCodeWO), &code)...)
	rec, d := readPendingRecord(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	sf := prior.factor()
	defer r.forgetListing(sf.UserID.ValueString())
	*plan.factor() = *sf
	plan.passcode().OTPCodeWO = types.StringNull()

	a := &passcodeApply{r: r, plan: plan, prior: prior, cfg: cfg, code: code.ValueString(), rec: rec, diags: &resp.Diagnostics}
	a.facts = r.factsOf(plan, prior, cfg, rec, code.ValueString() != "", false)
	a.carryOut(ctx, decidePasscodeUpdate(a.facts))
	resp.Diagnostics.Append(writePendingRecord(ctx, resp.Private, a.rec)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// factsOf gathers what the decision looks at.
func (r *passcodeFactorResource) factsOf(plan, prior, cfg passcodeFactorModel, rec pendingRecord, passcode, planning bool) passcodeFacts {
	p, s := plan.passcode(), prior.passcode()
	return passcodeFacts{
		status:       prior.factor().Status.ValueString(),
		activate:     versionChanged(p.OTPCodeWOVersion, s.OTPCodeWOVersion),
		resend:       versionChanged(p.OTPResendVersion, s.OTPResendVersion),
		passcode:     passcode,
		record:       rec,
		takeOver:     cfg.passcode().TakeOverPending.ValueBool(),
		maskedNumber: cfg.maskedNumber() != "",
		planning:     planning,
		now:          r.now(),
	}
}

// passcodeApply carries out one update of a passcode factor: it changes plan (the state to
// be) and rec (the private record to be), which Update writes once.
type passcodeApply struct {
	r                *passcodeFactorResource
	plan, prior, cfg passcodeFactorModel
	code             string // otp_code_wo, from the configuration
	facts            passcodeFacts
	rec              pendingRecord
	diags            *diag.Diagnostics
}

// carryOut makes the call the decision names and records what came of it.
func (a *passcodeApply) carryOut(ctx context.Context, d passcodeDecision) {
	p := a.plan.factor()
	userID, factorID := p.UserID.ValueString(), p.FactorID.ValueString()
	switch d.outcome {
	case outcomeNothing:
	case outcomeEnrolled:
		a.rec = pendingRecord{}
		if a.facts.activate || a.facts.resend {
			a.diags.Append(a.r.alreadyEnrolledWarning(factorID, a.code != ""))
		}
	case outcomeRefuse:
		a.keepPrevious()
		action := "no new passcode was requested"
		if a.facts.activate {
			// The passcode may well be the fresh one of the newer request (after the resend
			// action, say): it is not blamed, only not sent against a request this state lost.
			action = "the passcode in otp_code_wo was not submitted, since this state no longer holds the current request"
		}
		if d.refusal == refuseMaskedNumber {
			action = "apply"
		}
		a.diags.Append(a.r.refusalDiagnostic(d, p, a.rec, a.cfg.maskedNumber(), action))
	case outcomeSubmit:
		a.submit(ctx, a.r.api.ActivateFactor(ctx, userID, factorID, a.code, a.rec.RequestState))
	case outcomeResend:
		e, err := a.r.api.ResendOTP(ctx, userID, factorID, a.rec.RequestState)
		a.resent(ctx, e, err)
	case outcomeRestart:
		a.restart(ctx, d)
	}
}

// keepPrevious makes the state keep the previous trigger versions after a failure, so that
// fixing the input and applying again retries.
func (a *passcodeApply) keepPrevious() {
	p, s := a.plan.passcode(), a.prior.passcode()
	p.OTPCodeWOVersion, p.OTPResendVersion = s.OTPCodeWOVersion, s.OTPResendVersion
}

// refusedRequest decides again after the service refused the stored request.
func (a *passcodeApply) refusedRequest(ctx context.Context, err error) {
	a.facts.refused = refusedExpired
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.Code == codeVoidedRequestState {
		a.facts.refused = refusedVoided
	}
	a.carryOut(ctx, decidePasscodeUpdate(a.facts))
}

// codeVoidedRequestState is the answer to a requestState that is "invalid or expired"
// (AUTH-1117 is the one for "expired"; API reference, "Error codes"). The emulator gives it to
// a requestState a newer enrollment or resend of the factor voided (EMULATOR.md, inference 31).
const codeVoidedRequestState = "AUTH-1120"

// submit records the answer to a passcode submission.
func (a *passcodeApply) submit(ctx context.Context, err error) {
	p := a.plan.factor()
	factorID := p.FactorID.ValueString()
	var lost *client.LostAnswerError
	switch {
	case err == nil:
		p.Status = types.StringValue(client.FactorStatusEnrolled)
		a.rec = pendingRecord{}
	case errors.Is(err, client.ErrAlreadyEnrolled):
		a.enrolledElsewhere()
	case errors.Is(err, client.ErrRequestState):
		a.refusedRequest(ctx, err)
	case errors.As(err, &lost):
		a.keepPrevious()
		a.diags.Append(a.r.lostActivationDiagnostic(factorID, lost))
	case errors.Is(err, client.ErrNotFound):
		a.keepPrevious()
		a.diags.Append(a.r.goneDiagnostic("submit the passcode", factorID, err))
	case errors.Is(err, client.ErrInvalidPasscode):
		a.keepPrevious()
		a.diags.AddAttributeError(path.Root(attrOTPCodeWO), "Wrong passcode",
			apiErrorDetail(err)+fmt.Sprintf("\n\nFactor %s stays ENROLLMENT_INITIATED and the state keeps the previous "+
				"otp_code_wo_version, so nothing is lost: check the code in otp_code_wo and apply again (after a resend, only "+
				"the passcode of the latest message is accepted), or change "+
				"otp_resend_version to have a new passcode sent to %s and apply again with it. %s",
				factorID, orUnknown(p.DisplayName.ValueString(), "the user"), lockoutText(ctx, a.r.api, p.UserID.ValueString())+a.r.domainLockoutText(ctx)))
	default:
		a.keepPrevious()
		a.diags.Append(apiErrorDiagnostic(fmt.Sprintf("Could not submit the passcode of %s factor %s", a.r.kind.label, factorID), err))
	}
}

// resent records the answer to a resend.
func (a *passcodeApply) resent(ctx context.Context, e *client.Enrollment, err error) {
	p := a.plan.factor()
	factorID := p.FactorID.ValueString()
	var lost *client.LostAnswerError
	switch {
	case err == nil:
		a.rec = newPendingRecord(e.RequestState, a.r.now())
		a.diags.AddWarning("New passcode sent", fmt.Sprintf("A new passcode was sent to %s for factor %s. %s",
			orUnknown(p.DisplayName.ValueString(), "the user"), factorID, finishHint))
	case errors.Is(err, client.ErrAlreadyEnrolled):
		a.enrolledElsewhere()
	case errors.As(err, &lost):
		// The resend is recorded (the versions move on) and the record says its answer was lost.
		a.rec.ResendLost = true
		a.diags.Append(a.r.lostResendDiagnostic(p, lost))
	case errors.Is(err, client.ErrRequestState):
		a.refusedRequest(ctx, err)
	case errors.Is(err, client.ErrNotFound):
		a.keepPrevious()
		a.diags.Append(a.r.goneDiagnostic("resend the passcode", factorID, err))
	default:
		a.keepPrevious()
		a.diags.Append(apiErrorDiagnostic(fmt.Sprintf("Could not resend the passcode of %s factor %s", a.r.kind.label, factorID), err))
	}
}

// enrolledElsewhere records that the pending factor turned out to be ENROLLED when the update
// acted on it: someone finished the enrollment after the plan was made (or after the last
// refresh). Nothing was sent or submitted; the plan left the status unknown for this case.
func (a *passcodeApply) enrolledElsewhere() {
	p := a.plan.factor()
	p.Status = types.StringValue(client.FactorStatusEnrolled)
	a.rec = pendingRecord{}
	a.diags.Append(a.r.enrolledElsewhereWarning(p.FactorID.ValueString(), a.code != ""))
}

// restart enrolls the pending factor again: the service restarts an unfinished enrollment of
// the same device under the same factor id, with a new passcode and requestState.
func (a *passcodeApply) restart(ctx context.Context, d passcodeDecision) {
	p := a.plan.factor()
	userID, factorID := p.UserID.ValueString(), p.FactorID.ValueString()
	if d.ask {
		a.keepPrevious()
	}
	// The configuration, not the plan, holds the real phone number of an imported factor.
	e, err := a.r.api.Enroll(ctx, userID, a.cfg.enrollRequest())
	if errors.Is(err, client.ErrAlreadyEnrolled) {
		// The device is enrolled: finished elsewhere since the plan, if it is this factor.
		if fs, gerr := a.r.api.GetFactor(ctx, userID, factorID); gerr == nil && fs.FactorStatus == client.FactorStatusEnrolled {
			a.enrolledElsewhere()
			return
		}
	}
	var lost *client.LostAnswerError
	switch {
	case errors.As(err, &lost):
		a.keepPrevious()
		a.diags.Append(a.r.lostEnrollmentDiagnostic(userID, lost))
		return
	case err != nil:
		a.keepPrevious()
		a.diags.Append(apiErrorDiagnostic(fmt.Sprintf("Could not restart the enrollment of %s factor %s", a.r.kind.label, factorID), err))
		return
	case e.FactorID != factorID:
		a.keepPrevious()
		a.rec = pendingRecord{}
		a.diags.AddError("Enrollment restarted under a different factor",
			fmt.Sprintf("Restarting the enrollment of factor %s created factor %s instead. The state still names %s; run "+
				"terraform apply again: the next refresh finds out whether %s still exists and, if not, plans to create "+
				"the factor again, which adopts the pending %s.", factorID, e.FactorID, factorID, factorID, e.FactorID))
		return
	case enrollmentStatus(e) == client.FactorStatusEnrolled:
		p.Status = types.StringValue(client.FactorStatusEnrolled)
		a.rec = pendingRecord{}
		return
	}
	a.rec = newPendingRecord(e.RequestState, a.r.now())
	a.diags.Append(a.r.restartedDiagnostic(d, p))
}

// enrollmentStatus reads the status of an E3 answer; without one, a requestState means pending.
func enrollmentStatus(e *client.Enrollment) string {
	switch {
	case e.FactorStatus != "":
		return e.FactorStatus
	case e.RequestState != "":
		return client.FactorStatusInitiated
	default:
		return client.FactorStatusEnrolled
	}
}

// versionChanged reports whether a trigger version was set to a new value. Removing it from
// the configuration triggers nothing.
func versionChanged(plan, prior types.Int64) bool {
	return !plan.IsNull() && !plan.IsUnknown() && !plan.Equal(prior)
}
