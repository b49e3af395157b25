package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ datasource.DataSource                   = &MFASettingsDataSource{}
	_ datasource.DataSourceWithConfigure      = &MFASettingsDataSource{}
	_ datasource.DataSourceWithValidateConfig = &MFASettingsDataSource{}
)

// MFASettingsDataSource is idcsmfa_mfa_settings: the identity domain's MFA settings that
// decide what users' factors may be (AuthenticationFactorSettings), read-only. It shares the
// provider's one read of them with the resources' plan-time checks.
type MFASettingsDataSource struct {
	api    factorAPI
	policy *domainSettings
}

// NewMFASettingsDataSource is the constructor the provider registers.
func NewMFASettingsDataSource() datasource.DataSource { return &MFASettingsDataSource{} }

type mfaSettingsModel struct {
	EnabledFactors                types.List         `tfsdk:"enabled_factors"`
	UserEnrollmentDisabledFactors types.List         `tfsdk:"user_enrollment_disabled_factors"`
	MFAEnrollmentType             types.String       `tfsdk:"mfa_enrollment_type"`
	TOTP                          *totpSettingsModel `tfsdk:"totp"`
	SMSPasscodeLength             types.Int64        `tfsdk:"sms_passcode_length"`
	SMSPasscodeValidityMinutes    types.Int64        `tfsdk:"sms_passcode_validity_minutes"`
	EmailPasscodeLength           types.Int64        `tfsdk:"email_passcode_length"`
	EmailPasscodeValidityMinutes  types.Int64        `tfsdk:"email_passcode_validity_minutes"`
	MaxIncorrectAttempts          types.Int64        `tfsdk:"max_incorrect_attempts"`
	MaxEnrolledDevices            types.Int64        `tfsdk:"max_enrolled_devices"`
	BypassCode                    *bypassCodeModel   `tfsdk:"bypass_code"`
}

type totpSettingsModel struct {
	Algorithm types.String `tfsdk:"algorithm"`
	Digits    types.Int64  `tfsdk:"digits"`
	Period    types.Int64  `tfsdk:"period"`
	Tolerance types.Int64  `tfsdk:"tolerance"`
}

type bypassCodeModel struct {
	Length    types.Int64 `tfsdk:"length"`
	MaxActive types.Int64 `tfsdk:"max_active"`
}

func (d *MFASettingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mfa_settings"
}

func (d *MFASettingsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if p := providerDataFrom(req.ProviderData, &resp.Diagnostics); p != nil {
		d.api, d.policy = p.api, p.policy
	}
}

// settingsNeedAdmin is why idcsmfa_mfa_settings needs the administrator's mode.
const settingsNeedAdmin = "reads the domain's MFA settings (GET /admin/v1/AuthenticationFactorSettings), which a user's " +
	"token may not do: it needs an application with the " + settingsReaderRole + " app role"

// ValidateConfig refuses the data source at plan time in self-service mode (the framework
// configures it first once the provider is configured; at validate time it is not).
func (d *MFASettingsDataSource) ValidateConfig(_ context.Context, _ datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	if d.api != nil {
		resp.Diagnostics.Append(d.api.mode().requireAdmin("idcsmfa_mfa_settings", settingsNeedAdmin)...)
	}
}

func (d *MFASettingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The identity domain's MFA settings that decide what users' factors may be (the domain's " +
			"`AuthenticationFactorSettings`, Security > MFA in the console), read-only: no arguments. The factor " +
			"resources check new factors against the same settings at plan time. Needs the **" + settingsReaderRole +
			"** app role (Oracle's AppRole table; Identity Domain Administrator reads them too) on the confidential " +
			"application: MFA Client and User Administrator do not read them, and in self-service mode the data " +
			"source is refused at plan time (it needs administrator credentials). The provider reads the settings once per run, however many objects use them. A number the " +
			"domain does not report is null.",
		Attributes: map[string]schema.Attribute{
			"enabled_factors": schema.ListAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "The factors the domain has enabled, in the MFA API's names: `SMS`, `EMAIL`, `TOTP`, " +
					"`PUSH`, `PHONE_CALL`, `SECURITY_QUESTIONS`, `BYPASSCODE`, then `FIDO_AUTHENTICATOR`, `YUBICO_OTP` " +
					"(`smsEnabled`, `emailEnabled`, … in the API).",
			},
			"user_enrollment_disabled_factors": schema.ListAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "The factors users may not enroll themselves (`userEnrollmentDisabledFactors`, e.g. " +
					"`OFFLINETOTP`, `VOICE`); an administrator still can. Self-service mode is refused them at plan time.",
			},
			"mfa_enrollment_type": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`Optional` or `Required` (`mfaEnrollmentType`): whether users must enroll in MFA.",
			},
			"totp": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The parameters of TOTP codes (`totpSettings`), which `idcsmfa_totp_factor` must use.",
				Attributes: map[string]schema.Attribute{
					"algorithm": schema.StringAttribute{Computed: true, MarkdownDescription: "The HMAC hash (`hashingAlgorithm`), upper case: `SHA1`, `SHA256`, …"},
					"digits":    num("The number of digits of a code (`passcodeLength`)."),
					"period":    num("The time step in **seconds** (`timeStepInSecs`)."),
					"tolerance": num("How many time steps either side of now a code may come from (`timeStepTolerance`)."),
				},
			},
			"sms_passcode_length":             num("The number of digits of an SMS passcode (`totpSettings.smsPasscodeLength`)."),
			"sms_passcode_validity_minutes":   num("How long an SMS passcode is valid, in **minutes** (`totpSettings.smsOtpValidityDurationInMins`)."),
			"email_passcode_length":           num("The number of digits of an e-mail passcode (`totpSettings.emailPasscodeLength`)."),
			"email_passcode_validity_minutes": num("How long an e-mail passcode is valid, in **minutes** (`totpSettings.emailOtpValidityDurationInMins`)."),
			"max_incorrect_attempts": num("How many wrong codes in a row lock the user out of MFA " +
				"(`endpointRestrictions.maxIncorrectAttempts`)."),
			"max_enrolled_devices": num("How many devices (SMS, e-mail, TOTP, push, phone call factors) a user may have " +
				"enrolled (`endpointRestrictions.maxEnrolledDevices`); a new factor for a user who has that many is refused at plan time."),
			"bypass_code": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Bypass codes (`bypassCodeSettings`).",
				Attributes: map[string]schema.Attribute{
					"length":     num("The number of digits of a bypass code (`length`)."),
					"max_active": num("How many unused bypass codes a user may hold (`maxActive`)."),
				},
			},
		},
	}
}

func (d *MFASettingsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.api.mode().requireAdmin("idcsmfa_mfa_settings", settingsNeedAdmin)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := d.policy.read(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the identity domain's MFA settings",
			fmt.Sprintf("GET /admin/v1/AuthenticationFactorSettings failed: %s. %s", serviceErrorText(err), settingsRoleHint(err)))
		return
	}
	m := mfaSettingsModel{
		EnabledFactors:                stringList(s.EnabledFactors()),
		UserEnrollmentDisabledFactors: stringList(s.UserEnrollmentDisabledFactors),
		MFAEnrollmentType:             types.StringValue(s.MFAEnrollmentType),
		TOTP: &totpSettingsModel{
			Algorithm: types.StringValue(s.TOTP.HashingAlgorithm),
			Digits:    knownInt(s.TOTP.PasscodeLength),
			Period:    knownInt(s.TOTP.TimeStepSeconds),
			Tolerance: knownInt(s.TOTP.TimeStepTolerance),
		},
		SMSPasscodeLength:            knownInt(s.TOTP.SMSPasscodeLength),
		SMSPasscodeValidityMinutes:   knownInt(s.TOTP.SMSOTPValidityMinutes),
		EmailPasscodeLength:          knownInt(s.TOTP.EmailPasscodeLength),
		EmailPasscodeValidityMinutes: knownInt(s.TOTP.EmailOTPValidityMinutes),
		MaxIncorrectAttempts:         knownInt(s.MaxIncorrectAttempts),
		MaxEnrolledDevices:           knownInt(s.MaxEnrolledDevices),
		BypassCode:                   &bypassCodeModel{Length: knownInt(s.BypassCode.Length), MaxActive: knownInt(s.BypassCode.MaxActive)},
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// knownInt is a number the domain reported, or null for 0 (not reported).
func knownInt(v int) types.Int64 {
	if v == 0 {
		return types.Int64Null()
	}
	return types.Int64Value(int64(v))
}

var _ settingsReader = (*client.Client)(nil)
