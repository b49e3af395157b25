package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12+, OpenTofu 1.12+): the ids that name an object on the
// service, which `import { identity = {...} }` and list resources use instead of the string
// "<user_id>/<factor_id>". A factor (and its activation) is named by user_id and factor_id; a
// user's preferred factor by user_id alone. Identities hold ids only, never a secret.

var (
	_ resource.ResourceWithIdentity = &SMSFactorResource{}
	_ resource.ResourceWithIdentity = &EmailFactorResource{}
	_ resource.ResourceWithIdentity = &TOTPFactorResource{}
	_ resource.ResourceWithIdentity = &FactorActivationResource{}
	_ resource.ResourceWithIdentity = &PreferredFactorResource{}
)

// factorIdentity is the identity of a factor resource and of idcsmfa_factor_activation.
type factorIdentity struct {
	UserID   types.String `tfsdk:"user_id"`
	FactorID types.String `tfsdk:"factor_id"`
}

// factorIdentitySchema is the identity schema of a factor and of its activation.
func factorIdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		attrUserID:   identityschema.StringAttribute{RequiredForImport: true, Description: "The user's GUID (SCIM id), 32 lower-case hexadecimal characters."},
		attrFactorID: identityschema.StringAttribute{RequiredForImport: true, Description: "The factor's id (device id), 32 hexadecimal characters."},
	}}
}

// userIdentitySchema is the identity schema of what a user has one of (the preferred factor).
func userIdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		attrUserID: identityschema.StringAttribute{RequiredForImport: true, Description: "The user's GUID (SCIM id), 32 lower-case hexadecimal characters."},
	}}
}

// setFactorIdentity records a factor's identity unless the response already carries one.
// The framework fills a response's identity with the prior one, and an identity never
// changes, so on a refresh of a resource whose state has its identity there is nothing to
// do; that keeps identity from costing the refresh of unchanged factors (BENCHMARKS.md). It
// is set when there is none yet: after create, and on the first refresh of a state written
// before identities. identity is nil when the resource is served without identity support.
func setFactorIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, userID, factorID string) diag.Diagnostics {
	if identity == nil || !identity.Raw.IsFullyNull() {
		return nil
	}
	return identity.Set(ctx, factorIdentity{UserID: types.StringValue(userID), FactorID: types.StringValue(factorID)})
}

// setUserIdentity records the identity of what a user has one of, as setFactorIdentity.
func setUserIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, userID string) diag.Diagnostics {
	if identity == nil || !identity.Raw.IsFullyNull() {
		return nil
	}
	return identity.SetAttribute(ctx, path.Root(attrUserID), userID)
}

// identityFromState records the identity of the object a Create or Update left in state:
// its user_id, and its factor_id when the resource has one. Deferred at the top of Create and
// Update, it sees every way they end, including an error that still saved the object. Nothing
// is set when the state is empty (the object was not created).
func identityFromState(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() {
		return
	}
	var userID, factorID types.String
	diags.Append(state.GetAttribute(ctx, path.Root(attrUserID), &userID)...)
	if identity.Schema.GetAttributes()[attrFactorID] == nil {
		diags.Append(setUserIdentity(ctx, identity, userID.ValueString())...)
		return
	}
	diags.Append(state.GetAttribute(ctx, path.Root(attrFactorID), &factorID)...)
	if userID.ValueString() != "" && factorID.ValueString() != "" {
		diags.Append(setFactorIdentity(ctx, identity, userID.ValueString(), factorID.ValueString())...)
	}
}

// importedFactorIDs returns the ids an import names: the string "<user_id>/<factor_id>" of
// `terraform import` and `import { id = ... }`, or the identity of `import { identity = {...} }`,
// checked by the one parser of factor import ids either way.
func importedFactorIDs(ctx context.Context, req resource.ImportStateRequest) (userID, factorID string, diags diag.Diagnostics) {
	if req.ID == "" && req.Identity != nil {
		var id factorIdentity
		if diags = req.Identity.Get(ctx, &id); diags.HasError() {
			return "", "", diags
		}
		userID, factorID = id.UserID.ValueString(), id.FactorID.ValueString()
		diags.Append(identityIDDiagnostics(attrUserID, userID, guidRegexp, userIDInIdentity)...)
		diags.Append(identityIDDiagnostics(attrFactorID, factorID, hex32Regexp, "the factor's id (device id): 32 hexadecimal "+
			"characters, e.g. "+exampleFactorID)...)
		return userID, factorID, diags
	}
	return parseFactorResourceID(req.ID)
}

// userIDInIdentity is what the identity's user_id must be.
const userIDInIdentity = "the user's GUID (the SCIM user id, not the OCID): 32 lower-case hexadecimal characters, e.g. " +
	exampleUserID

// identityIDDiagnostics judges one id of an `import { identity = {...} }` block, which has no
// import ID: the error names the identity attribute and, for a GUID written in upper case
// (as some consoles and tools show it), the value to write.
func identityIDDiagnostics(attr, value string, valid *regexp.Regexp, what string) diag.Diagnostics {
	if valid.MatchString(value) {
		return nil
	}
	var diags diag.Diagnostics
	detail := fmt.Sprintf("The identity's %s must be %s. Got %q.", attr, what, value)
	if lower := strings.ToLower(value); lower != value && valid.MatchString(lower) {
		detail += fmt.Sprintf(" The identity domain's GUIDs are lower case: write %s = %q.", attr, lower)
	}
	diags.AddError("Invalid import identity", detail)
	return diags
}

// importFactorIDs is the common start of a factor's import (factor resources and
// activation): the ids into state and identity; Read then fills in the rest.
func importFactorIDs(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) bool {
	userID, factorID, diags := importedFactorIDs(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return false
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrID), factorResourceID(userID, factorID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrUserID), userID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrFactorID), factorID)...)
	if resp.Identity != nil {
		// Always: an import block's identity is replaced by the ids as parsed.
		resp.Diagnostics.Append(resp.Identity.Set(ctx, factorIdentity{UserID: types.StringValue(userID),
			FactorID: types.StringValue(factorID)})...)
	}
	return !resp.Diagnostics.HasError()
}

// importByUserID is the import of an object a user has one of (the preferred factor, the
// security questions): the user's GUID, as the string id or the identity {user_id}; id and
// user_id are both that GUID.
func importByUserID(ctx context.Context, typeName string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	userID := req.ID
	if userID == "" && req.Identity != nil {
		var id types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(attrUserID), &id)...)
		userID = id.ValueString()
		if resp.Diagnostics.Append(identityIDDiagnostics(attrUserID, userID, guidRegexp, userIDInIdentity)...); resp.Diagnostics.HasError() {
			return
		}
	}
	if !guidRegexp.MatchString(userID) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("The import ID of %s is the "+
			"user's GUID (the SCIM user id): 32 lower-case hexadecimal characters, e.g. %s; not the OCID. Got %q.", typeName, exampleUserID, userID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrID), userID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrUserID), userID)...)
	resp.Diagnostics.Append(setUserIdentity(ctx, resp.Identity, userID)...)
}
