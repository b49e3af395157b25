package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ datasource.DataSource              = &UserFactorsDataSource{}
	_ datasource.DataSourceWithConfigure = &UserFactorsDataSource{}
)

// UserFactorsDataSource reads one user's enrolled factors and preferred method (E1/E2).
type UserFactorsDataSource struct {
	client factorAPI // the caller's own factors in self-service mode
}

// NewUserFactorsDataSource is the constructor the provider registers.
func NewUserFactorsDataSource() datasource.DataSource { return &UserFactorsDataSource{} }

type userFactorsModel struct {
	UserID            types.String      `tfsdk:"user_id"`
	UserName          types.String      `tfsdk:"user_name"`
	PreferredFactorID types.String      `tfsdk:"preferred_factor_id"`
	PreferredMethod   types.String      `tfsdk:"preferred_method"`
	Factors           []userFactorModel `tfsdk:"factors"`
}

type userFactorModel struct {
	FactorID    types.String `tfsdk:"factor_id"`
	Methods     []string     `tfsdk:"methods"`
	DisplayName types.String `tfsdk:"display_name"`
}

func (d *UserFactorsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_factors"
}

func (d *UserFactorsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	oneOf := []validator.String{
		stringvalidator.ExactlyOneOf(path.MatchRoot("user_id"), path.MatchRoot("user_name")),
		stringvalidator.LengthAtLeast(1),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A user's **enrolled** factors and preferred method, for audits: reading changes nothing. " +
			"Factors whose enrollment is still pending are not listed (the service lists enrolled factors only). " +
			"Set exactly one of `user_id` or `user_name`. A user with no factor gives an empty `factors` list; " +
			"an unknown user is an error. Needs the **Authenticator Client** app role (MFA Client works too).",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: userGUIDDescription + " Set this or `user_name`; when looked up by name, the GUID the service resolved.",
				// Optional and Computed: the GUID validator skips null and unknown values.
				Validators: append([]validator.String{userIDValidator()}, oneOf...),
			},
			"user_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The user's login name (`userName`). Set this or `user_id`.",
				Validators:          oneOf,
			},
			"preferred_factor_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The id of the user's preferred factor; null if the user has none.",
			},
			"preferred_method": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user's preferred method (`SMS`, `EMAIL`, `TOTP`, ...); null if the user has none.",
			},
			"factors": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The enrolled factors, sorted by methods then `factor_id` so that the order does not " +
					"change between reads. The fixed factors `SecurityQuestions` and `BypassCode` appear when the user has them.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"factor_id": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The factor's id.",
						},
						"methods": schema.ListAttribute{
							Computed:            true,
							ElementType:         types.StringType,
							MarkdownDescription: "The methods this device offers, sorted (one device may offer several, e.g. `[\"PHONE_CALL\", \"SMS\"]`).",
						},
						"display_name": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "What the service shows for the device: a masked phone number, an email address, a device name; null if none.",
						},
					},
				},
			},
		},
	}
}

func (d *UserFactorsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerAPI(req.ProviderData, &resp.Diagnostics)
}

func (d *UserFactorsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg userFactorsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var (
		uf     *client.UserFactors
		err    error
		lookup string
	)
	if !cfg.UserName.IsNull() {
		lookup = fmt.Sprintf("user_name %q", cfg.UserName.ValueString())
		uf, err = d.client.FindUserFactors(ctx, cfg.UserName.ValueString(), client.UserIDTypeName)
	} else {
		lookup = fmt.Sprintf("user_id %q", cfg.UserID.ValueString())
		uf, err = d.client.ListFactors(ctx, cfg.UserID.ValueString())
	}
	if errors.Is(err, client.ErrNotFound) {
		resp.Diagnostics.AddError("User not found",
			fmt.Sprintf("The identity domain has no user with %s (%s). Check the value: user_id is the SCIM user id (a GUID), user_name the login name.",
				lookup, serviceErrorText(err)))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the user's factors",
			fmt.Sprintf("Reading the factors of the user with %s failed.\n\n%s", lookup, apiErrorDetail(err)))
		return
	}

	state := userFactorsModel{
		UserID:            types.StringValue(uf.UserGUID),
		UserName:          cfg.UserName,
		PreferredFactorID: stringOrNull(uf.PreferredFactorID),
		PreferredMethod:   stringOrNull(uf.PreferredMethod),
		Factors:           sortedFactors(uf.Factors),
	}
	if uf.UserGUID == "" {
		// E1 may omit userGUID; the id asked for is then the answer.
		state.UserID = cfg.UserID
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// sortedFactors gives a stable order (methods, then factor id) whatever order the service
// answers in, so that a configuration indexing factors[0] does not see spurious changes.
// Never nil: no factor is an empty list, not null.
func sortedFactors(in []client.Factor) []userFactorModel {
	out := make([]userFactorModel, 0, len(in))
	for _, f := range in {
		methods := slices.Clone(f.Methods)
		if methods == nil {
			methods = []string{}
		}
		slices.Sort(methods)
		out = append(out, userFactorModel{
			FactorID:    types.StringValue(f.FactorID),
			Methods:     methods,
			DisplayName: stringOrNull(f.DisplayName),
		})
	}
	slices.SortStableFunc(out, func(a, b userFactorModel) int {
		if c := strings.Compare(strings.Join(a.Methods, ","), strings.Join(b.Methods, ",")); c != 0 {
			return c
		}
		return strings.Compare(a.FactorID.ValueString(), b.FactorID.ValueString())
	})
	return out
}

// stringOrNull keeps "the service did not say" apart from an empty value.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
