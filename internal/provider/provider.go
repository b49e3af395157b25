// Package provider implements the idcsmfa Terraform provider. It speaks Terraform only;
// every call to the identity domain goes through internal/client.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ provider.Provider = &IDCSMFAProvider{}

// IDCSMFAProvider is the provider (placeholder: the provider helper fills it in).
type IDCSMFAProvider struct{ version string }

// New returns a constructor for the provider at this version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &IDCSMFAProvider{version: version} }
}

func (p *IDCSMFAProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "idcsmfa"
	resp.Version = p.version
}

func (p *IDCSMFAProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{}
}

func (p *IDCSMFAProvider) Configure(_ context.Context, _ provider.ConfigureRequest, _ *provider.ConfigureResponse) {
}

func (p *IDCSMFAProvider) Resources(_ context.Context) []func() resource.Resource { return nil }

func (p *IDCSMFAProvider) DataSources(_ context.Context) []func() datasource.DataSource { return nil }
