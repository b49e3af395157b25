package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

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
	// An imported SMS factor's masked number replaced by the real one it stands for is the same
	// device: recorded in place (replaceUnlessRecordingImportedPhone), not a replacement.
	recording := prior.maskedNumber() != "" && plan.maskedNumber() == "" && plan.identifies(sf.DisplayName.ValueString())
	replaced := !pf.UserID.Equal(sf.UserID) || !p.SkipVerification.Equal(s.SkipVerification) ||
		(plan.device() != prior.device() && !recording)
	if replaced {
		return
	}
	var code types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrOTPCodeWO), &code)...)
	cfg := r.newModel()
	resp.Diagnostics.Append(req.Config.Get(ctx, cfg)...)
	rec, diags := readPendingRecord(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The passcode is used up once submitted, so a version kept in the configuration without
	// it is normal; only a change of the version needs a passcode.
	facts := r.factsOf(plan, prior, cfg, rec, !code.IsNull(), true)
	if !facts.activate {
		r.warnUnsubmittedWriteOnly(ctx, req, resp, sf, attrOTPCodeWO, attrOTPCodeWOVersion)
	}
	d := decidePasscodeUpdate(facts)
	switch d.outcome {
	case outcomeNothing, outcomeEnrolled:
		return
	case outcomeRefuse:
		switch d.refusal {
		case refuseNoPasscode:
			resp.Diagnostics.AddAttributeError(path.Root(attrOTPCodeWO), "Missing passcode",
				fmt.Sprintf("otp_code_wo_version changed from %s to %d, which submits otp_code_wo, but otp_code_wo is not set. "+
					"Set otp_code_wo to the passcode sent to %s (for example from an ephemeral variable), or keep "+
					"otp_code_wo_version unchanged.", versionText(s.OTPCodeWOVersion), p.OTPCodeWOVersion.ValueInt64(),
					orUnknown(sf.DisplayName.ValueString(), "the user")))
		case refuseMaskedNumber:
			// The same refusal as a create with a masked number, before anything is sent.
			resp.Diagnostics.Append(r.refusalDiagnostic(d, sf, rec, cfg.maskedNumber(), "plan"))
		}
		return
	}
	// Whatever Update does to a pending factor (submit, resend, restart), the factor may have
	// been finished elsewhere since this plan was made (or since the last refresh, with
	// -refresh=false): the status is only known once the service answered.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attrStatus), types.StringUnknown())...)
	if d.outcome == outcomeRestart {
		resp.Diagnostics.Append(r.plannedRestartWarning(sf, rec, facts.activate))
	}
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
