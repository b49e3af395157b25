package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewProtocol6Server returns the constructor of the provider's protocol server, which main
// serves and the acceptance tests run in-process: the framework's server, with two shortcuts
// on a refresh's hot path that answer without the framework when the answer is the state
// Terraform sent (server_upgrade_state.go, server_read_unchanged.go).
//
// Why: Terraform calls UpgradeResourceState and ReadResource for every instance on every plan.
// For an unchanged factor the framework spends most of those calls converting the same state
// between JSON, msgpack and Go structs; make bench measured that conversion as most of the
// provider's CPU in a 500-factor refresh (BENCHMARKS.md). Every other call, and every case a
// shortcut does not recognise, goes to the framework unchanged.
func NewProtocol6Server(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &IDCSMFAProvider{version: version}
		fw, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		full, ok := fw.(frameworkServer)
		if !ok {
			return nil, fmt.Errorf("the framework's protocol server (%T) lacks the list resource, action or state store calls", fw)
		}
		return &server{frameworkServer: full, provider: p}, nil
	}
}

// frameworkServer is all the framework's protocol server answers: the required calls and the
// optional ones that terraform-plugin-go finds by type assertion. Embedding only
// tfprotov6.ProviderServer would hide the optional ones behind the wrapper.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

var _ frameworkServer = (*server)(nil)

// server is the framework's protocol server with the refresh shortcuts.
type server struct {
	frameworkServer
	provider *IDCSMFAProvider

	schemasOnce sync.Once
	schemas     map[string]resourceSchemaInfo
}

// resourceSchemaInfo is what the shortcuts need to know of a managed resource type's schema,
// taken from the framework's own GetProviderSchema answer so that it cannot drift from it.
type resourceSchemaInfo struct {
	version int64
	// stateType decodes the msgpack state Terraform sends.
	stateType tftypes.Type
	// attributes are the top-level attribute names; flat says there is nothing below them
	// (no blocks, no nested attributes), the only shape the state passthrough accepts.
	attributes map[string]bool
	flat       bool
}

// resourceSchema returns the schema facts of a managed resource type, or false for a type the
// provider does not have (the framework then answers with its own diagnostic).
func (s *server) resourceSchema(ctx context.Context, typeName string) (resourceSchemaInfo, bool) {
	s.schemasOnce.Do(func() {
		s.schemas = map[string]resourceSchemaInfo{}
		resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || resp == nil {
			return
		}
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				return
			}
		}
		for name, sc := range resp.ResourceSchemas {
			if sc == nil || sc.Block == nil {
				continue
			}
			info := resourceSchemaInfo{
				version:    sc.Version,
				stateType:  sc.ValueType(),
				attributes: make(map[string]bool, len(sc.Block.Attributes)),
				flat:       len(sc.Block.BlockTypes) == 0,
			}
			for _, a := range sc.Block.Attributes {
				info.attributes[a.Name] = true
				if a.NestedType != nil {
					info.flat = false
				}
			}
			s.schemas[name] = info
		}
	})
	info, ok := s.schemas[typeName]
	return info, ok
}
