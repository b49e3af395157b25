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
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &factorResource{}
	_ resource.ResourceWithImportState = &factorResource{}
	_ resource.ResourceWithModifyPlan  = &factorResource{}
)

// factorModel is a resource model that embeds factorCommonModel.
type factorModel interface {
	common() *factorCommonModel
	// enrollRequest builds the E3 request from the method-specific attributes.
	enrollRequest() client.EnrollRequest
	// device identifies what the factor sends passcodes to, among the inputs that replace it.
	device() string
	// fillImported sets the method-specific attributes of an imported factor, which the
	// service cannot report, from what it shows.
	fillImported(displayName string)
}

// factorKind is what differs between the SMS and the e-mail factor resources.
type factorKind struct {
	typeSuffix  string // resource type after "idcsmfa_"
	method      string // client.MethodSMS, client.MethodEmail
	label       string // for messages: "SMS", "email"
	sentTo      string // where the passcode goes, for descriptions
	description string
	attributes  func() map[string]schema.Attribute // method-specific attributes
	newModel    func() factorModel
}

// factorResource is the lifecycle shared by the factor resources.
type factorResource struct {
	kind     factorKind
	client   *client.Client
	listings *factorListings // nil in unit tests that build the resource by hand
	now      func() time.Time
}

func newFactorResource(kind factorKind) factorResource {
	return factorResource{kind: kind, now: time.Now}
}

func (r *factorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.typeSuffix
}

func (r *factorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := factorCommonAttributes(r.kind.label, r.kind.sentTo)
	for name, a := range r.kind.attributes() {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.kind.description, Attributes: attrs}
}

func (r *factorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if d := providerDataFrom(req.ProviderData, &resp.Diagnostics); d != nil {
		r.client, r.listings = d.client, d.listings
	}
}

func (r *factorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	m := r.kind.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := m.common()
	userID, factorID := c.UserID.ValueString(), c.FactorID.ValueString()

	if !isImported(ctx, req.Private) && r.readFromListing(ctx, m) {
		resp.Diagnostics.Append(clearEnrollment(ctx, resp.Private)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
		return
	}
	fs, err := r.client.GetFactor(ctx, userID, factorID)
	if errors.Is(err, client.ErrNotFound) {
		// Deleted outside Terraform (or the user is gone): the next plan re-creates it.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("Could not read %s factor %s", r.kind.label, factorID), err))
		return
	}
	if len(fs.Methods) > 0 && !slices.Contains(fs.Methods, r.kind.method) {
		resp.Diagnostics.AddError(fmt.Sprintf("Factor %s is not an %s factor", factorID, r.kind.label),
			fmt.Sprintf("The identity domain reports the methods %s for factor %s of user %s. Manage it with the resource "+
				"type that matches its method (idcsmfa_sms_factor for SMS, idcsmfa_email_factor for EMAIL).",
				strings.Join(fs.Methods, ", "), factorID, userID))
		return
	}

	if fs.FactorStatus != "" {
		c.Status = types.StringValue(fs.FactorStatus)
	}
	if len(fs.Methods) > 0 {
		c.Methods = stringList(fs.Methods)
	}
	// E4 carries no display name: keep the one from enrollment, and look it up only when the
	// state has none (after import), so a normal refresh costs one call per factor.
	if c.DisplayName.ValueString() == "" || c.Methods.IsNull() {
		resp.Diagnostics.Append(r.fillFromList(ctx, m)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if c.Status.ValueString() == client.FactorStatusEnrolled {
		resp.Diagnostics.Append(clearEnrollment(ctx, resp.Private)...)
	}
	if isImported(ctx, req.Private) {
		m.fillImported(c.DisplayName.ValueString())
	}
	if c.Methods.IsNull() {
		c.Methods = stringList([]string{r.kind.method})
	}
	c.ID = types.StringValue(userID + "/" + factorID)
	c.OTPCodeWO = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// readFromListing refreshes an enrolled factor from its user's shared listing (E1), which
// names every enrolled factor: one request per user instead of one per factor. It reports
// false when the listing cannot settle it (a pending or imported factor, a factor missing
// from the listing, an error), and Read then asks for the factor itself (E4).
func (r *factorResource) readFromListing(ctx context.Context, m factorModel) bool {
	c := m.common()
	if r.listings == nil || c.Status.ValueString() != client.FactorStatusEnrolled || c.DisplayName.ValueString() == "" {
		return false
	}
	f, ok := r.kind.listedFactor(ctx, r.listings, c.UserID.ValueString(), c.FactorID.ValueString())
	if !ok {
		return false
	}
	if len(f.Methods) > 0 {
		c.Methods = stringList(f.Methods)
	}
	c.ID = types.StringValue(c.UserID.ValueString() + "/" + c.FactorID.ValueString())
	c.OTPCodeWO = types.StringNull()
	return true
}

// listedFactor returns the factor from the user's shared listing when the listing shows it
// enrolled with this kind's method: then the listing is all a refresh needs. Read and the
// protocol server's shortcut (server_read_unchanged.go) both decide by it.
func (k factorKind) listedFactor(ctx context.Context, listings *factorListings, userID, factorID string) (*client.Factor, bool) {
	list, err := listings.get(ctx, userID)
	if err != nil {
		return nil, false
	}
	f := findFactor(list, factorID)
	if f == nil || (len(f.Methods) > 0 && !slices.Contains(f.Methods, k.method)) {
		return nil, false
	}
	return f, true
}

// forgetListing drops the user's shared listing after this provider changed their factors.
func (r *factorResource) forgetListing(userID string) {
	if r.listings != nil {
		r.listings.forget(userID)
	}
}

// fillFromList reads display name and methods from E1, which lists enrolled factors only.
func (r *factorResource) fillFromList(ctx context.Context, m factorModel) (diags diag.Diagnostics) {
	c := m.common()
	list, err := r.client.ListFactors(ctx, c.UserID.ValueString())
	if err != nil {
		diags.Append(apiErrorDiagnostic(fmt.Sprintf("Could not list the factors of user %s", c.UserID.ValueString()), err))
		return diags
	}
	for _, f := range list.Factors {
		if f.FactorID != c.FactorID.ValueString() {
			continue
		}
		if f.DisplayName != "" && c.DisplayName.ValueString() == "" {
			c.DisplayName = types.StringValue(f.DisplayName)
		}
		if len(f.Methods) > 0 {
			c.Methods = stringList(f.Methods)
		}
	}
	return diags
}

func (r *factorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	m := r.kind.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := m.common()
	defer r.forgetListing(c.UserID.ValueString())
	err := r.client.DeleteFactor(ctx, c.UserID.ValueString(), c.FactorID.ValueString())
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("Could not delete %s factor %s", r.kind.label, c.FactorID.ValueString()), err))
	}
}

// ImportState accepts "<user_id>/<factor_id>"; Read then fills in the rest.
func (r *factorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	userID, factorID, ok := strings.Cut(req.ID, "/")
	if !ok || !guidRegexp.MatchString(userID) || !factorIDRegexp.MatchString(factorID) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("The import ID must be <user_id>/<factor_id>: the user's id and the factor's id, each 32 hexadecimal "+
				"characters, e.g. %s/%s (the idcsmfa_user_factors data source lists a user's factor ids). Got %q.",
				exampleUserID, exampleFactorID, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrID), userID+"/"+factorID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrUserID), userID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrFactorID), factorID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrSkipVerification), false)...)
	resp.Diagnostics.Append(markImported(ctx, resp.Private)...)
}

func stringList(values []string) types.List {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	l, _ := types.ListValue(types.StringType, elems)
	return l
}
