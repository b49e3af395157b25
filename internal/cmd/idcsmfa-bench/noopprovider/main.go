// Command noopprovider is a second floor for `make bench`: a terraform-plugin-framework
// provider whose resource has the SMS factor's schema and does nothing (no API, no client, SDK
// logging quiet). terraform_data shows what Terraform itself costs; this shows what a provider
// that leaves every call to the framework costs on top of that (process starts, gRPC, the
// framework's state conversions). idcsmfa answers the refresh of unchanged factors without the
// framework's conversions (internal/provider/server.go), so its refresh can cost less than this.
// With IDCSMFA_BENCH_ECHO set it is the third floor, the plugin protocol alone (echoServer).
package main

import (
	"context"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

func main() {
	quietSDKLogsUnlessAsked()
	var err error
	if os.Getenv("IDCSMFA_BENCH_ECHO") != "" {
		fw := providerserver.NewProtocol6(noopProvider{})
		err = tf6server.Serve("registry.terraform.io/bench/noop", func() tfprotov6.ProviderServer { return echoServer{fw()} })
	} else {
		err = providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} },
			providerserver.ServeOpts{Address: "registry.terraform.io/bench/noop"})
	}
	if err != nil {
		log.Fatal(err)
	}
}

// echoServer is the plugin floor (IDCSMFA_BENCH_ECHO set): it answers the two calls a refresh
// makes per instance by handing Terraform's own state back, with no work at all, so its
// refresh costs only what Terraform's plugin protocol costs (process starts, gRPC, Terraform
// encoding and decoding states). Every other call goes to the no-op framework provider.
type echoServer struct{ tfprotov6.ProviderServer }

func (echoServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &tfprotov6.DynamicValue{JSON: req.RawState.JSON}}, nil
}

func (echoServer) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

// quietSDKLogsUnlessAsked makes this the best case of a framework provider: terraform-plugin-log
// defaults to TRACE when no TF_LOG* variable is set, so every RPC would format JSON log lines
// that Terraform then discards.
func quietSDKLogsUnlessAsked() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_LOG_PATH") {
			return
		}
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(k, "off")
	}
}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return factor{} }}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type factor struct{}

type factorModel struct {
	ID               types.String `tfsdk:"id"`
	UserID           types.String `tfsdk:"user_id"`
	CountryCode      types.String `tfsdk:"country_code"`
	MobileNumber     types.String `tfsdk:"mobile_number"`
	SkipVerification types.Bool   `tfsdk:"skip_verification"`
	FactorID         types.String `tfsdk:"factor_id"`
	Status           types.String `tfsdk:"status"`
	DisplayName      types.String `tfsdk:"display_name"`
	Methods          types.List   `tfsdk:"methods"`
}

func (factor) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_factor"
}

func (factor) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":                schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"user_id":           schema.StringAttribute{Required: true, PlanModifiers: replace},
		"country_code":      schema.StringAttribute{Optional: true, PlanModifiers: replace},
		"mobile_number":     schema.StringAttribute{Optional: true, PlanModifiers: replace},
		"skip_verification": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
		"factor_id":         schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"status":            schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"display_name":      schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"methods": schema.ListAttribute{Computed: true, ElementType: types.StringType,
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()}},
	}}
}

func (factor) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m factorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.UserID.ValueString() + "/" + m.MobileNumber.ValueString()
	m.ID, m.FactorID = types.StringValue(id), types.StringValue(id)
	m.Status, m.DisplayName = types.StringValue("ENROLLED"), types.StringValue(m.MobileNumber.ValueString())
	m.Methods, _ = types.ListValueFrom(ctx, types.StringType, []string{"SMS"})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read decodes and re-encodes the state, as every real Read does, and changes nothing.
func (factor) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m factorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (factor) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m factorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (factor) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
