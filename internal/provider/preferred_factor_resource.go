package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &PreferredFactorResource{}
	_ resource.ResourceWithImportState = &PreferredFactorResource{}
	_ resource.ResourceWithModifyPlan  = &PreferredFactorResource{}
)

// securityQuestionsFactorID is the fixed factor id of a user's security questions (API
// reference, E1 and E7: "for security questions use SecurityQuestions").
const securityQuestionsFactorID = "SecurityQuestions"

// preferredMethods are the methods E7 accepts as preferredMethod (API reference
// ChangeDefaultFactor; EMAIL per the reference's own E1 examples). A bypass code cannot be
// the preferred factor.
var preferredMethods = []string{client.MethodSMS, client.MethodPhoneCall, client.MethodTOTP, client.MethodPush,
	client.MethodEmail, client.MethodSecurityQuestions}

// PreferredFactorResource is idcsmfa_preferred_factor: which enrolled factor the identity
// domain asks a user for first.
type PreferredFactorResource struct {
	api      factorAPI
	listings *factorListings
}

// NewPreferredFactorResource is the constructor the provider lists.
func NewPreferredFactorResource() resource.Resource { return &PreferredFactorResource{} }

type preferredFactorModel struct {
	ID       types.String `tfsdk:"id"`
	UserID   types.String `tfsdk:"user_id"`
	FactorID types.String `tfsdk:"factor_id"`
	Method   types.String `tfsdk:"method"`
}

func (r *PreferredFactorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_preferred_factor"
}

func (r *PreferredFactorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A user's preferred (default) factor: the one the identity domain uses first when the user " +
			"signs in and when a verification does not name a factor (`PATCH /mfa/v1/users/{id}` with " +
			"`preferredFactorId` and `preferredMethod`). A change made outside Terraform shows as drift and the next " +
			"apply sets it back.\n\n" +
			"The factor must be `ENROLLED`: pointing at a factor that still waits for its passcode fails at apply " +
			"and says to activate it first. Destroying this resource cannot unset a preference (the API has no such " +
			"call): it only removes the resource from state, with a warning, and the user keeps the factor as preferred.\n\n" +
			"Needs the **MFA Client** app role. Import with the user's GUID (`user_id`).",
		Attributes: map[string]schema.Attribute{
			attrID: schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user's GUID; also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			attrUserID: schema.StringAttribute{
				Required:            true,
				MarkdownDescription: userGUIDDescription + " Changing it replaces the resource.",
				Validators:          []validator.String{userIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			attrFactorID: schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The factor to prefer: usually the `factor_id` of an `idcsmfa_totp_factor`, " +
					"`idcsmfa_sms_factor` or `idcsmfa_email_factor` (32 hexadecimal characters), or `SecurityQuestions` " +
					"for the user's security questions. A bypass code cannot be preferred.",
				Validators: []validator.String{preferredFactorIDValidator{}},
			},
			"method": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The method to prefer on that factor (`preferredMethod`): one of `" +
					strings.Join(preferredMethods, "`, `") + "`. Leave it out to use the factor's own method; set it " +
					"when the factor has several (a `[\"TOTP\", \"PUSH\"]` authenticator app, a `[\"SMS\", \"PHONE_CALL\"]` phone).",
				Validators: []validator.String{stringvalidator.OneOf(preferredMethods...)},
			},
		},
	}
}

func (r *PreferredFactorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if d := providerDataFrom(req.ProviderData, &resp.Diagnostics); d != nil {
		r.api, r.listings = d.api, d.listings
	}
}

// ModifyPlan keeps a derived method while the factor stays the same, and leaves it to be
// derived again (unknown) when the factor changes.
func (r *PreferredFactorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var cfgMethod types.String
	var planFactor, stateFactor, stateMethod types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("method"), &cfgMethod)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(attrFactorID), &planFactor)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attrFactorID), &stateFactor)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("method"), &stateMethod)...)
	if resp.Diagnostics.HasError() || !cfgMethod.IsNull() {
		return
	}
	method := types.StringUnknown()
	if planFactor.Equal(stateFactor) {
		method = stateMethod
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("method"), method)...)
}

func (r *PreferredFactorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *PreferredFactorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityFromState(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// apply sets the planned preference and records it.
func (r *PreferredFactorResource) apply(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var m preferredFactorModel
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	r.set(ctx, &m, diags.AddError)
	if !diags.HasError() {
		diags.Append(state.Set(ctx, &m)...)
	}
}

// set makes m's factor the preferred one, deriving the method from the factor when m has
// none. It refuses a factor that is missing, still pending, or lacks the method.
func (r *PreferredFactorResource) set(ctx context.Context, m *preferredFactorModel, addError func(summary, detail string)) {
	userID, factorID := m.UserID.ValueString(), m.FactorID.ValueString()
	defer r.listings.forget(userID)
	methods, problem := r.enrolledMethods(ctx, userID, factorID)
	if problem != "" {
		addError("Cannot prefer factor "+factorID, problem)
		return
	}
	method := m.Method.ValueString()
	switch {
	case m.Method.IsNull() || m.Method.IsUnknown():
		usable := slices.DeleteFunc(slices.Clone(methods), func(x string) bool { return !slices.Contains(preferredMethods, x) })
		if len(usable) != 1 {
			addError("Set method", fmt.Sprintf("Factor %s of user %s provides the methods %s, so the method to prefer "+
				"cannot be derived from it: set method to one of them.", factorID, userID, strings.Join(methods, ", ")))
			return
		}
		method = usable[0]
	case !slices.Contains(methods, method):
		addError("Method not provided by the factor", fmt.Sprintf("Factor %s of user %s provides the methods %s, not %s: "+
			"set method to one of them, or leave it out.", factorID, userID, strings.Join(methods, ", "), method))
		return
	}
	if err := r.api.SetPreferredFactor(ctx, userID, factorID, method); err != nil {
		addError(fmt.Sprintf("Could not make factor %s the preferred factor of user %s", factorID, userID), apiErrorDetail(err))
		return
	}
	m.ID = types.StringValue(userID)
	m.Method = types.StringValue(method)
}

// enrolledMethods returns the methods of an enrolled factor, or why it cannot be preferred.
// The listing (E1) shows enrolled factors only, so a factor missing from it is looked up (E4)
// to tell a pending factor from one that does not exist.
func (r *PreferredFactorResource) enrolledMethods(ctx context.Context, userID, factorID string) ([]string, string) {
	list, err := r.api.ListFactors(ctx, userID)
	if err != nil {
		return nil, fmt.Sprintf("Listing the factors of user %s failed.\n\n%s", userID, apiErrorDetail(err))
	}
	if f := findFactor(list, factorID); f != nil {
		return f.Methods, ""
	}
	fs, err := r.api.GetFactor(ctx, userID, factorID)
	switch {
	case errors.Is(err, client.ErrNotFound):
		return nil, fmt.Sprintf("User %s has no factor %s (%s). Check factor_id: it usually comes from a factor resource "+
			"of the same user.", userID, factorID, serviceErrorText(err))
	case err != nil:
		return nil, fmt.Sprintf("Reading factor %s of user %s failed.\n\n%s", factorID, userID, apiErrorDetail(err))
	case fs.FactorStatus == client.FactorStatusInitiated:
		return nil, fmt.Sprintf("Factor %s of user %s is still ENROLLMENT_INITIATED: only an enrolled factor can be "+
			"preferred. Activate it first (otp_code_wo on its factor resource, or an idcsmfa_factor_activation that "+
			"the preferred factor depends on), then apply again.", factorID, userID)
	}
	return fs.Methods, ""
}

// Read takes the preference from the user's listing (E1), shared with the factor resources'
// refresh: a preference changed outside Terraform shows as drift.
func (r *PreferredFactorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state preferredFactorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := state.UserID.ValueString()
	// First, so that every way out (removed, refreshed) carries the identity.
	resp.Diagnostics.Append(setUserIdentity(ctx, resp.Identity, userID)...)
	list, err := r.listings.get(ctx, userID)
	if errors.Is(err, client.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("Could not read the preferred factor of user %s", userID), err))
		return
	}
	state.ID = types.StringValue(userID)
	state.FactorID = types.StringValue(list.PreferredFactorID)
	state.Method = types.StringValue(list.PreferredMethod)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete cannot unset a preference: the API has no call for it. It says so, and Terraform
// forgets the resource.
func (r *PreferredFactorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state preferredFactorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.AddWarning("Preferred factor left as it is",
		fmt.Sprintf("Terraform stops managing the preferred factor of user %[2]s, but the identity domain's API cannot "+
			"unset a preference: factor %[1]s stays preferred for as long as it exists. If this destroy also deletes "+
			"the factor, the preference ends with it; otherwise make another factor preferred (in Terraform or in the "+
			"console) to change it.",
			state.FactorID.ValueString(), state.UserID.ValueString()))
}

// ImportState accepts the user's GUID, as the string id or the identity {user_id}.
func (r *PreferredFactorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByUserID(ctx, "idcsmfa_preferred_factor", req, resp)
}

// IdentitySchema: a user has one preferred factor, named by user_id.
func (r *PreferredFactorResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	userIdentitySchema(ctx, req, resp)
}

// preferredFactorIDValidator accepts a factor id (32 hexadecimal characters) or
// SecurityQuestions, and says why a bypass code cannot be preferred.
type preferredFactorIDValidator struct{}

func (preferredFactorIDValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a factor id (32 hexadecimal characters, e.g. %q) or %q", exampleFactorID, securityQuestionsFactorID)
}

func (v preferredFactorIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v preferredFactorIDValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	id := req.ConfigValue.ValueString()
	switch {
	case hex32Regexp.MatchString(id) || id == securityQuestionsFactorID:
	case strings.EqualFold(id, "BypassCode"):
		resp.Diagnostics.AddAttributeError(req.Path, "A bypass code cannot be preferred",
			"The identity domain does not accept BYPASSCODE as a preferred method: choose an enrolled factor.")
	default:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid factor id",
			fmt.Sprintf("Attribute %s %s; got %q.", req.Path, v.Description(ctx), id))
	}
}
