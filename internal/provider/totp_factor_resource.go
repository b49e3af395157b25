package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ resource.ResourceWithImportState = &TOTPFactorResource{}
	_ resource.ResourceWithModifyPlan  = &TOTPFactorResource{}
)

// Attribute names of the TOTP factor's own inputs.
const (
	attrSharedSecretWO        = "shared_secret_wo"
	attrSharedSecretWOVersion = "shared_secret_wo_version"
	attrPeriod                = "period"
	attrDigits                = "digits"
	attrAlgorithm             = "algorithm"
)

// TOTPFactorResource is idcsmfa_totp_factor: a user's offline TOTP factor (RFC 6238), enrolled
// in one request from a secret the configuration brings. It shares Read, Delete and Import
// with every factor and brings its own Create (enroll with the secret) and Update (rename).
type TOTPFactorResource struct{ factorResource }

// NewTOTPFactorResource is the constructor the provider lists.
func NewTOTPFactorResource() resource.Resource {
	return &TOTPFactorResource{newFactorResource(totpKind, func() factorState { return &totpFactorModel{} })}
}

type totpFactorModel struct {
	factorModel
	SharedSecretWO        types.String `tfsdk:"shared_secret_wo"`
	SharedSecretWOVersion types.Int64  `tfsdk:"shared_secret_wo_version"`
	Period                types.Int64  `tfsdk:"period"`
	Digits                types.Int64  `tfsdk:"digits"`
	Algorithm             types.String `tfsdk:"algorithm"`
}

// params are the code parameters the domain's TOTP settings give (defaults: RFC 6238's).
func (m *totpFactorModel) params() client.TOTPParams {
	return client.TOTPParams{
		Period:    time.Duration(m.Period.ValueInt64()) * time.Second,
		Digits:    int(m.Digits.ValueInt64()),
		Algorithm: m.Algorithm.ValueString(),
	}
}

// fillImported gives an imported factor the defaults of the code parameters, which the
// service does not report per factor, so a configuration that keeps them plans no change.
// It also fills a plan's parameters that ModifyPlan left unknown.
func (m *totpFactorModel) fillImported(string) {
	if m.Period.IsNull() || m.Period.IsUnknown() {
		m.Period = types.Int64Value(defaultTOTPPeriod)
	}
	if m.Digits.IsNull() || m.Digits.IsUnknown() {
		m.Digits = types.Int64Value(int64(defaultTOTPDigits))
	}
	if m.Algorithm.IsNull() || m.Algorithm.IsUnknown() {
		m.Algorithm = types.StringValue(defaultTOTPAlgorithm)
	}
}

// The defaults of the domain's TOTP settings (timeStepInSecs, passcodeLength,
// hashingAlgorithm) and of RFC 6238 section 4 / Appendix B.
const (
	defaultTOTPPeriod    = int64(client.DefaultTOTPPeriod / time.Second)
	defaultTOTPDigits    = client.DefaultTOTPDigits
	defaultTOTPAlgorithm = client.DefaultTOTPAlgorithm
)

func (r *TOTPFactorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := factorAttributes(r.kind, schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The device name the user sees for this factor. Left out, the identity domain chooses one. " +
			"A change renames the factor in place (`displayName`, no replacement); a rename made outside Terraform " +
			"shows as drift and is set back.",
		Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	})
	attrs[attrSharedSecretWO] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		WriteOnly: true,
		MarkdownDescription: "Write-only (Terraform 1.11+): the factor's shared secret, base32 as authenticator apps take " +
			"it (RFC 4648; spaces and lower case are accepted), at least 128 bits (26 characters; RFC 4226 section 4 " +
			"requires 128 and recommends 160). The provider enrolls the factor in one request with the secret and a " +
			"code it computes from it, so the service checks the secret before enrolling. The secret is never stored " +
			"in the plan, the state or the private state, and never logged. Only the secret given at creation counts: " +
			"to use a new one, change `shared_secret_wo_version` with it, which replaces the factor. Required to create " +
			"the factor; an imported factor needs neither this nor its version.",
		Validators: []validator.String{totpSecretValidator{}, stringvalidator.AlsoRequires(path.MatchRoot(attrSharedSecretWOVersion))},
	}
	attrs[attrSharedSecretWOVersion] = schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "The version of `shared_secret_wo` (1 or more). Changing it replaces the factor: the " +
			"service cannot change a factor's secret, so a new secret means a new factor. Changing the secret without " +
			"changing this number does nothing.",
		Validators:    []validator.Int64{int64validator.AtLeast(1)},
		PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(versionRaised, "A new secret version replaces the factor.", "A new secret version replaces the factor.")},
	}
	attrs[attrPeriod] = schema.Int64Attribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The time step in seconds (RFC 6238 X) of the domain's TOTP settings (`timeStepInSecs`; " +
			"30 to 300). Left out, a new factor takes the domain's value when the provider may read the domain's MFA " +
			"settings (" + settingsReaderRole + " app role), else 30. A value that differs from the domain's is refused " +
			"at plan time. Changing it only records it.",
		Validators:    []validator.Int64{int64validator.Between(30, 300)},
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
	attrs[attrDigits] = schema.Int64Attribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The number of digits of a code (`passcodeLength` of the domain's TOTP settings; 6 to 8: " +
			"RFC 4226 section 5.3 asks for at least 6, and authenticator apps show at most 8). Left out, a new factor " +
			"takes the domain's value when the provider may read the domain's MFA settings, else 6. A value that differs " +
			"from the domain's is refused at plan time. Changing it only records it.",
		Validators:    []validator.Int64{int64validator.Between(6, 8)},
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
	attrs[attrAlgorithm] = schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The HMAC hash (`hashingAlgorithm` of the domain's TOTP settings): `SHA1`, `SHA256` or " +
			"`SHA512` (RFC 6238 section 1.2). Left out, a new factor takes the domain's value when the provider may read " +
			"the domain's MFA settings, else `SHA1`. A value that differs from the domain's is refused at plan time. " +
			"Changing it only records it.",
		Validators:    []validator.String{stringvalidator.OneOf(client.TOTPAlgorithmSHA1, client.TOTPAlgorithmSHA256, client.TOTPAlgorithmSHA512)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	resp.Schema = schema.Schema{MarkdownDescription: totpFactorDescription, Attributes: attrs}
}

const totpFactorDescription = "Enrolls a user's **offline TOTP** factor (RFC 6238: any authenticator app, or " +
	"automation that holds the secret) in one step, from a secret the configuration brings in the write-only " +
	"`shared_secret_wo`: the provider sends `skipFactorVerification` with the secret and a code it computes from it, " +
	"and the factor is `ENROLLED` at once. This is the path for test users whose sign-in a pipeline automates: the " +
	"pipeline keeps the secret and computes codes like an authenticator app. Use it only for such users: the person " +
	"behind a real account should enroll their own device.\n\n" +
	"**What is stored where.** The secret is in the configuration only (use an ephemeral variable or an ephemeral " +
	"resource's value): never in the plan, the state, the private state or a log line. The state holds the factor's " +
	"ids, status, methods, display name and the code parameters.\n\n" +
	"The TOTP factor must be enabled in the identity domain (Security > MFA > Factors: Mobile app passcode) and the " +
	"OAuth client needs the **MFA Client** app role.\n\n" +
	"**Checked at plan time** when the application also holds the **" + settingsReaderRole + "** app role (it reads " +
	"the domain's MFA settings, once per run and only when a factor is created): a `period`, `digits` or `algorithm` " +
	"that differs from the domain's TOTP settings (left out, they take the domain's values); TOTP disabled in the " +
	"domain; a user who already has the domain's maximum of enrolled devices (`maxEnrolledDevices`, which costs one " +
	"listing of the user's factors). Without that role these are found at apply, and the provider warns once per run. " +
	"The `idcsmfa_mfa_settings` data source shows the settings.\n\n" +
	"Import with `<user_id>/<factor_id>`. The service never shows a factor's secret, so the configuration of an " +
	"imported factor leaves out `shared_secret_wo` and its version; it then plans no change.\n\n" +
	"**No service-generated secret.** Without `shared_secret_wo` the service would generate the secret, and the " +
	"person it is for would have to receive it (a QR code) through Terraform's state or outputs. So creating a " +
	"factor without it is refused at plan time: a person enrolls their own authenticator app in the identity " +
	"domain's self-service pages, where the secret stays between the app and the domain."

// ModifyPlan refuses, at plan time, to create a factor without its secret. Without one the
// service would generate the secret, and the person it is for would have to receive it (as a
// QR code) through Terraform: through its state or its outputs. A person's own authenticator
// app is enrolled by that person in the domain's self-service pages, where the secret never
// leaves the two ends. It then checks a new factor, and changed code parameters, against the
// domain's MFA policy (factor_policy.go, planTOTPParams).
func (r *TOTPFactorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(r.selfServicePlanDiagnostics(ctx, req)...)
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	if creating {
		var secret types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrSharedSecretWO), &secret)...)
		if secret.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(attrSharedSecretWO), "Missing TOTP secret",
				"A new idcsmfa_totp_factor is enrolled from the secret in shared_secret_wo (base32, at least 128 bits), with "+
					"shared_secret_wo_version: set both, for example from an ephemeral variable. Only an imported factor can "+
					"leave them out. The provider does not let the service generate the secret: the person who scans it "+
					"would have to receive it through Terraform's state or outputs. A person enrolls their own authenticator "+
					"app in the identity domain's self-service pages (My Profile > Security > 2-Step Verification).")
			return
		}
		resp.Diagnostics.Append(r.policyPlanDiagnostics(ctx, req)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(r.planTOTPParams(ctx, req, resp, creating)...)
}

// versionRaised replaces a resource when a trigger version changes from one number to
// another; setting one where there was none (after import) only records it.
func versionRaised(_ context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull() && !req.PlanValue.Equal(req.StateValue)
}

// Create enrolls the factor in one request with the secret and a code computed from it.
func (r *TOTPFactorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m totpFactorModel
	var secret types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrSharedSecretWO), &secret)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := m.UserID.ValueString()
	m.fillImported("")
	code, err := client.TOTPCode(secret.ValueString(), r.now(), m.params())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(attrSharedSecretWO), "Invalid TOTP secret", err.Error())
		return
	}
	enroll, err := client.OfflineTOTPEnrollRequest(secret.ValueString(), code)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(attrSharedSecretWO), "Invalid TOTP secret", err.Error())
		return
	}
	defer r.forgetListing(userID)
	// A one-step enrollment always makes a new factor, which nothing in the listing ties to
	// this request but its newness: the TOTP factors before it are kept to tell, should the
	// answer be lost.
	before, err := r.api.ListFactors(ctx, userID)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("Could not list the factors of user %s before enrolling", userID), err))
		return
	}
	e, err := r.api.Enroll(ctx, userID, enroll)
	if err != nil && isLostAnswer(err) {
		e, err = r.newFactorAfterLostAnswer(ctx, userID, before, err, &resp.Diagnostics)
		if e == nil {
			return
		}
	}
	if errors.Is(err, client.ErrInvalidPasscode) {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not enroll the TOTP factor of user %s", userID), r.codeRefusedDetail(ctx, &m, err))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("Could not enroll the TOTP factor of user %s", userID), err))
		return
	}
	wanted := m.DisplayName
	m.setIDs(userID, e.FactorID)
	m.Status = types.StringValue(enrollmentStatus(e))
	m.Methods = stringList(orDefault(e.Methods, client.MethodTOTP))
	m.DisplayName = types.StringValue(e.DisplayName)
	m.SharedSecretWO = types.StringNull()
	if !wanted.IsUnknown() && !wanted.IsNull() && wanted.ValueString() != e.DisplayName {
		err := r.api.RenameFactor(ctx, userID, e.FactorID, wanted.ValueString())
		switch {
		case errors.Is(err, client.ErrNotSent):
			// Terraform is stopping: the factor is kept as it is, and the next plan renames it.
			resp.Diagnostics.AddWarning("TOTP factor enrolled, not renamed", fmt.Sprintf("TOTP factor %s was enrolled, "+
				"and Terraform stopped before renaming it to %q: the next apply renames it.", e.FactorID, wanted.ValueString()))
		case err != nil:
			// The factor exists: keep it in state (tainted by the error) rather than lose it.
			resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("TOTP factor %s was enrolled but could not be renamed "+
				"to %q; Terraform keeps it in state as tainted, and the next apply replaces it", e.FactorID, wanted.ValueString()), err))
		default:
			m.DisplayName = wanted
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update renames the factor; the code parameters are only recorded.
func (r *TOTPFactorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, prior totpFactorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	wanted := plan.DisplayName
	plan.factorModel = prior.factorModel
	plan.SharedSecretWO = types.StringNull()
	if !wanted.IsUnknown() && !wanted.Equal(prior.DisplayName) {
		userID, factorID := prior.UserID.ValueString(), prior.FactorID.ValueString()
		defer r.forgetListing(userID)
		if err := r.api.RenameFactor(ctx, userID, factorID, wanted.ValueString()); err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("Could not rename TOTP factor %s", factorID), err))
			return
		}
		plan.DisplayName = wanted
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// totpSecretValidator checks a TOTP shared secret at plan time (base32, at least 128 bits)
// without ever echoing it: the stock validators put the rejected value in their message.
type totpSecretValidator struct{}

func (totpSecretValidator) Description(context.Context) string {
	return "must be a base32 shared secret (RFC 4648: letters A-Z and digits 2-7) of at least 128 bits (26 characters)"
}

func (v totpSecretValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v totpSecretValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := client.ValidateTOTPSecret(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid TOTP secret",
			fmt.Sprintf("Attribute %s %s: %s (the value is not shown because it is secret).", req.Path, v.Description(ctx), err))
	}
}

// newFactorAfterLostAnswer looks, after a one-step enrollment whose answer was lost, for the
// factor it made: the one TOTP factor the user's listing shows that was not there before.
// It returns that factor (and a warning), or nil after adding the error that says what was
// checked and what to do.
func (r *TOTPFactorResource) newFactorAfterLostAnswer(ctx context.Context, userID string, before *client.UserFactors,
	sendErr error, diags *diag.Diagnostics) (*client.Enrollment, error) {
	ctx, cancel := reconcileContext(ctx)
	defer cancel()
	summary := fmt.Sprintf("The enrollment of the TOTP factor of user %s may have been carried out", userID)
	after, err := r.api.ListFactors(ctx, userID)
	if err != nil {
		diags.AddError(summary, fmt.Sprintf("%s\n\nTerraform then tried to list the user's factors to find a new TOTP "+
			"factor, and that failed too (%s). Look at the user's factors (the idcsmfa_user_factors data source): a TOTP "+
			"factor that appeared at this time is this enrollment; import it, or delete it and apply again.",
			apiErrorDetail(sendErr), serviceErrorText(err)))
		return nil, nil
	}
	var added []client.Factor
	for _, f := range after.Factors {
		if slices.Contains(f.Methods, client.MethodTOTP) && findFactor(before, f.FactorID) == nil {
			added = append(added, f)
		}
	}
	if len(added) != 1 {
		outcome := "none was found, so the enrollment was not carried out: apply again to enroll it"
		if len(added) > 1 {
			ids := make([]string, 0, len(added))
			for _, f := range added {
				ids = append(ids, f.FactorID)
			}
			outcome = fmt.Sprintf("%d appeared meanwhile (%s), so Terraform cannot tell which is this one and recorded "+
				"none: import the right one, or delete them and apply again", len(added), strings.Join(ids, ", "))
		}
		diags.AddError(summary, fmt.Sprintf("%s\n\nTerraform then compared the user's TOTP factors with those before the "+
			"request: %s.", apiErrorDetail(sendErr), outcome))
		return nil, nil
	}
	f := added[0]
	diags.AddWarning("The answer to the enrollment was lost: factor found and recorded", fmt.Sprintf("%s\n\nTerraform "+
		"then compared the user's TOTP factors with those before the request and found one new factor, %s, which it "+
		"records in state.", apiErrorDetail(sendErr), f.FactorID))
	return &client.Enrollment{FactorID: f.FactorID, FactorStatus: client.FactorStatusEnrolled, DisplayName: f.DisplayName,
		Methods: f.Methods}, nil
}
