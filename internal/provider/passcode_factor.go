package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Attribute names of the passcode lifecycle (SMS and email factors).
const (
	attrSkipVerification = "skip_verification"
	attrOTPCodeWO        = "otp_code_wo"
	attrOTPCodeWOVersion = "otp_code_wo_version"
	attrOTPResendVersion = "otp_resend_version"
)

// passcodeInputs are the inputs of a factor activated by a passcode the service sends (SMS,
// email): the enrollment sends it, and the factor is ENROLLED once it comes back (E3, E5).
type passcodeInputs struct {
	SkipVerification types.Bool   `tfsdk:"skip_verification"`
	OTPCodeWO        types.String `tfsdk:"otp_code_wo"`
	OTPCodeWOVersion types.Int64  `tfsdk:"otp_code_wo_version"`
	OTPResendVersion types.Int64  `tfsdk:"otp_resend_version"`
	TakeOverPending  types.Bool   `tfsdk:"take_over_pending_enrollment"`
}

func (p *passcodeInputs) passcode() *passcodeInputs { return p }

// passcodeFactorModel is the model of a factor resource with the passcode lifecycle.
type passcodeFactorModel interface {
	factorState
	passcode() *passcodeInputs
	// enrollRequest builds the E3 request from the kind's own inputs.
	enrollRequest() client.EnrollRequest
	// device identifies what the factor sends passcodes to, among the inputs that replace it.
	device() string
	// identifies reports whether a factor the service lists with this display name can be
	// this device (the SMS factor's masked number), to name an existing factor to import.
	identifies(displayName string) bool
	// maskedNumber is the configured number when it is masked (an imported SMS factor's, which
	// must never be sent to the service), else "".
	maskedNumber() string
}

// passcodeFactorResource is a factor resource activated by a sent passcode: the common
// factor (Read, Delete, Import) plus the passcode lifecycle (passcode_factor_create.go, _update.go).
type passcodeFactorResource struct {
	factorResource
	newModel    func() passcodeFactorModel
	description string
	sentTo      string                             // where the passcode goes, for descriptions
	attributes  func() map[string]schema.Attribute // the kind's own inputs
}

func newPasscodeFactorResource(kind factorKind, newModel func() passcodeFactorModel) passcodeFactorResource {
	return passcodeFactorResource{
		factorResource: newFactorResource(kind, func() factorState { return newModel() }),
		newModel:       newModel,
	}
}

func (r *passcodeFactorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := factorAttributes(r.kind, schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "What the identity domain shows for the factor: " + r.sentTo + ", as the service displays it.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	})
	for name, a := range passcodeAttributes(r.kind, r.sentTo) {
		attrs[name] = a
	}
	for name, a := range r.attributes() {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.description + passcodeSafetyDescription, Attributes: attrs}
}

// passcodeSafetyDescription is what every passcode factor does about interruptions, lost
// answers and other people's pending enrollments (issue 16), for the resource docs.
const passcodeSafetyDescription = "\n\n" +
	"**Interrupted applies and lost answers.** A request that changes the identity domain is not started once " +
	"Terraform is stopping (Ctrl-C); one already sent is finished, or checked if its answer is lost, before the " +
	"provider gives up, so the factor it made is in state. When an answer is lost (the connection dropped after the " +
	"request was sent), the provider reads what happened before it reports, and says what it checked. After Terraform " +
	"was killed outright, the next apply's error gives the `import {}` block of each factor the killed run made.\n\n" +
	"**Someone else's pending enrollment.** Enrolling a device that is already being enrolled would restart that " +
	"enrollment and void the passcode its owner holds, so the create fails instead, naming the pending factor and " +
	"its `import {}` block, unless `take_over_pending_enrollment` is `true`. Likewise, when someone else restarts " +
	"the enrollment after this resource did, a passcode submission or resend fails and sends nothing, unless " +
	"`take_over_pending_enrollment` is `true`. The check at creation reads the user's devices in " +
	"SCIM: with the **MFA Client** role alone (no **User Administrator**), it cannot run, and the create warns and " +
	"goes on. It reads a user's devices once per Terraform run, shared by that user's creates (which see each other's " +
	"enrollments). Two runs that enroll the same device at the same moment (two CI jobs) both pass that check; after " +
	"an enrollment that sends a passcode, the create therefore reads the device's creation and modification times once " +
	"(`GET /admin/v1/Devices/{id}`, same role), and when the device was enrolled again since it was created, asks the " +
	"service which request is current (a resend with its request, which sends nothing when another request replaced " +
	"it): the run whose request created the factor keeps it, and the run whose request restarted it fails, naming the " +
	"factor, with nothing in its state. Not covered: enrollments less than a millisecond apart (the service's clock), " +
	"one-step enrollments (`skip_verification`, where the second is refused as already enrolled anyway, unless the " +
	"other run sent a passcode), a create whose enrollment answer was lost, and three runs at once. See the " +
	"[activation flows guide](../guides/activation-flows.md#when-things-go-wrong-half-way)."

// ImportState is the common import; skip_verification starts as false, since the service
// cannot tell how a factor was enrolled (keepImportedBool then accepts either value).
func (r *passcodeFactorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.factorResource.ImportState(ctx, req, resp)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrSkipVerification), false)...)
	}
}

// passcodeAttributes are the schema of passcodeInputs.
func passcodeAttributes(k factorKind, sentTo string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		attrSkipVerification: schema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
			MarkdownDescription: "Enroll in one step, without sending a passcode (`skipFactorVerification`). Only for test " +
				"users and pipelines that provision users whose " + k.label + " channel is already trusted: it proves nothing " +
				"about who holds it. Needs the **MFA Client** app role like every enrollment. Changing it replaces the " +
				"factor. An imported factor keeps the value it was imported with (`false`), since the service cannot " +
				"tell how a factor was enrolled.",
			PlanModifiers: []planmodifier.Bool{keepImportedBool{}, boolplanmodifier.RequiresReplace()},
		},
		attrOTPCodeWO: schema.StringAttribute{
			Optional:  true,
			Sensitive: true,
			WriteOnly: true,
			MarkdownDescription: "Write-only (Terraform 1.11+): the passcode sent to " + sentTo + ". It is submitted when " +
				"`otp_code_wo_version` changes while the factor is `ENROLLMENT_INITIATED`, and is never stored in the plan " +
				"or the state. Requires `otp_code_wo_version`. Without write-only support (Terraform before 1.11), let " +
				"another tool or pipeline stage submit the passcode while an `idcsmfa_factor_activation` resource waits.",
			Validators: []validator.String{
				passcodeValidator{},
				stringvalidator.AlsoRequires(path.MatchRoot(attrOTPCodeWOVersion)),
			},
		},
		attrOTPCodeWOVersion: schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "Change this number (1 or more) to submit `otp_code_wo`. If the passcode is wrong the " +
				"apply fails and the state keeps the previous number, so correcting `otp_code_wo` and applying again " +
				"retries. Once the factor is `ENROLLED`, changes do nothing. A change needs `otp_code_wo` in the same " +
				"apply; keeping the number unchanged without `otp_code_wo` afterwards (the passcode is used up) plans no " +
				"change. Setting `otp_code_wo` without changing this number submits nothing: the plan warns. Keep the " +
				"last value after activation: removing it plans an in-place update to null, which changes nothing on " +
				"the server.",
			Validators: []validator.Int64{int64validator.AtLeast(1)},
		},
		attrTakeOverPending: schema.BoolAttribute{
			// Not computed: left out, it is null in the plan, so that removing it plans a
			// change (updates read it; a state still saying true would not say what they do).
			Optional: true,
			MarkdownDescription: "Set to `true` to let this factor take over a **pending** enrollment of the same device (" +
				sentTo + "): one still `ENROLLMENT_INITIATED`, another workspace's or one the person started. Default " +
				"`false`: such a create fails, naming the pending factor and the `import {}` block that adopts it. Taking over " +
				"restarts that enrollment under the same factor id and sends a new passcode, which **voids the passcode the " +
				"other party holds**. Finding pending enrollments needs the **User Administrator** app role (they are " +
				"visible only in the user's SCIM record); without it the create warns and goes on. " +
				"Updates read it too: when a passcode is submitted (`otp_code_wo_version`) or a resend asked for " +
				"(`otp_resend_version`) after someone else restarted the enrollment or had a passcode resent (another " +
				"workspace with this attribute, the person, the `idcsmfa_resend_passcode` action), the identity domain " +
				"refuses the request this resource holds (`AUTH-1120`) and the apply fails, sending nothing, unless this is " +
				"`true`: then the enrollment is restarted here, voiding the other party's passcode. Adding it to an existing " +
				"factor plans an in-place update that changes nothing on the server and sends nothing: it only records the " +
				"value for the next submission or resend. Removing it plans an in-place update to null, which changes " +
				"nothing on the server either.",
		},
		attrOTPResendVersion: schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "Change this number to have a new passcode sent to a pending factor (`resendOtp`). If the " +
				"enrollment request has expired (or the factor was imported), the enrollment is restarted instead, which " +
				"also sends a new passcode; the plan warns about it. If someone else restarted the enrollment since, nothing is " +
				"sent unless `take_over_pending_enrollment` is `true`. Ignored once the factor is `ENROLLED`.",
			Validators: []validator.Int64{int64validator.AtLeast(1)},
		},
	}
}

// keepImportedBool keeps the imported value of a creation-only input (skip_verification):
// the service cannot say how a factor was enrolled, so a configuration with either value
// matches an imported factor, and must not plan its replacement.
type keepImportedBool struct{}

var _ planmodifier.Bool = keepImportedBool{}

func (keepImportedBool) Description(context.Context) string {
	return "After import, keeps the imported value: the service cannot report it."
}

func (m keepImportedBool) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepImportedBool) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.State.Raw.IsNull() {
		return
	}
	if isImported(ctx, req.Private) {
		resp.PlanValue = req.StateValue
	}
}
