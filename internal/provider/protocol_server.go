package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// protocolServer is what the framework serves: the provider protocol with list resources
// and actions (interfaces terraform-plugin-go still keeps apart from ProviderServer; they are
// marked deprecated only because they will merge into it, and are the way to reach them now).
type protocolServer interface {
	tfprotov6.ProviderServerWithListResource //nolint:staticcheck // see the type's comment
	tfprotov6.ProviderServerWithActions      //nolint:staticcheck // see the type's comment
}

// NewProtocol6 is the provider at version as a protocol 6 server: the framework's server,
// with one correction (writeOnlyActionInputs).
func NewProtocol6(version string) func() tfprotov6.ProviderServer {
	framework := providerserver.NewProtocol6(New(version)())
	return func() tfprotov6.ProviderServer {
		s := framework()
		if ps, ok := s.(protocolServer); ok {
			return writeOnlyActionInputs{ps}
		}
		return s
	}
}

// writeOnlyActionInputs lets an action's write-only inputs take values. terraform-plugin-framework
// v1.19.0 offers WriteOnly on action attributes (so that they take ephemeral values, which
// Terraform keeps out of saved plan files), but its ValidateActionConfig judges them as if
// the client could not handle write-only attributes and refuses every value given ("WriteOnly
// Attribute Not Allowed ... only supported in Terraform 1.11 and later"). Every client that
// runs actions (Terraform 1.14+) supports write-only attributes, so that one diagnostic is
// dropped from ValidateActionConfig; everything else passes through unchanged.
type writeOnlyActionInputs struct{ protocolServer }

// writeOnlyNotAllowed is the summary of the framework's refusal.
const writeOnlyNotAllowed = "WriteOnly Attribute Not Allowed"

func (s writeOnlyActionInputs) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	resp, err := s.protocolServer.ValidateActionConfig(ctx, req)
	if resp == nil {
		return resp, err
	}
	kept := resp.Diagnostics[:0]
	for _, d := range resp.Diagnostics {
		if d == nil || d.Summary != writeOnlyNotAllowed {
			kept = append(kept, d)
		}
	}
	resp.Diagnostics = kept
	return resp, err
}
