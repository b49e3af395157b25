package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ resource.ResourceWithImportState = &EmailFactorResource{}
	_ resource.ResourceWithModifyPlan  = &EmailFactorResource{}
)

// EmailFactorResource is idcsmfa_email_factor: a user's email factor.
type EmailFactorResource struct{ passcodeFactorResource }

// NewEmailFactorResource is the constructor the provider lists.
func NewEmailFactorResource() resource.Resource {
	r := newPasscodeFactorResource(emailKind, func() passcodeFactorModel { return &emailFactorModel{} })
	r.description, r.sentTo = emailFactorDescription+planCheckDescription(emailKind), "the user's primary email address"
	r.attributes = func() map[string]schema.Attribute { return map[string]schema.Attribute{} }
	return &EmailFactorResource{r}
}

// emailFactorModel has no attribute of its own: the service always uses the user's primary
// email address.
type emailFactorModel struct {
	factorModel
	passcodeInputs
}

func (m *emailFactorModel) enrollRequest() client.EnrollRequest {
	return client.EnrollRequest{Method: client.MethodEmail}
}

// device is empty: the address is the user's, not an input.
func (m *emailFactorModel) device() string { return "" }

// maskedNumber: an e-mail factor sends no number.
func (m *emailFactorModel) maskedNumber() string { return "" }

// identifies: a user has one email factor, so any email factor the service lists is it.
func (m *emailFactorModel) identifies(string) bool { return true }

const emailFactorDescription = "Enrolls a user's **email** factor, always on the user's primary email address (shown in " +
	"`display_name`): the identity domain emails a one-time passcode, and the factor is `ENROLLED` once that " +
	"passcode is submitted — through the write-only `otp_code_wo` (with `otp_code_wo_version`), or elsewhere " +
	"(another pipeline stage, workspace or tool) while an `idcsmfa_factor_activation` resource waits. The passcode and the enrollment's `requestState` are never " +
	"stored in plan or state attributes; the `requestState` lives in the resource's private state only while " +
	"the factor is pending, and is dropped once it is enrolled.\n\n" +
	"The EMAIL factor must be enabled in the identity domain (Security > MFA > Factors) and the OAuth client " +
	"needs the **MFA Client** app role. Import with `<user_id>/<factor_id>`."
