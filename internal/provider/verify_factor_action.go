package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	ephemeralschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

var (
	_ action.ActionWithConfigure      = &VerifyFactorAction{}
	_ action.ActionWithValidateConfig = &VerifyFactorAction{}
	_ action.ActionWithModifyPlan     = &VerifyFactorAction{}
)

// VerifyFactorAction is idcsmfa_verify_factor: one verification of an enrolled factor, on the
// engine of the ephemeral resource idcsmfa_factor_verification (client.Verify), for
// Terraform 1.14+ actions. The outcome is a progress message or an error diagnostic.
type VerifyFactorAction struct {
	api factorAPI
	// pushPollInterval is the wait between PUSH polls; 0 means the client's default.
	pushPollInterval time.Duration
}

// NewVerifyFactorAction is the constructor the provider lists.
func NewVerifyFactorAction() action.Action { return &VerifyFactorAction{} }

func (a *VerifyFactorAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_verify_factor"
}

const verifyFactorDescription = "Runs one verification of a user's enrolled factor (Terraform 1.14+: `terraform " +
	"apply -invoke=action.idcsmfa_verify_factor.<name>`, or an `action_trigger` in a resource's `lifecycle`, for " +
	"example to prove a factor works right after it is enrolled). It is the verification of the ephemeral resource " +
	"`idcsmfa_factor_verification`, with the same inputs: `POST /mfa/v1/requests`, then the answer. The action " +
	"reports the verified factor as a progress message and fails with an error diagnostic when the factor does not " +
	"verify; no input and no passcode appears in either, and nothing is stored.\n\n" +
	"It verifies the user's preferred factor, or the backup factor `factor_id` with its `method`, and answers with " +
	"no person involved: a code computed from `totp_secret` (TOTP); the passcode the service returns encrypted to " +
	"the application's trusted client certificate, decrypted with `private_key_pem` (SMS, EMAIL, PHONE_CALL: the " +
	"user is not notified); `bypass_code`; `security_answers`. PUSH waits for the user to approve, at most 5 minutes.\n\n" +
	"**Secrets.** `totp_secret`, `private_key_pem`, `bypass_code` and `security_answers` are write-only: give " +
	"them through `ephemeral = true` variables (or another ephemeral value). Then the secret is in neither a saved " +
	"plan file (`terraform plan -out`, including `-invoke`) nor the state; Terraform asks for the ephemeral " +
	"variables again when it applies a saved plan (set them in the environment, `TF_VAR_...`, for both commands). A " +
	"value that is not ephemeral (a `sensitive` variable, a literal) is kept in a saved plan file in clear, as every " +
	"variable is: `terraform show -json` of the file prints it. The action never writes a secret to the state, and " +
	"no input appears in its messages.\n\n" +
	"**Lockout.** The service counts every wrong answer, and may count every passcode it sends, towards locking the " +
	"user: each invocation is one verification, and the action never retries an answer. Needs the **MFA Client** " +
	"or **Authenticator Client** app role; not available in self-service mode (refused at plan time)."

// verifyFactorInputs are the ephemeral resource's inputs the action takes: all of them but
// its timeouts, which an action has no block for.
var verifyFactorInputs = []string{attrUserID, attrUserName, attrFactorID, attrMethod, attrTOTPSecret, "totp_period",
	"totp_digits", "totp_algorithm", attrPrivateKeyPEM, attrCertificatePEM, attrBypassCode, attrSecurityAnswers}

// Schema is the ephemeral resource's inputs, descriptions and validators, as action
// attributes: one source for both, so that they cannot drift apart.
func (a *VerifyFactorAction) Schema(ctx context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	var eph ephemeral.SchemaResponse
	(&FactorVerificationEphemeralResource{}).Schema(ctx, ephemeral.SchemaRequest{}, &eph)
	attrs := map[string]actionschema.Attribute{}
	for _, name := range verifyFactorInputs {
		a, ok := actionAttribute(eph.Schema.Attributes[name])
		if !ok {
			resp.Diagnostics.AddError("Invalid action schema", fmt.Sprintf("Attribute %s of idcsmfa_factor_verification "+
				"has no action form. This is a bug in the provider; please report it.", name))
			continue
		}
		attrs[name] = a
	}
	resp.Schema = actionschema.Schema{MarkdownDescription: verifyFactorDescription, Attributes: attrs}
}

// actionAttribute turns an optional input of the ephemeral resource into an action
// attribute. "After opening, ..." sentences describe the ephemeral resource's results,
// which an action has none of; they come last in each description and are cut.
//
// A sensitive input becomes write-only: an action cannot mark an input sensitive, but a
// write-only one takes ephemeral values (an `ephemeral = true` variable, an ephemeral
// resource's attribute), which Terraform keeps out of saved plan files and the state.
func actionAttribute(a ephemeralschema.Attribute) (actionschema.Attribute, bool) {
	switch a := a.(type) {
	case ephemeralschema.StringAttribute:
		return actionschema.StringAttribute{Optional: true, WriteOnly: a.Sensitive, Validators: a.Validators,
			MarkdownDescription: inputsOnly(a.MarkdownDescription) + writeOnlyNote(a.Sensitive)}, true
	case ephemeralschema.Int64Attribute:
		return actionschema.Int64Attribute{Optional: true, Validators: a.Validators,
			MarkdownDescription: inputsOnly(a.MarkdownDescription)}, true
	case ephemeralschema.MapAttribute:
		return actionschema.MapAttribute{Optional: true, WriteOnly: a.Sensitive, ElementType: a.ElementType,
			Validators: a.Validators, MarkdownDescription: inputsOnly(a.MarkdownDescription) + writeOnlyNote(a.Sensitive)}, true
	}
	return nil, false
}

// writeOnlyNote ends the description of a write-only (secret) input of the action.
func writeOnlyNote(secret bool) string {
	if !secret {
		return ""
	}
	return " Write-only: give it an ephemeral value (an `ephemeral = true` variable) and it is in no plan file and " +
		"no state; a non-ephemeral variable's value is kept in a saved plan file (`-out`), as every variable is."
}

// inputsOnly drops the "After opening, ..." sentence of a description, and says how an
// action computes a TOTP code instead of how the ephemeral resource's openings do.
func inputsOnly(description string) string {
	if i := strings.Index(description, totpOpeningsSentence); i >= 0 {
		return description[:i] + "The action waits for the start of the next time step (at most `totp_period`) and " +
			"answers with that step's code, which nothing can have used yet (the service accepts each code once, " +
			"RFC 6238 section 5.2); its progress line says how long it waits."
	}
	for _, cut := range []string{" After opening, ", "; after opening, "} {
		if i := strings.Index(description, cut); i >= 0 {
			return strings.TrimSuffix(description[:i], ".") + "."
		}
	}
	return description
}

// totpOpeningsSentence starts what totp_secret's description says of the ephemeral resource's
// openings.
const totpOpeningsSentence = "Terraform opens an ephemeral resource"

func (a *VerifyFactorAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.api = providerAPI(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses the action at plan time in self-service mode: the plan of an
// invocation (or of the resource whose action_trigger names it) runs with the provider
// configured, which ValidateConfig may not.
func (a *VerifyFactorAction) ModifyPlan(_ context.Context, _ action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	resp.Diagnostics.Append(requireAdminAPI(a.api, "idcsmfa_verify_factor")...)
}

// ValidateConfig says at plan time which input the chosen method needs, as the ephemeral
// resource does.
func (a *VerifyFactorAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateVerificationConfig[verificationInputs](ctx, a.api, "idcsmfa_verify_factor", req.Config)...)
}

func (a *VerifyFactorAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m verificationInputs
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	resp.Diagnostics.Append(requireAdminAPI(a.api, "idcsmfa_verify_factor")...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Verifying %s of user %s.",
		verifiedWhat(m.FactorID.ValueString(), m.Method.ValueString()), m.who())})
	res, diags := m.verify(ctx, a.api.admin(), defaultVerificationTimeout, a.pushPollInterval, func(msg string) {
		resp.SendProgress(action.InvokeProgressEvent{Message: msg})
	})
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Verified: %s factor %s (%s) of user %s.",
		res.Method, res.FactorID, orUnknown(res.DisplayName, "no display name"), res.UserGUID)})
}

func verifiedWhat(factorID, method string) string {
	if factorID == "" {
		return "the preferred factor"
	}
	return fmt.Sprintf("%s factor %s", method, factorID)
}
