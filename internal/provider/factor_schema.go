package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Attribute names shared by the factor resources.
const (
	attrID               = "id"
	attrUserID           = "user_id"
	attrFactorID         = "factor_id"
	attrStatus           = "status"
	attrDisplayName      = "display_name"
	attrMethods          = "methods"
	attrSkipVerification = "skip_verification"
	attrOTPCodeWO        = "otp_code_wo"
	attrOTPCodeWOVersion = "otp_code_wo_version"
	attrOTPResendVersion = "otp_resend_version"
	attrCountryCode      = "country_code"
	attrMobileNumber     = "mobile_number"
)

// factorCommonModel holds the attributes every factor resource has. Each resource embeds it
// in its own model next to its method-specific attributes.
type factorCommonModel struct {
	ID               types.String `tfsdk:"id"`
	UserID           types.String `tfsdk:"user_id"`
	FactorID         types.String `tfsdk:"factor_id"`
	Status           types.String `tfsdk:"status"`
	DisplayName      types.String `tfsdk:"display_name"`
	Methods          types.List   `tfsdk:"methods"`
	SkipVerification types.Bool   `tfsdk:"skip_verification"`
	OTPCodeWO        types.String `tfsdk:"otp_code_wo"`
	OTPCodeWOVersion types.Int64  `tfsdk:"otp_code_wo_version"`
	OTPResendVersion types.Int64  `tfsdk:"otp_resend_version"`
}

// factorCommonAttributes are the schema of factorCommonModel. label is "SMS" or "email";
// sentTo says where the passcode goes ("the mobile number", "the user's primary e-mail").
func factorCommonAttributes(label, sentTo string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		attrID: schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`<user_id>/<factor_id>`, also the import ID.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		attrUserID: schema.StringAttribute{
			Required: true,
			MarkdownDescription: fmt.Sprintf("The user's id (GUID, the SCIM user `id`: 32 hexadecimal characters, e.g. `%s`). "+
				"Changing it replaces the factor.", exampleUserID),
			Validators:    []validator.String{userIDValidator()},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		attrFactorID: schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The factor's id in the identity domain (the device id).",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		attrStatus: schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "`ENROLLMENT_INITIATED` while the factor waits for its passcode, `ENROLLED` once it is active. " +
				"An enrolled factor is never asked to verify again.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		attrDisplayName: schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "What the identity domain shows for the factor: " + sentTo + ", as the service displays it.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		attrMethods: schema.ListAttribute{
			ElementType:         types.StringType,
			Computed:            true,
			MarkdownDescription: "The methods this factor provides, as the service reports them (e.g. `[\"" + methodOf(label) + "\"]`).",
			PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		},
		attrSkipVerification: schema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
			MarkdownDescription: "Enroll in one step, without sending a passcode (`skipFactorVerification`). Only for test " +
				"users and pipelines that provision users whose " + label + " channel is already trusted: it proves nothing " +
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
				"or the state. Requires `otp_code_wo_version`. With older Terraform, or to let the user type the code " +
				"themselves, use the `idcsmfa_factor_activation` resource instead.",
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
				"apply; keeping the number unchanged without `otp_code_wo` afterwards (the passcode is used up) plans no change.",
			Validators: []validator.Int64{
				int64validator.AtLeast(1),
			},
		},
		attrOTPResendVersion: schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "Change this number to have a new passcode sent to a pending factor (`resendOtp`). If the " +
				"enrollment request has expired (or the factor was imported), the enrollment is restarted instead, which " +
				"also sends a new passcode; the plan warns about it. Ignored once the factor is `ENROLLED`.",
			Validators: []validator.Int64{int64validator.AtLeast(1)},
		},
	}
}

func methodOf(label string) string {
	if label == "SMS" {
		return "SMS"
	}
	return "EMAIL"
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
