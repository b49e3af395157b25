package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// ReadResource answers the refresh of an enrolled factor that the user's shared listing shows
// unchanged with the state Terraform sent: exactly what factorResource.Read would return,
// without the framework decoding it into a model and encoding it back. Everything else (a
// pending or imported factor, one the listing does not confirm, any other resource type, a
// provider not configured yet) goes to the framework and factorResource.Read.
func (s *server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if s.readsUnchanged(ctx, req) {
		return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
	}
	return s.frameworkServer.ReadResource(ctx, req)
}

// factorKindsByType are the factor resource types the read shortcut knows.
var factorKindsByType = map[string]factorKind{
	"idcsmfa_" + smsFactorKind.typeSuffix:   smsFactorKind,
	"idcsmfa_" + emailFactorKind.typeSuffix: emailFactorKind,
}

// readsUnchanged reports whether factorResource.Read would return req's state as it is: the
// state is that of an enrolled factor with its display name, its id and no passcode, there is
// no private state (so it was not imported and has no enrollment to clear), and the listing
// confirms it with the methods the state holds (factorResource.readFromListing would copy
// them in).
func (s *server) readsUnchanged(ctx context.Context, req *tfprotov6.ReadResourceRequest) bool {
	// An identity would have to be answered too; the factors have none today, so a request
	// that carries one is not the case this shortcut knows.
	if req == nil || req.CurrentState == nil || len(req.Private) > 0 || req.CurrentIdentity != nil {
		return false
	}
	kind, ok := factorKindsByType[req.TypeName]
	if !ok {
		return false
	}
	data := s.provider.configured.Load()
	if data == nil || data.listings == nil {
		return false
	}
	info, ok := s.resourceSchema(ctx, req.TypeName)
	if !ok {
		return false
	}
	state, ok := decodeFlatState(req.CurrentState, info.stateType)
	if !ok || !state[attrOTPCodeWO].IsNull() {
		return false
	}
	userID, factorID := stateString(state, attrUserID), stateString(state, attrFactorID)
	if userID == "" || factorID == "" || stateString(state, attrID) != userID+"/"+factorID ||
		stateString(state, attrStatus) != client.FactorStatusEnrolled || stateString(state, attrDisplayName) == "" {
		return false
	}
	methods, ok := stateStrings(state, attrMethods)
	if !ok {
		return false
	}
	f, ok := kind.listedFactor(ctx, data.listings, userID, factorID)
	return ok && (len(f.Methods) == 0 || slices.Equal(f.Methods, methods))
}

// decodeFlatState decodes a msgpack state into its known top-level attributes.
func decodeFlatState(v *tfprotov6.DynamicValue, typ tftypes.Type) (map[string]tftypes.Value, bool) {
	raw, err := v.Unmarshal(typ)
	if err != nil || !raw.IsFullyKnown() || raw.IsNull() {
		return nil, false
	}
	var attrs map[string]tftypes.Value
	if raw.As(&attrs) != nil {
		return nil, false
	}
	return attrs, true
}

// stateString is a known string attribute's value, "" when null or not a string.
func stateString(state map[string]tftypes.Value, name string) string {
	var s string
	if v, ok := state[name]; !ok || v.IsNull() || v.As(&s) != nil {
		return ""
	}
	return s
}

// stateStrings is a list-of-strings attribute's values; false when it is null or not one.
func stateStrings(state map[string]tftypes.Value, name string) ([]string, bool) {
	v, ok := state[name]
	if !ok || v.IsNull() {
		return nil, false
	}
	var elems []tftypes.Value
	if v.As(&elems) != nil {
		return nil, false
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if e.IsNull() || e.As(&out[i]) != nil {
			return nil, false
		}
	}
	return out, true
}
