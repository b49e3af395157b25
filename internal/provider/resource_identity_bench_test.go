package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// listingOf answers every user's listing with one enrolled SMS factor.
type listingOf client.Factor

func (l listingOf) ListFactors(_ context.Context, userID string) (*client.UserFactors, error) {
	return &client.UserFactors{UserGUID: userID, Factors: []client.Factor{client.Factor(l)}}, nil
}

// BenchmarkFactorRead measures what identity adds to the refresh of an unchanged enrolled
// factor (the common case, settled by the shared listing): the provider's Read, and the
// identity's encoding for the protocol answer (what the framework adds per Read). Compare
// the two sub-benchmarks: BENCHMARKS.md, "What identity costs a refresh".
func BenchmarkFactorRead(b *testing.B) {
	ctx := context.Background()
	r, ok := NewSMSFactorResource().(*SMSFactorResource)
	if !ok {
		b.Fatal("not an SMS factor resource")
	}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	var iresp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
	factor := client.Factor{FactorID: exampleFactorID, DisplayName: "+44XXXXXXX123", Methods: []string{"SMS", "PHONE_CALL"}}
	r.listings = newFactorListings(listingOf(factor))

	state := tfsdk.State{Schema: sresp.Schema}
	m := importedFactor(&smsFactorModel{}, exampleUserID, factor).(*smsFactorModel)
	m.CountryCode, m.MobileNumber = types.StringValue("+44"), types.StringValue("7700900123")
	if diags := state.Set(ctx, m); diags.HasError() {
		b.Fatal(diags)
	}
	identityType := iresp.IdentitySchema.Type().TerraformType(ctx)
	stored := tftypes.NewValue(identityType, map[string]tftypes.Value{
		attrUserID: tftypes.NewValue(tftypes.String, exampleUserID), attrFactorID: tftypes.NewValue(tftypes.String, exampleFactorID)})

	// without: as before identities. stored: the state has its identity (every refresh after
	// the first). missing: a state written before identities (its first refresh).
	for _, tc := range []struct {
		name     string
		identity *tftypes.Value
	}{{"without_identity", nil}, {"identity_stored", &stored}, {"identity_missing", new(tftypes.NewValue(identityType, nil))}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := resource.ReadRequest{State: tfsdk.State{Schema: state.Schema, Raw: state.Raw.Copy()}}
				resp := resource.ReadResponse{State: tfsdk.State{Schema: state.Schema, Raw: state.Raw.Copy()}}
				if tc.identity != nil {
					resp.Identity = &tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema, Raw: tc.identity.Copy()}
				}
				r.Read(ctx, req, &resp)
				if resp.Diagnostics.HasError() {
					b.Fatal(resp.Diagnostics)
				}
				if tc.identity != nil {
					// What the framework adds per Read: the identity in the protocol answer.
					if _, err := tfprotov6.NewDynamicValue(identityType, resp.Identity.Raw); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
