package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure      = &FactorVerificationEphemeralResource{}
	_ ephemeral.EphemeralResourceWithValidateConfig = &FactorVerificationEphemeralResource{}
)

// defaultVerificationTimeout bounds one verification; only PUSH, which waits for a person,
// comes near it.
const defaultVerificationTimeout = 5 * time.Minute

// Attribute names of the verification's answers.
const (
	attrUserName        = "user_name"
	attrMethod          = "method"
	attrTOTPSecret      = "totp_secret"
	attrPrivateKeyPEM   = "private_key_pem"
	attrCertificatePEM  = "certificate_pem"
	attrBypassCode      = "bypass_code"
	attrSecurityAnswers = "security_answers"
)

// verificationMethods are the methods V1 verifies (API reference InitiateFactorVerification).
var verificationMethods = []string{client.MethodSMS, client.MethodEmail, client.MethodPhoneCall, client.MethodTOTP,
	client.MethodPush, client.MethodSecurityQuestions, client.MethodBypassCode}

// FactorVerificationEphemeralResource is idcsmfa_factor_verification: opening it runs one
// whole verification of a user's factor (V1, then V2 or V3) and fails unless the factor
// verifies. Nothing it takes or returns is stored.
type FactorVerificationEphemeralResource struct {
	api factorAPI
	// pushPollInterval is the wait between PUSH polls; 0 means the client's default. Tests
	// shorten it.
	pushPollInterval time.Duration
}

// NewFactorVerificationEphemeralResource is the constructor the provider lists.
func NewFactorVerificationEphemeralResource() ephemeral.EphemeralResource {
	return &FactorVerificationEphemeralResource{}
}

type factorVerificationModel struct {
	verificationInputs
	Verified    types.Bool     `tfsdk:"verified"`
	DisplayName types.String   `tfsdk:"display_name"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// verificationInputs are what one verification needs: whom, which factor, and the answer.
// The ephemeral resource and the idcsmfa_verify_factor action share them.
type verificationInputs struct {
	UserID          types.String `tfsdk:"user_id"`
	UserName        types.String `tfsdk:"user_name"`
	FactorID        types.String `tfsdk:"factor_id"`
	Method          types.String `tfsdk:"method"`
	TOTPSecret      types.String `tfsdk:"totp_secret"`
	TOTPPeriod      types.Int64  `tfsdk:"totp_period"`
	TOTPDigits      types.Int64  `tfsdk:"totp_digits"`
	TOTPAlgorithm   types.String `tfsdk:"totp_algorithm"`
	PrivateKeyPEM   types.String `tfsdk:"private_key_pem"`
	CertificatePEM  types.String `tfsdk:"certificate_pem"`
	BypassCode      types.String `tfsdk:"bypass_code"`
	SecurityAnswers types.Map    `tfsdk:"security_answers"`
}

func (r *FactorVerificationEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_factor_verification"
}

func (r *FactorVerificationEphemeralResource) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: factorVerificationDescription,
		Attributes: map[string]schema.Attribute{
			attrUserID: schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: userGUIDDescription + " Exactly one of `user_id` and `user_name`; after opening, " +
					"the GUID of the verified user either way.",
				Validators: []validator.String{userIDValidator(),
					stringvalidator.ExactlyOneOf(path.MatchRoot(attrUserID), path.MatchRoot(attrUserName))},
			},
			attrUserName: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The user's name (`userIdType` `USER_NAME`), instead of `user_id`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			attrFactorID: schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The factor to verify, with `method`: a backup factor. Left out (with `method`), the " +
					"user's preferred factor is verified. `BypassCode` and `SecurityQuestions` name those factors. " +
					"After opening, the verified factor's id.",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot(attrMethod))},
			},
			attrMethod: schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The method of `factor_id`: one of `" + strings.Join(verificationMethods, "`, `") +
					"`. After opening, the verified method.",
				Validators: []validator.String{stringvalidator.OneOf(verificationMethods...),
					stringvalidator.AlsoRequires(path.MatchRoot(attrFactorID))},
			},
			attrTOTPSecret: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "TOTP: the factor's base32 shared secret (the `shared_secret_wo` of an " +
					"`idcsmfa_totp_factor`). The code is computed with `totp_period`, `totp_digits` and `totp_algorithm`. " +
					"Terraform opens an ephemeral resource during plan and again during apply, and the service accepts " +
					"each code once (RFC 6238 section 5.2), so every opening waits for the start of the next time step " +
					"(at most `totp_period`) and answers with that step's code, which nothing can have used yet.",
				Validators: []validator.String{totpSecretValidator{}},
			},
			"totp_period": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "TOTP: the domain's time step in seconds (`timeStepInSecs`), 30 to 300. Default 30.",
				Validators:          []validator.Int64{int64validator.Between(30, 300)},
			},
			"totp_digits": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "TOTP: the domain's code length (`passcodeLength`), 6 to 8. Default 6.",
				Validators:          []validator.Int64{int64validator.Between(6, 8)},
			},
			"totp_algorithm": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "TOTP: the domain's `hashingAlgorithm`: `SHA1` (default), `SHA256` or `SHA512`.",
				Validators:          []validator.String{stringvalidator.OneOf(client.TOTPAlgorithmSHA1, client.TOTPAlgorithmSHA256, client.TOTPAlgorithmSHA512)},
			},
			attrPrivateKeyPEM: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "SMS, EMAIL, PHONE_CALL: the PEM RSA private key (PKCS #1 or #8, unencrypted) of the " +
					"application's trusted client certificate. With it and `certificate_pem`, the service returns the " +
					"passcode encrypted to Terraform (RSAES-OAEP, SHA-1) instead of sending it to the user, and Terraform " +
					"decrypts and submits it: the user gets no SMS or email.",
			},
			attrCertificatePEM: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "SMS, EMAIL, PHONE_CALL: the PEM X.509 certificate registered as a *Trusted Client " +
					"Certificate* of the OAuth application (its SHA-1 thumbprint is sent as `x5t`).",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot(attrPrivateKeyPEM))},
			},
			attrBypassCode: schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "BYPASSCODE: one of the user's bypass codes. A bypass code is used up by a successful verification.",
			},
			attrSecurityAnswers: schema.MapAttribute{
				Optional:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
				MarkdownDescription: "SECURITY_QUESTIONS: answers by question id (e.g. `{ FirstCar = \"...\" }`). The service chooses which questions it asks; each asked question needs an answer.",
			},
			"verified": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "`true`: opening fails when the factor does not verify, so a value here means it did.",
			},
			attrDisplayName: schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The verified factor's display name, as the service shows it (a masked number, an address, a device name).",
			},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{
				OpenDescription: "How long one verification may take, as a Go duration (`30s`, `10m`); only PUSH, which " +
					"waits for the user to approve, comes near it. Default `5m`.",
			}),
		},
	}
}

const factorVerificationDescription = "Proves that a user's factor works: opening this ephemeral resource " +
	"(Terraform 1.10+) runs one whole verification (`POST /mfa/v1/requests`, then the answer) and fails with an " +
	"error diagnostic when the factor does not verify. Nothing it takes or returns is stored in the plan or the state.\n\n" +
	"It verifies the user's preferred factor, or the backup factor `factor_id` with its `method`, and answers with " +
	"no person involved: a code computed from `totp_secret` (TOTP); the passcode the service returns encrypted to " +
	"the application's trusted client certificate, decrypted with `private_key_pem` (SMS, EMAIL, PHONE_CALL: the " +
	"user is not notified); `bypass_code`; `security_answers`. PUSH waits for the user to approve, within " +
	"`timeouts.open`.\n\n" +
	"**Lockout.** The service counts every wrong answer, and may count every passcode it sends, towards locking the " +
	"user. The resource never retries an answer, and stops before answering when it cannot answer (a certificate " +
	"the application does not trust, a question without an answer). Needs the **MFA Client** or **Authenticator " +
	"Client** app role; not available in self-service mode (refused at plan time)."

func (r *FactorVerificationEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.api = providerAPI(req.ProviderData, &resp.Diagnostics)
}

// verificationNeedsAdmin is why the verification (ephemeral resource and action) needs the
// administrator's mode.
const verificationNeedsAdmin = "verifies a factor through POST /mfa/v1/requests, which takes an application's " +
	"token with the MFA Client or Authenticator Client role; no self-service endpoint verifies a factor"

// requireAdminAPI is the plan-time refusal of the verification in self-service mode; nothing
// before the provider is configured.
func requireAdminAPI(api factorAPI, objectType string) diag.Diagnostics {
	if api == nil {
		return nil
	}
	return api.mode().requireAdmin(objectType, verificationNeedsAdmin)
}

// ValidateConfig says at plan time which input the chosen method needs, and checks the key
// pair when it is known.
func (r *FactorVerificationEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateVerificationConfig[factorVerificationModel](ctx, r.api, "idcsmfa_factor_verification", req.Config)...)
}

// validateVerificationConfig is the configuration check of the objects that run one
// verification (the ephemeral resource and the action, whose model M holds
// verificationInputs): they need administrator credentials, and the chosen method names the
// input it needs.
func validateVerificationConfig[M any, PM interface {
	*M
	validate() diag.Diagnostics
}](ctx context.Context, api factorAPI, objectType string, config tfsdk.Config) diag.Diagnostics {
	diags := requireAdminAPI(api, objectType)
	var m M
	diags.Append(config.Get(ctx, &m)...)
	if diags.HasError() {
		return diags
	}
	diags.Append(PM(&m).validate()...)
	return diags
}

// validate names the input the chosen method needs, and checks the key pair when it is known.
func (m *verificationInputs) validate() diag.Diagnostics {
	var diags diag.Diagnostics
	if need, given := m.answerFor(m.Method.ValueString()); need != "" && !given {
		diags.AddAttributeError(path.Root(need), "Missing answer for "+m.Method.ValueString(),
			fmt.Sprintf("Verifying a %s factor needs %s%s.", m.Method.ValueString(), need, inputHint(need)))
	}
	if known(m.PrivateKeyPEM) && known(m.CertificatePEM) {
		if _, err := client.ParseExternalClientKey(m.PrivateKeyPEM.ValueString(), m.CertificatePEM.ValueString()); err != nil {
			diags.Append(keyPairDiagnostic(err))
		}
	}
	return diags
}

// answerFor names the attribute that answers a method, and whether the configuration sets
// it (an unknown value counts as set: it is known when the verification runs).
func (m *verificationInputs) answerFor(method string) (string, bool) {
	switch method {
	case client.MethodTOTP:
		return attrTOTPSecret, !m.TOTPSecret.IsNull()
	case client.MethodSMS, client.MethodEmail, client.MethodPhoneCall:
		return attrPrivateKeyPEM, !m.PrivateKeyPEM.IsNull() && !m.CertificatePEM.IsNull()
	case client.MethodBypassCode:
		return attrBypassCode, !m.BypassCode.IsNull()
	case client.MethodSecurityQuestions:
		return attrSecurityAnswers, !m.SecurityAnswers.IsNull()
	}
	return "", true
}

func inputHint(attr string) string {
	if attr == attrPrivateKeyPEM {
		return " and certificate_pem: the trusted client key pair the passcode is encrypted for (the user is not notified)"
	}
	return ""
}

// Open runs the verification.
func (r *FactorVerificationEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m factorVerificationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	resp.Diagnostics.Append(requireAdminAPI(r.api, "idcsmfa_factor_verification")...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Open(ctx, defaultVerificationTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	res, d := m.verify(ctx, r.api.admin(), timeout, r.pushPollInterval, nil)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.UserID, m.FactorID = types.StringValue(res.UserGUID), types.StringValue(res.FactorID)
	m.Method, m.DisplayName = types.StringValue(res.Method), types.StringValue(res.DisplayName)
	m.Verified = types.BoolValue(true)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// testClockFor, set only by the acceptance tests, gives the clock of the emulator at a host:
// TOTP codes are then computed at its time, and the wait for a fresh time step moves it
// forward instead of waiting. Nothing in a build users run sets it, so nothing a user
// configures can shift the codes the provider computes (nil: the real clock).
var testClockFor func(host string) client.Clock

// verify runs one whole verification (client.Verify) within timeout; a failure comes back
// as the one diagnostic verificationDiagnostic renders, which holds no secret.
// progress, when set, is told what the verification waits for (the next TOTP time step), so
// that an action can show it; the wait is always logged at INFO.
func (m *verificationInputs) verify(ctx context.Context, c *client.Client, timeout, pushPollInterval time.Duration, progress func(string)) (*client.VerifyResult, diag.Diagnostics) {
	var diags diag.Diagnostics
	answers := map[string]string{}
	diags.Append(m.SecurityAnswers.ElementsAs(ctx, &answers, false)...)
	if diags.HasError() {
		return nil, diags
	}
	vr := client.VerifyRequest{
		UserID: m.UserID.ValueString(), UserIDType: client.UserIDTypeGUID,
		FactorID: m.FactorID.ValueString(), Method: m.Method.ValueString(),
		TOTPSecret: m.TOTPSecret.ValueString(), TOTPFreshStep: true,
		TOTP: client.TOTPParams{Period: time.Duration(m.TOTPPeriod.ValueInt64()) * time.Second,
			Digits: int(m.TOTPDigits.ValueInt64()), Algorithm: m.TOTPAlgorithm.ValueString()},
		ExternalClientKeyPEM: m.PrivateKeyPEM.ValueString(), ExternalClientCertificatePEM: m.CertificatePEM.ValueString(),
		BypassCode: m.BypassCode.ValueString(), SecurityAnswers: answers,
		PushPollInterval: pushPollInterval,
		OnTOTPWait: func(wait time.Duration) {
			msg := totpWaitMessage(m.FactorID.ValueString(), wait)
			tflog.Info(ctx, msg)
			if progress != nil {
				progress(msg)
			}
		},
	}
	if testClockFor != nil {
		vr.Clock = testClockFor(c.Host())
	}
	if !m.UserName.IsNull() {
		vr.UserID, vr.UserIDType = m.UserName.ValueString(), client.UserIDTypeName
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := c.Verify(ctx, vr)
	if err != nil {
		diags.Append(verificationDiagnostic(m.who(), m.Method.ValueString(), err))
		return nil, diags
	}
	return res, diags
}

// who names the user as the configuration does.
func (m *verificationInputs) who() string {
	if !m.UserName.IsNull() {
		return m.UserName.ValueString()
	}
	return m.UserID.ValueString()
}

// totpWaitMessage says why a TOTP verification seems to pause: the service accepts each code
// once, so the code is the next time step's.
func totpWaitMessage(factorID string, wait time.Duration) string {
	return fmt.Sprintf("Waiting %s for the next TOTP time step before verifying %s: the identity domain accepts each code "+
		"only once, so the verification answers with a code nothing can have used yet.", wait.Round(time.Second), verifiedWhat(factorID, client.MethodTOTP))
}
