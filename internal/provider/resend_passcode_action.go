package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ action.ActionWithConfigure  = &ResendPasscodeAction{}
	_ action.ActionWithModifyPlan = &ResendPasscodeAction{}
)

// ResendPasscodeAction is idcsmfa_resend_passcode: a new passcode for a pending SMS or email
// factor (Terraform 1.14+ actions).
//
// The API's resend (E5 resendOtp) needs the enrollment's latest requestState, which only the
// factor resource that enrolled the factor holds, in its private state; an action can read
// neither that nor write it. So the action sends the new passcode the other way the API
// offers: it enrolls the same device again, which the service treats as a restart of the
// pending enrollment (same factor id, a new passcode and requestState, the old one void;
// ARCHITECTURE.md decision 3). The factor resource's stored requestState is then void, and
// its next activation with otp_code_wo restarts the enrollment in turn (see
// restartInsteadOfActivating): the action is meant for factors whose passcode is submitted
// out of band, while an idcsmfa_factor_activation waits.
type ResendPasscodeAction struct {
	api factorAPI
}

// NewResendPasscodeAction is the constructor the provider lists.
func NewResendPasscodeAction() action.Action { return &ResendPasscodeAction{} }

type resendPasscodeModel struct {
	UserID       types.String `tfsdk:"user_id"`
	FactorID     types.String `tfsdk:"factor_id"`
	CountryCode  types.String `tfsdk:"country_code"`
	MobileNumber types.String `tfsdk:"mobile_number"`
}

func (a *ResendPasscodeAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resend_passcode"
}

const resendPasscodeDescription = "Sends a new passcode for a pending (`ENROLLMENT_INITIATED`) SMS or email factor " +
	"(Terraform 1.14+: `terraform apply -invoke=action.idcsmfa_resend_passcode.<name>`, or an `action_trigger` in a " +
	"resource's `lifecycle`). An enrolled factor has nothing to send: the action fails and says so. It changes no " +
	"state.\n\n" +
	"**For factors activated out of band, without the API.** The API's resend needs the enrollment's latest " +
	"`requestState`, which only whoever started the enrollment holds (the `idcsmfa_sms_factor` / " +
	"`idcsmfa_email_factor` resource, in its private state), and an action can neither read nor write it. So the " +
	"action restarts the pending enrollment of the same device (the service keeps the factor id and sends a new " +
	"passcode) and keeps nothing: the new `requestState` is dropped and the previous one is void. The new passcode " +
	"is therefore for a user who finishes the enrollment where no `requestState` is needed, while an " +
	"`idcsmfa_factor_activation` waits (Oracle does not document whether a user can finish, in the identity " +
	"domain's own pages, an enrollment started through `/mfa/v1`). When the passcode is submitted through the API " +
	"(`otp_code_wo` of the factor resource, or another tool), change the factor resource's `otp_resend_version` " +
	"instead: after this action, the factor resource's next submission finds its `requestState` void, restarts the " +
	"enrollment (another passcode) and asks for that one.\n\n" +
	"Every passcode sent may count towards locking the user (Oracle's verification sample warns so). Needs the " +
	"**MFA Client** app role; to check, before sending, that `factor_id` is the device described (method and " +
	"masked number), also a role that reads users (**User Administrator**); without it the action still sends, " +
	"and fails afterwards if the service restarted another factor. Not available in self-service mode (refused at " +
	"plan time): there, raise the factor resource's `otp_resend_version`."

func (a *ResendPasscodeAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: resendPasscodeDescription,
		Attributes: map[string]schema.Attribute{
			attrUserID: schema.StringAttribute{
				Required:            true,
				MarkdownDescription: userGUIDDescription,
				Validators:          []validator.String{userIDValidator()},
			},
			attrFactorID: schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The pending factor, usually `idcsmfa_sms_factor.<name>.factor_id` or " +
					"`idcsmfa_email_factor.<name>.factor_id`.",
				Validators: []validator.String{factorIDValidator()},
			},
			attrCountryCode: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "SMS factors: the country calling code the factor was enrolled with (e.g. " +
					"`idcsmfa_sms_factor.<name>.country_code`). The service needs the number to send a new passcode " +
					"without the `requestState`. Leave it and `mobile_number` out for an email factor.",
				Validators: []validator.String{countryCodeValidator(),
					stringvalidator.AlsoRequires(path.MatchRoot(attrMobileNumber))},
			},
			attrMobileNumber: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "SMS factors: the national mobile number the factor was enrolled with, with `country_code`.",
				Validators: []validator.String{mobileNumberValidator(),
					stringvalidator.AlsoRequires(path.MatchRoot(attrCountryCode))},
			},
		},
	}
}

func (a *ResendPasscodeAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if d := providerDataFrom(req.ProviderData, &resp.Diagnostics); d != nil {
		a.api = d.api
	}
}

// resendNeedsAdmin is why the action needs the administrator's mode: in self-service mode
// the factor resource itself resends.
const resendNeedsAdmin = "restarts the pending enrollment through POST /mfa/v1/users/{id}/factors, which takes an " +
	"application's token with the MFA Client role; the self-service enroller would create a second device instead. In " +
	"self-service mode, raise otp_resend_version of the factor's idcsmfa_sms_factor or idcsmfa_email_factor resource: " +
	"it sends a new passcode through the self-service initiator"

// ModifyPlan refuses the action at plan time in self-service mode.
func (a *ResendPasscodeAction) ModifyPlan(_ context.Context, _ action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.api != nil {
		resp.Diagnostics.Append(a.api.mode().requireAdmin("idcsmfa_resend_passcode", resendNeedsAdmin)...)
	}
}

// kind is the factor kind the configuration describes: SMS with a number, email without.
func (m *resendPasscodeModel) kind() factorKind {
	if m.MobileNumber.IsNull() {
		return emailKind
	}
	return smsKind
}

func (m *resendPasscodeModel) enrollRequest() client.EnrollRequest {
	if m.kind() == smsKind {
		return (&smsFactorModel{CountryCode: m.CountryCode, MobileNumber: m.MobileNumber}).enrollRequest()
	}
	return client.EnrollRequest{Method: client.MethodEmail}
}

func (a *ResendPasscodeAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m resendPasscodeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if resp.Diagnostics.Append(a.api.mode().requireAdmin("idcsmfa_resend_passcode", resendNeedsAdmin)...); resp.Diagnostics.HasError() {
		return
	}
	userID, factorID, k := m.UserID.ValueString(), m.FactorID.ValueString(), m.kind()
	ctx = tflog.SetField(ctx, "user_id", userID)
	ctx = tflog.SetField(ctx, "factor_id", factorID)
	summary := fmt.Sprintf("Could not resend the passcode of factor %s", factorID)

	if !a.checkPending(ctx, &m, summary, &resp.Diagnostics) {
		return
	}
	e, err := a.api.Enroll(ctx, userID, m.enrollRequest())
	switch {
	case errors.Is(err, client.ErrAlreadyEnrolled):
		resp.Diagnostics.AddError(summary, alreadyEnrolledNothingToSend(factorID, userID)+
			" (The service answered: "+serviceErrorText(err)+".)")
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(summary, err))
		return
	case e.FactorID != factorID:
		resp.Diagnostics.AddError(summary, fmt.Sprintf("The identity domain sent the new passcode for %s factor %s, "+
			"not for factor %s: %s does not describe factor %s (an email factor needs no number; an SMS factor needs the "+
			"number it was enrolled with). Factor %s is now pending: import it into an %s resource, or delete it if "+
			"nobody wants it; then invoke the action again with the inputs of factor %s.",
			k.label, e.FactorID, factorID, resendInputsText(&m), factorID, e.FactorID, k.typeName, factorID))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("A new passcode was sent to %s for %s factor %s.",
		orUnknown(e.DisplayName, "the user's "+k.label+" channel"), k.label, factorID)})
	tflog.Info(ctx, "new passcode sent; any requestState a factor resource keeps for this factor is void")
}

// checkPending stops before anything is sent when the factor is not a pending factor of the
// kind the configuration describes. The status comes from E4; the kind and the masked number
// from the user's SCIM devices, when the provider's role may read them (E4 shows neither for
// a pending factor).
func (a *ResendPasscodeAction) checkPending(ctx context.Context, m *resendPasscodeModel, summary string, diags *diag.Diagnostics) bool {
	userID, factorID, k := m.UserID.ValueString(), m.FactorID.ValueString(), m.kind()
	f, err := a.api.GetFactor(ctx, userID, factorID)
	switch {
	case errors.Is(err, client.ErrNotFound):
		diags.AddAttributeError(path.Root(attrFactorID), summary, fmt.Sprintf("The identity domain has no factor %s "+
			"for user %s (%s). Check user_id and factor_id.", factorID, userID, serviceErrorText(err)))
		return false
	case err != nil:
		diags.Append(apiErrorDiagnostic(summary, err))
		return false
	case f.FactorStatus == client.FactorStatusEnrolled:
		diags.AddError(summary, alreadyEnrolledNothingToSend(factorID, userID))
		return false
	}
	devices, err := a.api.UserDevices(ctx, userID)
	if err != nil {
		tflog.Info(ctx, "the user's devices could not be read; the method and number are checked after sending",
			map[string]any{"error": serviceErrorText(err)})
		return true
	}
	for _, d := range devices {
		if d.Value != factorID {
			continue
		}
		switch {
		case d.FactorType != "" && d.FactorType != k.method:
			diags.AddError(summary, fmt.Sprintf("Factor %s is an %s factor, but %s describes an %s factor. %s",
				factorID, d.FactorType, resendInputsText(m), k.label, resendInputsHint))
			return false
		case k == smsKind && d.Display != "" &&
			!client.MaskedNumberMatches(d.Display, m.CountryCode.ValueString(), m.MobileNumber.ValueString()):
			diags.AddAttributeError(path.Root(attrMobileNumber), summary, fmt.Sprintf("Factor %s sends to %s, which "+
				"is not %s %s: the service would enroll that number as a new factor. %s", factorID, d.Display,
				m.CountryCode.ValueString(), m.MobileNumber.ValueString(), resendInputsHint))
			return false
		}
	}
	return true
}

const resendInputsHint = "Give country_code and mobile_number of the SMS factor (for example from its " +
	"idcsmfa_sms_factor resource), or neither for an email factor. Nothing was sent."

func resendInputsText(m *resendPasscodeModel) string {
	if m.kind() == smsKind {
		return "country_code and mobile_number"
	}
	return "a configuration without country_code and mobile_number"
}

func alreadyEnrolledNothingToSend(factorID, userID string) string {
	return fmt.Sprintf("Factor %s of user %s is already enrolled: there is no passcode to send, and nothing was "+
		"sent. Remove the action, or its trigger, for this factor.", factorID, userID)
}
