package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
	pc, ok := r.checkPendingDevice(ctx, userID, m, takeOver, &resp.Diagnostics)
	if !ok {
		return
	}
	defer r.forgetListing(userID)
	e, err := r.api.Enroll(ctx, userID, enrollReq)
	if err != nil && isLostAnswer(err) {
		found, d := r.reconcileEnrollment(ctx, userID, m, enrollReq.SkipVerification, pc, err)
		if d != nil {
			resp.Diagnostics.Append(d)
			return
		}
		resp.Diagnostics.Append(r.adoptedAfterLostAnswer(found, err))
		e, err = found, nil
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
	if takeOver {
		r.takenOverWarning(e.FactorID, pc.found, &resp.Diagnostics)
	}
	c.setIDs(userID, e.FactorID)
	c.Status = types.StringValue(enrollmentStatus(e))
	c.DisplayName = types.StringValue(e.DisplayName)
	c.Methods = stringList(orDefault(e.Methods, r.kind.method))
	in.OTPCodeWO = types.StringNull()

	if c.Status.ValueString() == client.FactorStatusEnrolled {
		resp.Diagnostics.Append(clearEnrollment(ctx, resp.Private)...)
	} else {
		resp.Diagnostics.Append(writeEnrollment(ctx, resp.Private, e.RequestState, r.now())...)
		if e.RequestState != "" {
			resp.Diagnostics.AddWarning(capitalize(r.kind.label)+" factor enrolled: passcode sent", r.pendingDetail(c))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// pendingDetail says how to finish a factor left pending. The factor resource cannot see
// whether an idcsmfa_factor_activation waits for it in the same apply, so it says both.
func (r *passcodeFactorResource) pendingDetail(c *factorModel) string {
	return fmt.Sprintf("A passcode was sent to %s for factor %s. The factor is ENROLLMENT_INITIATED until the passcode "+
		"is submitted. If an idcsmfa_factor_activation resource waits for this factor in this apply, it completes once "+
		"the passcode is submitted and nothing else is needed; otherwise submit it in one of two ways:\n"+
		"  1. set otp_code_wo to the passcode and change otp_code_wo_version (Terraform 1.11+), then apply again; or\n"+
		"  2. let another tool, pipeline stage or workspace submit it while an idcsmfa_factor_activation resource "+
		"waits for this factor.\n"+
		"If the passcode does not arrive or expires, change otp_resend_version to have a new one sent.",
		orUnknown(c.DisplayName.ValueString(), "the user's "+r.kind.label+" channel"), c.FactorID.ValueString())
}

// ModifyPlan marks the status unknown when a passcode will be submitted, and warns when the
// stored enrollment request cannot be used, so the plan says the enrollment will restart.
func (r *passcodeFactorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(r.selfServicePlanDiagnostics(ctx, req)...)
	resp.Diagnostics.Append(r.policyPlanDiagnostics(ctx, req)...) // the domain's MFA policy, factor_policy.go
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.warnVersionWithoutPasscode(ctx, req, resp)
		return
	}
	// Only a pending factor has anything to check. Reading its status first spares every
	// enrolled factor the decoding of two whole models on each plan (make bench: a tenth of
	// the provider's CPU in a plan of 500 factors).
	var status types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attrStatus), &status)...)
	if resp.Diagnostics.HasError() || status.ValueString() != client.FactorStatusInitiated {
		return
	}
	plan, prior := r.newModel(), r.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, s := plan.passcode(), prior.passcode()
	pf, sf := plan.factor(), prior.factor()
	// A replacement enrolls a new factor: nothing of the old enrollment matters. (The
	// attributes' RequiresReplace is not visible here, so the inputs are compared.)
	replaced := !pf.UserID.Equal(sf.UserID) || !p.SkipVerification.Equal(s.SkipVerification) || plan.device() != prior.device()
	if replaced {
		return
	}
	activate := versionChanged(p.OTPCodeWOVersion, s.OTPCodeWOVersion)
	resend := versionChanged(p.OTPResendVersion, s.OTPResendVersion)
	if !activate {
		r.warnUnsubmittedWriteOnly(ctx, req, resp, sf, attrOTPCodeWO, attrOTPCodeWOVersion)
	}
	if !activate && !resend {
		return
	}
	if activate {
		// The passcode is used up once submitted, so a version kept in the configuration
		// without it is normal; only a change of the version needs a passcode.
		var code types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrOTPCodeWO), &code)...)
		if code.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(attrOTPCodeWO), "Missing passcode",
				fmt.Sprintf("otp_code_wo_version changed from %s to %d, which submits otp_code_wo, but otp_code_wo is not set. "+
					"Set otp_code_wo to the passcode sent to %s (for example from an ephemeral variable), or keep "+
					"otp_code_wo_version unchanged.", versionText(s.OTPCodeWOVersion), p.OTPCodeWOVersion.ValueInt64(),
					orUnknown(sf.DisplayName.ValueString(), "the user")))
			return
		}
	}
	// Whatever Update does to a pending factor (submit, resend, restart), the factor may have
	// been finished elsewhere since this plan was made (or since the last refresh, with
	// -refresh=false): the status is only known once the service answered.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attrStatus), types.StringUnknown())...)
	enr, diags := readEnrollment(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	var why string
	switch {
	case !enr.usable():
		why = "No enrollment request is stored for this pending factor (it was imported, or its request was lost)"
	case enr.olderThan(r.now(), requestStateMaxAge):
		why = fmt.Sprintf("Its enrollment request was issued at %s, more than %s ago, so the identity domain has "+
			"probably expired it", enr.IssuedAt.Format("2006-01-02 15:04:05 MST"), requestStateMaxAge)
	default:
		return
	}
	detail := fmt.Sprintf("%s. Applying will restart the enrollment of %s factor %s (the service keeps the factor id), "+
		"which sends a new passcode to %s.", why, r.kind.label, sf.FactorID.ValueString(),
		orUnknown(sf.DisplayName.ValueString(), "the user"))
	if activate {
		detail += " The passcode in otp_code_wo belongs to the previous enrollment and is not submitted if the " +
			"enrollment restarts: put the new passcode in otp_code_wo and apply again."
	}
	resp.Diagnostics.AddWarning("The enrollment will be restarted", detail)
}

// warnVersionWithoutPasscode warns at create time that a version without a passcode submits
// nothing: the factor is enrolled and left pending, and only a later change of the version,
// together with otp_code_wo, submits a passcode.
func (r *passcodeFactorResource) warnVersionWithoutPasscode(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var version types.Int64
	var code types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrOTPCodeWOVersion), &version)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrOTPCodeWO), &code)...)
	if version.IsNull() || version.IsUnknown() || !code.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeWarning(path.Root(attrOTPCodeWOVersion), "No passcode to submit",
		fmt.Sprintf("otp_code_wo_version is %d but otp_code_wo is not set. The %s factor will be enrolled and left "+
			"pending; to finish, set otp_code_wo to the passcode the user receives and change otp_code_wo_version.",
			version.ValueInt64(), r.kind.label))
}

// warnUnsubmittedWriteOnly warns that a write-only value (woAttr) set in the configuration
// of a pending factor is not submitted, because only a change of its version (versionAttr)
// submits it: without the warning the plan says "No changes" and the factor silently stays
// pending. Write-only values can be read from the configuration at plan time, never from the
// state. It is called for a pending factor only (a value left in the configuration after
// activation is harmless), for every write-only + version pair of the passcode lifecycle.
func (r *passcodeFactorResource) warnUnsubmittedWriteOnly(ctx context.Context, req resource.ModifyPlanRequest,
	resp *resource.ModifyPlanResponse, prior *factorModel, woAttr, versionAttr string) {
	var value types.String
	var version, priorVersion types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(woAttr), &value)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(versionAttr), &version)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(versionAttr), &priorVersion)...)
	// An unknown version may well change at apply time: nothing to say yet.
	if value.IsNull() || value.IsUnknown() || version.IsUnknown() {
		return
	}
	resp.Diagnostics.AddAttributeWarning(path.Root(woAttr), "Passcode not submitted: "+versionAttr+" unchanged",
		fmt.Sprintf("%s is set but %s is %s, as in the state, so this apply does not submit the passcode and %s "+
			"factor %s stays ENROLLMENT_INITIATED. Terraform never stores a write-only value, so it cannot see a new "+
			"passcode: change %s (for example to %d) in the same apply as the passcode.",
			woAttr, versionAttr, versionText(version), r.kind.label, prior.FactorID.ValueString(), versionAttr,
			nextVersion(priorVersion)))
}

func versionText(v types.Int64) string {
	if v.IsNull() {
		return "null"
	}
	return fmt.Sprint(v.ValueInt64())
}

// nextVersion is the version to suggest after v: 1 when there is none yet.
func nextVersion(v types.Int64) int64 {
	if v.IsNull() || v.IsUnknown() {
		return 1
	}
	return v.ValueInt64() + 1
}

// Update submits a passcode or asks for a new one. An enrolled factor is never asked to
// verify again, whatever the write-only values say.
func (r *passcodeFactorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	plan, prior, cfg := r.newModel(), r.newModel(), r.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, s := plan.passcode(), prior.passcode()
	sf := prior.factor()
	defer r.forgetListing(sf.UserID.ValueString())
	*plan.factor() = *sf
	p.OTPCodeWO = types.StringNull()

	activate := versionChanged(p.OTPCodeWOVersion, s.OTPCodeWOVersion)
	resend := versionChanged(p.OTPResendVersion, s.OTPResendVersion)
	op := &factorUpdate{r: r, plan: plan, prior: prior, cfg: cfg, private: resp.Private, diags: &resp.Diagnostics}
	switch {
	case sf.Status.ValueString() == client.FactorStatusEnrolled:
		resp.Diagnostics.Append(clearEnrollment(ctx, resp.Private)...)
		if activate || resend {
			resp.Diagnostics.AddWarning(capitalize(r.kind.label)+" factor already enrolled",
				fmt.Sprintf("Factor %s is ENROLLED, so no passcode was submitted or sent; the new version numbers are "+
					"only recorded. otp_code_wo and otp_code_wo_version can now be removed from the configuration.", sf.FactorID.ValueString()))
		}
	case activate:
		op.activate(ctx, req.Config)
	case resend:
		op.resend(ctx)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// factorUpdate carries one Update of a pending factor.
type factorUpdate struct {
	r                *passcodeFactorResource
	plan, prior, cfg passcodeFactorModel
	private          privateStore
	diags            *diag.Diagnostics
}

// keepPrevious makes the state keep the previous trigger versions after a failure, so that
// fixing the input and applying again retries.
func (u *factorUpdate) keepPrevious() {
	p, s := u.plan.passcode(), u.prior.passcode()
	p.OTPCodeWOVersion, p.OTPResendVersion = s.OTPCodeWOVersion, s.OTPResendVersion
}

func (u *factorUpdate) activate(ctx context.Context, config tfsdk.Config) {
	p := u.plan.factor()
	userID, factorID := p.UserID.ValueString(), p.FactorID.ValueString()
	var code types.String
	u.diags.Append(config.GetAttribute(ctx, path.Root(attrOTPCodeWO), &code)...)
	if u.diags.HasError() {
		return
	}
	if code.ValueString() == "" {
		u.keepPrevious()
		u.diags.AddAttributeError(path.Root(attrOTPCodeWO), "Missing passcode",
			"otp_code_wo_version changed but otp_code_wo is empty. Set otp_code_wo to the passcode the user received.")
		return
	}
	enr, d := readEnrollment(ctx, u.private)
	u.diags.Append(d...)
	if !enr.usable() {
		u.restartInsteadOfActivating(ctx, "no enrollment request was stored (imported factor)")
		return
	}
	err := u.r.api.ActivateFactor(ctx, userID, factorID, code.ValueString(), enr.RequestState)
	switch {
	case err == nil:
		p.Status = types.StringValue(client.FactorStatusEnrolled)
		u.diags.Append(clearEnrollment(ctx, u.private)...)
		u.diags.Append(setResendLost(ctx, u.private, false)...)
	case errors.Is(err, client.ErrAlreadyEnrolled):
		u.enrolledElsewhere(ctx)
	case errors.Is(err, client.ErrRequestState) && u.restartedElsewhere(ctx, enr, err):
		if !u.takeOverInUpdate() {
			u.refuseRestartedElsewhere(enr, "the passcode in otp_code_wo, which belongs to the voided request, was not submitted")
			return
		}
		u.restartInsteadOfActivating(ctx, u.restartedElsewhereWhy())
	case errors.Is(err, client.ErrRequestState):
		u.restartInsteadOfActivating(ctx, "the identity domain no longer accepts its enrollment request (it "+
			"expired, or a resend of this resource whose answer was lost replaced it)")
	case isLostAnswer(err):
		u.lostActivation(ctx, err)
	case errors.Is(err, client.ErrInvalidPasscode):
		u.keepPrevious()
		u.diags.AddAttributeError(path.Root(attrOTPCodeWO), "Wrong passcode",
			apiErrorDetail(err)+fmt.Sprintf("\n\nFactor %s stays ENROLLMENT_INITIATED and the state keeps the previous "+
				"otp_code_wo_version, so nothing is lost: check the code in otp_code_wo and apply again, or change "+
				"otp_resend_version to have a new passcode sent to %s and apply again with it. %s",
				factorID, orUnknown(p.DisplayName.ValueString(), "the user"), lockoutText(ctx, u.r.api, userID)+u.r.domainLockoutText(ctx)))
	default:
		u.keepPrevious()
		u.diags.Append(apiErrorDiagnostic(fmt.Sprintf("Could not submit the passcode of %s factor %s", u.r.kind.label, factorID), err))
	}
}

// restartInsteadOfActivating enrolls afresh; the passcode at hand belongs to the old
// enrollment, so the apply stops and asks for the new one.
func (u *factorUpdate) restartInsteadOfActivating(ctx context.Context, why string) {
	u.keepPrevious()
	if !u.restart(ctx) {
		return
	}
	p := u.plan.factor()
	if p.Status.ValueString() == client.FactorStatusEnrolled {
		return
	}
	u.diags.AddAttributeError(path.Root(attrOTPCodeWO), "Enrollment restarted: passcode not submitted",
		fmt.Sprintf("The passcode could not be submitted because %s. The enrollment of %s factor %s was restarted and "+
			"a new passcode was sent to %s. Put the new passcode in otp_code_wo and apply again (otp_code_wo_version "+
			"can stay as it is: the state keeps the previous one).", why, u.r.kind.label, p.FactorID.ValueString(),
			orUnknown(p.DisplayName.ValueString(), "the user")))
}

func (u *factorUpdate) resend(ctx context.Context) {
	p := u.plan.factor()
	userID, factorID := p.UserID.ValueString(), p.FactorID.ValueString()
	enr, d := readEnrollment(ctx, u.private)
	u.diags.Append(d...)
	if enr.usable() {
		e, err := u.r.api.ResendOTP(ctx, userID, factorID, enr.RequestState)
		switch {
		case err == nil:
			u.diags.Append(writeEnrollment(ctx, u.private, e.RequestState, u.r.now())...)
			u.diags.Append(setResendLost(ctx, u.private, false)...)
			u.diags.AddWarning("New passcode sent", fmt.Sprintf("A new passcode was sent to %s for factor %s. %s",
				orUnknown(p.DisplayName.ValueString(), "the user"), factorID, finishHint))
			return
		case errors.Is(err, client.ErrAlreadyEnrolled):
			u.enrolledElsewhere(ctx)
			return
		case isLostAnswer(err):
			u.diags.Append(setResendLost(ctx, u.private, true)...)
			u.lostResend(ctx, err)
			return
		case !errors.Is(err, client.ErrRequestState):
			u.keepPrevious()
			u.diags.Append(apiErrorDiagnostic(fmt.Sprintf("Could not resend the passcode of %s factor %s", u.r.kind.label, factorID), err))
			return
		case u.restartedElsewhere(ctx, enr, err):
			if !u.takeOverInUpdate() {
				u.refuseRestartedElsewhere(enr, "no new passcode was requested")
				return
			}
			if u.restart(ctx) && p.Status.ValueString() != client.FactorStatusEnrolled {
				u.diags.AddWarning("Pending enrollment taken over", fmt.Sprintf("A new passcode was sent to %s for factor "+
					"%s because %s. %s", orUnknown(p.DisplayName.ValueString(), "the user"), factorID,
					u.restartedElsewhereWhy(), finishHint))
			}
			return
		}
	}
	if u.restart(ctx) && p.Status.ValueString() != client.FactorStatusEnrolled {
		u.diags.AddWarning("Enrollment restarted", fmt.Sprintf("The enrollment request of factor %s could no longer be "+
			"used (it expired, or the factor was imported), so the enrollment was restarted and a new passcode was sent to "+
			"%s. %s", factorID, orUnknown(p.DisplayName.ValueString(), "the user"), finishHint))
	}
}

const finishHint = "Submit it with otp_code_wo and a changed otp_code_wo_version, or let another tool submit it while " +
	"an idcsmfa_factor_activation resource waits."

// lockoutWarning follows a wrong passcode. /mfa/v1 answers do not say how many attempts are
// left, so no number is given: a guess could be wrong in either direction.
const lockoutWarning = "Each wrong passcode counts towards locking the user: the identity domain locks the user after " +
	"the number of failed attempts its MFA settings allow (the emulator: 5)."

// enrolledElsewhere records that the pending factor turned out to be ENROLLED when Update
// acted on it: someone finished the enrollment after the plan was made (or after the last
// refresh). Nothing was sent or submitted; the plan left the status unknown for this case.
func (u *factorUpdate) enrolledElsewhere(ctx context.Context) {
	p := u.plan.factor()
	p.Status = types.StringValue(client.FactorStatusEnrolled)
	u.diags.Append(clearEnrollment(ctx, u.private)...)
	u.diags.Append(setResendLost(ctx, u.private, false)...)
	u.diags.AddWarning(capitalize(u.r.kind.label)+" factor already enrolled: nothing was sent",
		fmt.Sprintf("Factor %s was enrolled outside this apply after the plan was made (the passcode was submitted "+
			"elsewhere), so no passcode was sent or submitted and the enrollment was not restarted. The state now "+
			"records it as ENROLLED; otp_code_wo can be removed from the configuration.", p.FactorID.ValueString()))
}

// restart enrolls the pending factor again: the service restarts an unfinished enrollment of
// the same device under the same factor id, with a new passcode and requestState. It reports
// whether the state may keep pointing at the factor.
func (u *factorUpdate) restart(ctx context.Context) bool {
	p := u.plan.factor()
	userID, factorID := p.UserID.ValueString(), p.FactorID.ValueString()
	// The configuration, not the plan, holds the real phone number of an imported factor.
	e, err := u.r.api.Enroll(ctx, userID, u.cfg.enrollRequest())
	if errors.Is(err, client.ErrAlreadyEnrolled) {
		// The device is enrolled: finished elsewhere since the plan, if it is this factor.
		if fs, gerr := u.r.api.GetFactor(ctx, userID, factorID); gerr == nil && fs.FactorStatus == client.FactorStatusEnrolled {
			u.enrolledElsewhere(ctx)
			return true
		}
	}
	if err != nil {
		u.keepPrevious()
		u.diags.Append(apiErrorDiagnostic(fmt.Sprintf("Could not restart the enrollment of %s factor %s", u.r.kind.label, factorID), err))
		return false
	}
	if e.FactorID != factorID {
		u.keepPrevious()
		u.diags.Append(clearEnrollment(ctx, u.private)...)
		u.diags.AddError("Enrollment restarted under a different factor",
			fmt.Sprintf("Restarting the enrollment of factor %s created factor %s instead. The state still names %s; run "+
				"terraform apply again: the next refresh finds out whether %s still exists and, if not, plans to create "+
				"the factor again, which adopts the pending %s.", factorID, e.FactorID, factorID, factorID, e.FactorID))
		return false
	}
	if enrollmentStatus(e) == client.FactorStatusEnrolled {
		p.Status = types.StringValue(client.FactorStatusEnrolled)
		u.diags.Append(clearEnrollment(ctx, u.private)...)
		return true
	}
	u.diags.Append(writeEnrollment(ctx, u.private, e.RequestState, u.r.now())...)
	u.diags.Append(setResendLost(ctx, u.private, false)...)
	return true
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
