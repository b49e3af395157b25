package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ resource.ResourceWithImportState = &SMSFactorResource{}
	_ resource.ResourceWithModifyPlan  = &SMSFactorResource{}
)

// SMSFactorResource is idcsmfa_sms_factor: a user's SMS factor.
type SMSFactorResource struct{ passcodeFactorResource }

// NewSMSFactorResource is the constructor the provider lists.
func NewSMSFactorResource() resource.Resource {
	r := newPasscodeFactorResource(smsKind, func() passcodeFactorModel { return &smsFactorModel{} })
	r.description, r.sentTo, r.attributes = smsFactorDescription+planCheckDescription(smsKind), "the mobile number", smsFactorAttributes
	return &SMSFactorResource{r}
}

// Attribute names of the SMS factor's own inputs.
const (
	attrCountryCode  = "country_code"
	attrMobileNumber = "mobile_number"
)

type smsFactorModel struct {
	factorModel
	passcodeInputs
	CountryCode  types.String `tfsdk:"country_code"`
	MobileNumber types.String `tfsdk:"mobile_number"`
}

func (m *smsFactorModel) enrollRequest() client.EnrollRequest {
	return client.EnrollRequest{
		Method:       client.MethodSMS,
		CountryCode:  m.CountryCode.ValueString(),
		MobileNumber: m.MobileNumber.ValueString(),
	}
}

func (m *smsFactorModel) device() string {
	return m.CountryCode.ValueString() + " " + m.MobileNumber.ValueString()
}

// identifies reports whether a listed SMS factor's masked number can be the configured one.
func (m *smsFactorModel) identifies(displayName string) bool {
	return client.MaskedNumberMatches(displayName, m.CountryCode.ValueString(), m.MobileNumber.ValueString())
}

func (m *smsFactorModel) maskedNumber() string {
	if _, _, masked := client.SplitMaskedNumber(m.MobileNumber.ValueString()); masked {
		return m.MobileNumber.ValueString()
	}
	return ""
}

// fillImported stands in for the number the service will not show: the masked display name
// in mobile_number and an empty country_code. replaceUnlessRecordingImportedPhone then plans a
// configured number consistent with the mask as an in-place update, which records it.
func (m *smsFactorModel) fillImported(displayName string) {
	// A factor imported while pending has no display name yet: take it once the service
	// shows one, but never overwrite a real number.
	if n := m.MobileNumber.ValueString(); m.MobileNumber.IsNull() || n == "" || client.IsMaskedNumber(n) {
		m.MobileNumber = types.StringValue(displayName)
	}
	if m.CountryCode.IsNull() {
		m.CountryCode = types.StringValue("")
	}
}

const smsFactorDescription = "Enrolls a user's **SMS** factor: the identity domain texts a one-time passcode to the number, and the " +
	"factor is `ENROLLED` once that passcode is submitted — through the write-only `otp_code_wo` (with " +
	"`otp_code_wo_version`), or elsewhere (another pipeline stage, workspace or tool) while an " +
	"`idcsmfa_factor_activation` resource waits. The passcode and the " +
	"enrollment's `requestState` are never stored in plan or state attributes; the `requestState` lives in the " +
	"resource's private state only while the factor is pending, and is dropped once it is enrolled.\n\n" +
	"The SMS factor must be enabled in the identity domain (Security > MFA > Factors) and the OAuth client needs " +
	"the **MFA Client** app role.\n\n" +
	"`country_code` and `mobile_number` are stored in the state in clear, as configured (`display_name` holds the " +
	"masked number the service shows): protect the state. Import with `<user_id>/<factor_id>`, or by identity " +
	"(`user_id` and `factor_id`, Terraform 1.12+).\n\n" +
	"**The masked number.** The service never shows a factor's number, only a masked one: `+44XXXXXXX123` is " +
	"the country calling code `+44` (perhaps with the first digits), hidden digits, and the last digits `123`. " +
	"After import the state holds it in `mobile_number`, with `country_code = \"\"`, and generated configuration " +
	"(`terraform plan -generate-config-out`, `terraform query -generate-config-out`) writes exactly that pair: it " +
	"validates and plans no change, and stands for the imported factor only. A plan that would enroll a factor " +
	"with a masked number (a new resource, another user, another number) fails and says what to write in. To " +
	"record the real number, write it in with its `country_code`: a number consistent with the masked one plans an " +
	"in-place update of `country_code` and `mobile_number`, whose apply records them in the state and sends nothing; " +
	"any other number replaces the factor."

func smsFactorAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		attrCountryCode: schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Stored in the state in clear. Country calling code with its `+`, e.g. `\"+44\"`; or `\"\"` " +
				"beside the masked `mobile_number` of an imported factor (see above). " +
				"Changing it replaces the factor. " +
				"After import the service cannot show it, so the state holds `\"\"` until the configuration gives the " +
				"number: a configured number consistent with the masked `display_name` is then recorded with an in-place " +
				"update that sends nothing.",
			Validators:    []validator.String{countryCodeValidator()},
			PlanModifiers: []planmodifier.String{replaceUnlessRecordingImportedPhone{}},
		},
		attrMobileNumber: schema.StringAttribute{
			Required: true,
			MarkdownDescription: "National mobile number without the country code and without the trunk 0 used inside " +
				"the country, digits only, e.g. `\"7700900123\"` (not `\"07700900123\"`); at most 15 digits with the " +
				"country code. Stored in the state in clear. Changing it replaces the factor. After import the state holds the masked number the service shows " +
				"(which generated configuration writes, with `country_code = \"\"`: it stands for the imported factor and cannot enroll one) " +
				"(e.g. `+44XXXXXXX123`): a configured number whose visible digits match is recorded with an in-place " +
				"update that sends nothing, any other number plans a replacement. For a factor imported while still pending, the masked number comes from the " +
				"user's devices in SCIM (see `methods`).",
			Validators:    []validator.String{mobileNumberValidator()},
			PlanModifiers: []planmodifier.String{maskedNumberOnlyImported{}, replaceUnlessRecordingImportedPhone{}},
		},
	}
}
