package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ resource.Resource                = &FactorActivationResource{}
	_ resource.ResourceWithConfigure   = &FactorActivationResource{}
	_ resource.ResourceWithImportState = &FactorActivationResource{}
)

// defaultActivationTimeout leaves a user time to open a mail or an SMS and type six digits.
const defaultActivationTimeout = 15 * time.Minute

// FactorActivationResource waits for a factor enrolled elsewhere to be activated elsewhere
// (its passcode submitted by another pipeline stage, workspace or tool), like
// aws_acm_certificate_validation.
// It owns nothing on the server: the factor belongs to the factor resource.
type FactorActivationResource struct {
	// client is the one call the resource makes, as an interface so that Read can be tested
	// against scripted answers the emulator cannot produce (an enrolled factor turning pending).
	client factorStatusGetter
	// policy is the domain's MFA settings: the wait quotes their passcode validity when they
	// can be read (nil in unit tests: it quotes none).
	policy *domainSettings
}

// NewFactorActivationResource is the constructor the provider registers.
func NewFactorActivationResource() resource.Resource { return &FactorActivationResource{} }

type factorActivationModel struct {
	ID       types.String   `tfsdk:"id"`
	UserID   types.String   `tfsdk:"user_id"`
	FactorID types.String   `tfsdk:"factor_id"`
	Status   types.String   `tfsdk:"status"`
	Methods  types.List     `tfsdk:"methods"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *FactorActivationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_factor_activation"
}

func (r *FactorActivationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits until a factor is activated elsewhere — its passcode submitted by another pipeline " +
			"stage or workspace (with `otp_code_wo`) or by another tool — and records it, so that what depends on an " +
			"enrolled factor goes ahead only then. Oracle does not document whether a user can finish, in the identity " +
			"domain's own pages, an enrollment an administrator started through `/mfa/v1`. Create polls the factor's status with backoff until it is `ENROLLED` or " +
			"`timeouts.create` (default 15 minutes) passes. A factor that is already enrolled completes at once.\n\n" +
			"Keep it in a configuration of its own, beside the one whose factor resource enrolled the factor and submits " +
			"the passcode with `otp_code_wo`: an apply that enrolls a factor and waits for it in one configuration holds that " +
			"state's lock and the only `requestState` for the whole wait, so nobody can submit the passcode through the API.\n\n" +
			"The resource owns nothing on the server: destroying it only forgets it, the factor belongs to " +
			"`idcsmfa_sms_factor` / `idcsmfa_email_factor`. If the factor is deleted or no longer enrolled, the next " +
			"plan shows the activation again. See the guide *Activation flows* for the three ways to activate a factor.\n\n" +
			"It only reads the factor: **Authenticator Client** is enough (MFA Client, which the factor resource needs, " +
			"covers it).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<user_id>/<factor_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: userGUIDDescription + " Changing it replaces the activation.",
				Validators:          []validator.String{userIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"factor_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The factor to wait for: the `factor_id` of the `idcsmfa_email_factor` or `idcsmfa_sms_factor` that enrolled it, passed in from that configuration (its outputs, or a variable). Changing it replaces the activation.",
				Validators:          []validator.String{factorIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The factor's status when it was last read: always `ENROLLED` in state, since a factor that is not enrolled removes the activation from state.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"methods": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The factor's methods as the service reports them for the enrolled factor (for example `[\"EMAIL\"]`); null if the service does not say.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": activationTimeoutsBlock(ctx)},
	}
}

// activationTimeoutsBlock is the timeouts block with a description of its own: timeouts.Block
// gives the block none, and the docs would then show the block's name alone.
func activationTimeoutsBlock(ctx context.Context) schema.Block {
	block := timeouts.Block(ctx, timeouts.Opts{
		Create: true,
		CreateDescription: "How long to wait for the factor to be enrolled, as a Go duration (`30m`, `2h`). " +
			"Default `15m`.",
	})
	nested, ok := block.(schema.SingleNestedBlock)
	if !ok {
		return block
	}
	nested.MarkdownDescription = "How long the apply waits for the factor to be enrolled. Past `create` (default " +
		"`15m`) it fails with what is still pending; raise `otp_resend_version` on the factor resource for a new passcode."
	return nested
}

func (r *FactorActivationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if d := providerDataFrom(req.ProviderData, &resp.Diagnostics); d != nil {
		r.client, r.policy = d.api, d.policy
	}
}

func (r *FactorActivationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan factorActivationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultActivationTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	userID, factorID := plan.UserID.ValueString(), plan.FactorID.ValueString()
	ctx = tflog.SetField(ctx, "user_id", userID)
	ctx = tflog.SetField(ctx, "factor_id", factorID)
	tflog.Info(ctx, "waiting for the factor to be enrolled out of band", map[string]any{"timeout": timeout.String()})

	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	validity := func(methods []string) string { return "" }
	if r.policy != nil {
		validity = func(methods []string) string {
			// Read once per provider process (shared with the plan-time checks); without the
			// role that reads them, the wait quotes no figure rather than a guessed one.
			s, err := r.policy.read(ctx)
			if err != nil {
				return ""
			}
			return passcodeValidity(s, methods)
		}
	}
	state, err := waitForEnrollmentReporting(waitCtx, r.client, userID, factorID, func(elapsed time.Duration, first bool, last *client.FactorState) {
		tflog.Info(ctx, activationProgressMessage(factorID, elapsed, timeout, first, last, validity))
	})
	if err != nil {
		d := activationWaitDiagnostic(userID, factorID, timeout, err)
		var pending *errFactorPending
		if errors.As(err, &pending) && errors.Is(pending.cause, context.DeadlineExceeded) {
			if v := validity(pending.methods); v != "" {
				d = diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+v+" A passcode older than that can no longer be submitted: send a new one.")
			}
		}
		resp.Diagnostics.Append(d)
		return
	}

	plan.ID = types.StringValue(factorResourceID(userID, factorID))
	resp.Diagnostics.Append(plan.setFactorState(ctx, state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *FactorActivationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state factorActivationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, factorID := state.UserID.ValueString(), state.FactorID.ValueString()
	// First, so that every way out (removed, refreshed) carries the identity.
	resp.Diagnostics.Append(setFactorIdentity(ctx, resp.Identity, userID, factorID)...)

	factor, err := r.client.GetFactor(ctx, userID, factorID)
	// An import reads the factor here, once: an activation that is not there to be imported
	// says why, instead of Terraform's "Cannot import non-existent remote object".
	imported := isImported(ctx, req.Private)
	if imported && err == nil && factor.FactorStatus != client.FactorStatusEnrolled {
		resp.Diagnostics.AddError("Cannot import the activation of a pending factor", importPendingDetail(userID, factorID, factor.FactorStatus))
		return
	}
	if imported && errors.Is(err, client.ErrNotFound) {
		resp.Diagnostics.AddError("Cannot import the activation of an unknown factor",
			fmt.Sprintf("The identity domain has no factor %s for user %s (%s). Check the import id <user_id>/<factor_id>.",
				factorID, userID, serviceErrorText(err)))
		return
	}
	if errors.Is(err, client.ErrNotFound) {
		tflog.Info(ctx, "factor no longer exists; removing the activation from state", map[string]any{"user_id": userID, "factor_id": factorID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the factor's status",
			fmt.Sprintf("Reading factor %s of user %s failed.\n\n%s", factorID, userID, apiErrorDetail(err)))
		return
	}
	if factor.FactorStatus != client.FactorStatusEnrolled {
		// The activation stands for "this factor is enrolled"; when that stops being true the
		// next plan must show the wait again rather than keep a stale promise.
		resp.Diagnostics.AddWarning("Factor no longer enrolled",
			fmt.Sprintf("Factor %s of user %s is now %s. The activation is removed from state and the next apply waits for the factor to be activated again.",
				factorID, userID, factor.FactorStatus))
		resp.State.RemoveResource(ctx)
		return
	}

	if imported {
		// Only the import's own read is refused above: later, a factor no longer enrolled
		// removes the activation from state like any other.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyImported, nil)...)
	}
	state.ID = types.StringValue(factorResourceID(userID, factorID))
	resp.Diagnostics.Append(state.setFactorState(ctx, factor)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// importPendingDetail says why a pending factor's activation cannot be imported, what to
// import instead, and when the activation can be imported.
func importPendingDetail(userID, factorID, status string) string {
	return fmt.Sprintf("Factor %s of user %s is still %s: its passcode has not been submitted, and an "+
		"idcsmfa_factor_activation records a factor that is enrolled, so there is nothing to import yet.\n\n"+
		"Import the factor itself instead, into the idcsmfa_sms_factor or idcsmfa_email_factor resource that "+
		"manages it (import id %s), and let this activation be created by the next apply: it waits until the "+
		"passcode is submitted. Or import the activation once the factor is ENROLLED.",
		factorID, userID, status, factorResourceID(userID, factorID))
}

// Update can only change timeouts (everything else replaces), so it only records the plan.
func (r *FactorActivationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan factorActivationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete only forgets: the factor belongs to the factor resource, and deleting it here would
// take it away from a user who activated it.
func (r *FactorActivationResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Debug(ctx, "forgetting the factor activation; the factor itself is left as it is")
}

// ImportState accepts "<user_id>/<factor_id>" or the identity {user_id, factor_id}.
func (r *FactorActivationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if importFactorIDs(ctx, req, resp) {
		resp.Diagnostics.Append(markImported(ctx, resp.Private)...)
	}
}

// IdentitySchema: the activation is named by its factor's user_id and factor_id.
func (r *FactorActivationResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	factorIdentitySchema(ctx, req, resp)
}

func (m *factorActivationModel) setFactorState(ctx context.Context, f *client.FactorState) diag.Diagnostics {
	m.Status = types.StringValue(f.FactorStatus)
	if len(f.Methods) == 0 {
		m.Methods = types.ListNull(types.StringType)
		return nil
	}
	var diags diag.Diagnostics
	m.Methods, diags = types.ListValueFrom(ctx, types.StringType, f.Methods)
	return diags
}

// activationWaitDiagnostic turns a failed wait into what the user needs: what is pending,
// where the passcode went, and how to get a new one.
func activationWaitDiagnostic(userID, factorID string, timeout time.Duration, err error) diag.Diagnostic {
	var pending *errFactorPending
	var gone *errFactorGone
	switch {
	case errors.As(err, &pending) && errors.Is(pending.cause, context.DeadlineExceeded):
		status := pending.status
		if status == "" {
			status = client.FactorStatusInitiated
		}
		detail := fmt.Sprintf("Factor %s of user %s is still %s after waiting %s: its passcode has not been submitted yet.\n\n%s\n\n"+
			"To send a new passcode, increase otp_resend_version on the idcsmfa_sms_factor or idcsmfa_email_factor resource "+
			"that enrolled this factor and apply; then have the passcode submitted (otp_code_wo in the workspace that "+
			"enrolled the factor, or your other tool) and apply again (raise timeouts.create in this resource if that "+
			"takes longer). Alternatively, finish the enrollment from Terraform with otp_code_wo and "+
			"otp_code_wo_version on the factor resource.",
			factorID, userID, status, timeout, passcodeDestination(pending.methods))
		if pending.lastErr != nil {
			detail += "\n\nThe last status request failed: " + serviceErrorText(pending.lastErr) + "."
		}
		return diag.NewErrorDiagnostic("Factor not enrolled in time", detail)
	case errors.As(err, &pending):
		return diag.NewErrorDiagnostic("Waiting for the factor was interrupted",
			fmt.Sprintf("Terraform stopped waiting for factor %s of user %s, which was still %s. Apply again to resume waiting.",
				factorID, userID, orUnknown(pending.status, "not enrolled")))
	case errors.As(err, &gone) && gone.seenBefore:
		return diag.NewErrorDiagnostic("Factor disappeared while waiting",
			fmt.Sprintf("Factor %s of user %s was deleted while Terraform waited for it to be enrolled (%s). "+
				"Enroll the factor again (for example apply again so the factor resource re-creates it), then the activation waits for the new one.",
				factorID, userID, serviceErrorText(gone.apiErr)))
	case errors.As(err, &gone):
		return diag.NewErrorDiagnostic("Factor not found",
			fmt.Sprintf("The identity domain has no factor %s for user %s (%s). Check user_id and factor_id; "+
				"factor_id usually comes from an idcsmfa_sms_factor or idcsmfa_email_factor resource.",
				factorID, userID, serviceErrorText(gone.apiErr)))
	default:
		return diag.NewErrorDiagnostic("Could not read the factor's status",
			fmt.Sprintf("Reading factor %s of user %s failed.\n\n%s", factorID, userID, apiErrorDetail(err)))
	}
}

// activationProgressMessage is the INFO line a long wait writes: once when it has read the
// factor pending (where the passcode went, how long it stays valid), then about every minute.
func activationProgressMessage(factorID string, elapsed, timeout time.Duration, first bool, last *client.FactorState, validity func([]string) string) string {
	var methods []string
	status := client.FactorStatusInitiated
	if last != nil {
		methods, status = last.Methods, last.FactorStatus
	}
	if !first {
		return fmt.Sprintf("Still waiting for factor %s to be enrolled: %s after %s of at most %s (timeouts.create).",
			factorID, status, elapsed.Round(time.Second), timeout)
	}
	msg := fmt.Sprintf("Waiting up to %s (timeouts.create) for factor %s to be enrolled: it is %s until its passcode is submitted. %s",
		timeout, factorID, status, passcodeDestination(methods))
	if v := validity(methods); v != "" {
		msg += " " + v
	}
	return msg
}
