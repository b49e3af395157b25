package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Attribute names every factor resource has.
const (
	attrID          = "id"
	attrUserID      = "user_id"
	attrFactorID    = "factor_id"
	attrStatus      = "status"
	attrDisplayName = "display_name"
	attrMethods     = "methods"
)

// factorModel is what every factor is, whatever its kind and however it is activated. Each
// resource's model embeds it next to its own inputs.
type factorModel struct {
	ID          types.String `tfsdk:"id"`
	UserID      types.String `tfsdk:"user_id"`
	FactorID    types.String `tfsdk:"factor_id"`
	Status      types.String `tfsdk:"status"`
	DisplayName types.String `tfsdk:"display_name"`
	Methods     types.List   `tfsdk:"methods"`
}

// factorState is a resource model: it embeds factorModel.
type factorState interface {
	factor() *factorModel
}

// importFiller is a model with creation inputs the service cannot report (the SMS factor's
// number): after import, Read fills them from what the service shows.
type importFiller interface {
	fillImported(displayName string)
}

func (f *factorModel) factor() *factorModel { return f }

// setIDs sets the ids of a factor that exists on the server.
func (f *factorModel) setIDs(userID, factorID string) {
	f.UserID, f.FactorID = types.StringValue(userID), types.StringValue(factorID)
	f.ID = types.StringValue(factorResourceID(userID, factorID))
}

// factorResourceID is the resource id and import id of a factor: "<user_id>/<factor_id>".
func factorResourceID(userID, factorID string) string { return userID + "/" + factorID }

// parseFactorResourceID splits "<user_id>/<factor_id>", each 32 hexadecimal characters; it
// is the one parser of factor import ids. User ids are lower-cased (the service's form).
func parseFactorResourceID(id string) (userID, factorID string, diags diag.Diagnostics) {
	userID, factorID, ok := strings.Cut(id, "/")
	if !ok || !guidRegexp.MatchString(userID) || !hex32Regexp.MatchString(factorID) {
		diags.AddError("Invalid import ID",
			fmt.Sprintf("The import ID must be <user_id>/<factor_id>: the user's GUID and the factor's id, each 32 lower-case hexadecimal "+
				"characters, e.g. %s/%s (the idcsmfa_user_factors data source lists a user's factor ids). Got %q.",
				exampleUserID, exampleFactorID, id))
		return "", "", diags
	}
	return userID, factorID, nil
}

// factorAttributes is the schema of factorModel. displayName differs by kind: computed for
// the kinds whose name the service chooses, configurable for TOTP devices.
func factorAttributes(k factorKind, displayName schema.StringAttribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		attrID: schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`<user_id>/<factor_id>`, also the import ID.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		attrUserID: schema.StringAttribute{
			Required:            true,
			MarkdownDescription: userGUIDDescription + " Changing it replaces the factor.",
			Validators:          []validator.String{userIDValidator()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
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
		attrDisplayName: displayName,
		attrMethods: schema.ListAttribute{
			ElementType: types.StringType,
			Computed:    true,
			MarkdownDescription: "The methods this factor provides, as the service reports them (e.g. `[\"" + k.method + "\"]`); " +
				"never assumed from the resource type. The MFA API does not report the method of a pending factor, so " +
				"importing a pending factor reads it from the user's devices in SCIM, which needs the **User " +
				"Administrator** app role; without it, such an import is refused (finish the enrollment first, or " +
				"grant the role). A factor of another method is refused.",
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		},
	}
}

// factorResource is what every factor resource does the same way: configuration, Read,
// Delete and ImportState. Each resource embeds it and brings its own Schema, Create and
// Update (the passcode lifecycle of SMS and email, or TOTP's).
type factorResource struct {
	kind     factorKind
	newState func() factorState
	api      factorAPI
	listings *factorListings
	policy   *domainSettings
	now      func() time.Time
}

func newFactorResource(kind factorKind, newState func() factorState) factorResource {
	return factorResource{kind: kind, newState: newState, now: time.Now}
}

func (r *factorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.typeSuffix()
}

func (r *factorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if d := providerDataFrom(req.ProviderData, &resp.Diagnostics); d != nil {
		r.api, r.listings, r.policy = d.api, d.listings, d.policy
	}
}

// Read refreshes the factor. An enrolled factor is read from its user's shared listing (E1),
// one request per user instead of one per factor; when the listing shows it as the state
// does, the state Terraform sent (which the framework put in resp.State) is returned without
// decoding it. Anything the listing cannot settle (pending, imported, unlisted) is read with
// its own E4 request. A factor that no longer exists is removed from state, so the next plan
// creates it again. The identity is set first, from the ids in state, so that every way out
// (unchanged, removed, refreshed) carries it, also for a state written before identities.
func (r *factorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keys, diags := readFactorKeys(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setFactorIdentity(ctx, resp.Identity, keys.userID.ValueString(), keys.factorID.ValueString())...)
	listed, unchanged := r.listedFactor(ctx, req, keys)
	if unchanged || resp.Diagnostics.HasError() {
		return
	}
	m := r.newState()
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := m.factor()
	if listed != nil {
		f.DisplayName = types.StringValue(listed.DisplayName)
		f.Methods = stringList(listed.Methods)
		resp.Diagnostics.Append(clearEnrollment(ctx, resp.Private)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
		return
	}
	r.readOne(ctx, req, resp, m)
}

// factorKeys are the few attributes Read looks at before deciding whether to decode the
// whole model: the ids, and what decides whether the shared listing settles the refresh.
type factorKeys struct {
	userID, factorID, status, displayName types.String
	methods                               types.List
}

// readFactorKeys reads the factorKeys from state, one attribute at a time (cheaper than
// decoding the model).
func readFactorKeys(ctx context.Context, state tfsdk.State) (k factorKeys, diags diag.Diagnostics) {
	for name, dst := range map[string]any{attrUserID: &k.userID, attrFactorID: &k.factorID, attrStatus: &k.status,
		attrDisplayName: &k.displayName, attrMethods: &k.methods} {
		if diags = state.GetAttribute(ctx, path.Root(name), dst); diags.HasError() {
			return k, diags
		}
	}
	return k, nil
}

// listedFactor returns the factor as the user's shared listing shows it, when the listing
// settles the refresh: the state says ENROLLED with a display name, the factor was not
// imported, no enrollment is stored, and the listing shows it with this kind's method.
// unchanged reports that the listing shows what the state already holds.
func (r *factorResource) listedFactor(ctx context.Context, req resource.ReadRequest, k factorKeys) (listed *client.Factor, unchanged bool) {
	if r.listings == nil || k.status.ValueString() != client.FactorStatusEnrolled || k.displayName.ValueString() == "" ||
		isImported(ctx, req.Private) || hasEnrollment(ctx, req.Private) {
		return nil, false
	}
	list, err := r.listings.get(ctx, k.userID.ValueString())
	if err != nil {
		return nil, false
	}
	f := findFactor(list, k.factorID.ValueString())
	if f == nil || !slices.Contains(f.Methods, r.kind.method) || f.DisplayName == "" {
		return nil, false
	}
	return f, f.DisplayName == k.displayName.ValueString() && sameStrings(k.methods, f.Methods)
}

// readOne reads a factor the listing could not settle with its own request (E4), which
// also sees pending factors. The methods recorded in state are always ones the service
// reported: E4's, the listing's, or, for a factor never read before (imported) that E4 shows
// pending without methods, the user's SCIM devices; a factor whose method cannot be read is
// refused rather than given this kind's method.
func (r *factorResource) readOne(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, m factorState) {
	f := m.factor()
	userID, factorID := f.UserID.ValueString(), f.FactorID.ValueString()
	fs, err := r.api.GetFactor(ctx, userID, factorID)
	if errors.Is(err, client.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("Could not read %s factor %s", r.kind.label, factorID), err))
		return
	}
	if fs.FactorStatus != "" {
		f.Status = types.StringValue(fs.FactorStatus)
	}
	methods := fs.Methods
	// E4 carries no display name: keep the one from enrollment, and look it up in the listing
	// (enrolled factors only) when the state has none, as after an import.
	if f.DisplayName.ValueString() == "" || f.Methods.IsNull() {
		list, err := r.listings.get(ctx, userID)
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("Could not list the factors of user %s", userID), err))
			return
		}
		if lf := findFactor(list, factorID); lf != nil {
			if lf.DisplayName != "" && f.DisplayName.ValueString() == "" {
				f.DisplayName = types.StringValue(lf.DisplayName)
			}
			if len(methods) == 0 {
				methods = lf.Methods
			}
		}
	}
	if needMethod := len(methods) == 0 && f.Methods.IsNull(); needMethod || f.DisplayName.ValueString() == "" {
		// A pending factor shows its display name only among the user's devices (the
		// self-service API's E4 names the method but not the masked number): without it an
		// imported pending SMS factor's number could not be matched, and would be replaced.
		device, diags := r.scimDevice(ctx, userID, factorID, f.Status.ValueString())
		if needMethod {
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
			methods = []string{device.FactorType}
		}
		if device.Display != "" && f.DisplayName.ValueString() == "" {
			f.DisplayName = types.StringValue(device.Display)
		}
	}
	if len(methods) > 0 && !slices.Contains(methods, r.kind.method) {
		resp.Diagnostics.Append(wrongKindDiagnostic(r.kind, userID, factorID, methods))
		return
	}
	if len(methods) > 0 {
		f.Methods = stringList(methods)
	}
	if f.Methods.IsNull() {
		resp.Diagnostics.Append(unknownMethodDiagnostic(r.kind, userID, factorID, f.Status.ValueString(),
			"neither its own answer nor the user's listing names its method"))
		return
	}
	if f.Status.ValueString() == client.FactorStatusEnrolled {
		resp.Diagnostics.Append(clearEnrollment(ctx, resp.Private)...)
	}
	if filler, ok := m.(importFiller); ok && isImported(ctx, req.Private) {
		filler.fillImported(f.DisplayName.ValueString())
	}
	f.setIDs(userID, factorID)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// scimDevice finds the factor among the user's SCIM devices: for a pending factor, the only
// answer of the service that names its method (E4 and the listing do not).
func (r *factorResource) scimDevice(ctx context.Context, userID, factorID, status string) (client.MFADevice, diag.Diagnostics) {
	var diags diag.Diagnostics
	devices, err := r.api.UserDevices(ctx, userID)
	if err != nil {
		why := "looking it up in the user's SCIM record (GET /admin/v1/Users/" + userID + ") failed: " + serviceErrorText(err)
		if errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrUnauthorized) {
			why += ". That lookup needs an app role that reads users (User Administrator), which MFA Client does not give"
		}
		diags.Append(unknownMethodDiagnostic(r.kind, userID, factorID, status, why))
		return client.MFADevice{}, diags
	}
	for _, d := range devices {
		if d.Value == factorID && d.FactorType != "" {
			return d, nil
		}
	}
	diags.Append(unknownMethodDiagnostic(r.kind, userID, factorID, status, "the user's SCIM record does not list it"))
	return client.MFADevice{}, diags
}

// unknownMethodDiagnostic refuses a factor whose method the service did not report: state
// never records a method that was not read from the service (a pending SMS factor imported
// as an email factor would otherwise restart the user's real email enrollment, and destroy
// would delete the SMS factor).
func unknownMethodDiagnostic(k factorKind, userID, factorID, status, why string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(fmt.Sprintf("Cannot tell whether factor %s is %s factor", factorID, k.aLabel()),
		fmt.Sprintf("Factor %s of user %s is %s, and the identity domain's MFA API does not report the method of a "+
			"pending factor; %s. Terraform records only a method the service reported, so it does not manage the "+
			"factor with %s on a guess. Either grant the confidential application the User Administrator app "+
			"role (it reads the user's devices) and try again; or finish the enrollment first (an enrolled factor's "+
			"method is reported) and import it then; or delete the pending factor and let Terraform create it.",
			factorID, userID, orUnknown(status, "pending"), why, k.typeName))
}

// wrongKindDiagnostic refuses a factor of another method: managing it with this resource type
// would record a method the service never reported and delete the wrong device on destroy.
func wrongKindDiagnostic(k factorKind, userID, factorID string, methods []string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(fmt.Sprintf("Factor %s is not %s factor", factorID, k.aLabel()),
		fmt.Sprintf("The identity domain reports the methods %s for factor %s of user %s. Manage it with the resource "+
			"type that matches its method (%s).", strings.Join(methods, ", "), factorID, userID, resourceTypesByMethod()))
}

// Delete deletes the factor; one already gone counts as deleted.
func (r *factorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var userID, factorID types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attrUserID), &userID)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attrFactorID), &factorID)...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer r.forgetListing(userID.ValueString())
	if r.listings != nil && r.listings.devices != nil {
		defer r.listings.devices.stale(userID.ValueString())
	}
	err := r.api.DeleteFactor(ctx, userID.ValueString(), factorID.ValueString())
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		resp.Diagnostics.Append(deleteFailedDiagnostic(fmt.Sprintf("Could not delete %s factor %s", r.kind.label, factorID.ValueString()), err))
	}
}

// ImportState accepts "<user_id>/<factor_id>", or the identity {user_id, factor_id} of an
// import block; Read then fills in the rest from the service.
func (r *factorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if importFactorIDs(ctx, req, resp) {
		resp.Diagnostics.Append(markImported(ctx, resp.Private)...)
	}
}

// IdentitySchema: a factor is named by user_id and factor_id.
func (r *factorResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	factorIdentitySchema(ctx, req, resp)
}

// forgetListing drops the user's shared listing after this provider changed their factors.
func (r *factorResource) forgetListing(userID string) {
	if r.listings != nil {
		r.listings.forget(userID)
	}
}

func stringList(values []string) types.List {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	l, _ := types.ListValue(types.StringType, elems)
	return l
}

// sameStrings reports whether a list attribute holds exactly these strings, in order.
func sameStrings(l types.List, values []string) bool {
	if l.IsNull() || l.IsUnknown() || len(l.Elements()) != len(values) {
		return false
	}
	for i, e := range l.Elements() {
		s, ok := e.(types.String)
		if !ok || s.ValueString() != values[i] {
			return false
		}
	}
	return true
}
