package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ datasource.DataSource                   = &UsersDataSource{}
	_ datasource.DataSourceWithConfigure      = &UsersDataSource{}
	_ datasource.DataSourceWithValidateConfig = &UsersDataSource{}
)

// usersAttributes is all the data source asks SCIM for: a full user (names, emails, groups,
// meta, ...) is several times larger, and an audit of thousands of users runs on every plan.
var usersAttributes = []string{
	"id",
	"userName",
	client.SCIMMFAExtension + ":mfaStatus",
	client.SCIMMFAExtension + ":preferredAuthenticationFactor",
	client.SCIMMFAExtension + ":devices",
}

// UsersDataSource lists users with their MFA status from the SCIM Users list.
type UsersDataSource struct {
	api factorAPI
}

// NewUsersDataSource is the constructor the provider registers.
func NewUsersDataSource() datasource.DataSource { return &UsersDataSource{} }

type usersModel struct {
	Filter types.String     `tfsdk:"filter"`
	Users  []usersUserModel `tfsdk:"users"`
}

type usersUserModel struct {
	UserID          types.String `tfsdk:"user_id"`
	UserName        types.String `tfsdk:"user_name"`
	MFAStatus       types.String `tfsdk:"mfa_status"`
	PreferredFactor types.String `tfsdk:"preferred_factor"`
	EnrolledDevices types.Int64  `tfsdk:"enrolled_devices"`
}

func (d *UsersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *UsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "MFA status across the identity domain's users, from the SCIM Users list with the MFA " +
			"extension, for audits such as \"who has no MFA\". It pages through every matching user with the largest " +
			"page the service allows and asks only for the attributes it outputs, so it stays cheap for thousands of " +
			"users. The OAuth client needs the *User Administrator* role (or Identity Domain Administrator) to list users. " +
			"No read-only alternative to User Administrator is documented. Not available in self-service mode (refused at " +
			"plan time): use a provider configuration with an administrator's application.",
		Attributes: map[string]schema.Attribute{
			"filter": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A SCIM filter on the users, for example `userName sw \"ci-\"` or " +
					"`userName eq \"alice@example.com\"`. Without it, every user is listed.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"users": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching users, sorted by `user_name` then `user_id`.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"user_id": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The user's GUID (the SCIM user `id`), the `user_id` of the factor resources (not the OCID).",
						},
						"user_name": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The user's login name.",
						},
						"mfa_status": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "The user's `mfaStatus`: `ENROLLED`, `UN_ENROLLED`, `IGNORED` or `DISABLED`; " +
								"null when the service reports none.",
						},
						"preferred_factor": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The user's preferred authentication factor (`SMS`, `EMAIL`, ...); null if none.",
						},
						"enrolled_devices": schema.Int64Attribute{
							Computed:            true,
							MarkdownDescription: "How many of the user's MFA devices are enrolled; 0 means the user has no working second factor.",
						},
					},
				},
			},
		},
	}
}

func (d *UsersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.api = providerAPI(req.ProviderData, &resp.Diagnostics)
}

// usersNeedAdmin is why idcsmfa_users needs the administrator's mode.
const usersNeedAdmin = "lists every user of the identity domain (SCIM /admin/v1/Users), which a user's token may not do: " +
	"it needs an application with the User Administrator role"

// ValidateConfig refuses the data source at plan time in self-service mode (the framework
// configures it first once the provider is configured; at validate time it is not).
func (d *UsersDataSource) ValidateConfig(_ context.Context, _ datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	if d.api != nil {
		resp.Diagnostics.Append(d.api.mode().requireAdmin("idcsmfa_users", usersNeedAdmin)...)
	}
}

func (d *UsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg usersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(d.api.mode().requireAdmin("idcsmfa_users", usersNeedAdmin)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Each page is reduced to the five outputs as it arrives, so the SCIM pages are never all
	// held at once.
	users := []usersUserModel{}
	err := d.api.admin().ListAllUsers(ctx, cfg.Filter.ValueString(), usersAttributes, func(page []client.SCIMUser) error {
		for _, u := range page {
			users = append(users, userMFASummary(u))
		}
		return nil
	})
	if err != nil {
		resp.Diagnostics.AddError("Could not list users", listUsersErrorDetail(err, cfg.Filter))
		return
	}
	tflog.Debug(ctx, "listed users", map[string]any{"count": len(users)})

	slices.SortFunc(users, func(a, b usersUserModel) int {
		if c := strings.Compare(a.UserName.ValueString(), b.UserName.ValueString()); c != 0 {
			return c
		}
		return strings.Compare(a.UserID.ValueString(), b.UserID.ValueString())
	})
	cfg.Users = users
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

func userMFASummary(u client.SCIMUser) usersUserModel {
	m := usersUserModel{
		UserID:          types.StringValue(u.ID),
		UserName:        types.StringValue(u.UserName),
		MFAStatus:       types.StringNull(),
		PreferredFactor: types.StringNull(),
		EnrolledDevices: types.Int64Value(0),
	}
	if u.MFA == nil {
		return m
	}
	m.MFAStatus = stringOrNull(u.MFA.MFAStatus)
	m.PreferredFactor = stringOrNull(u.MFA.PreferredAuthenticationFactor)
	var enrolled int64
	for _, dev := range u.MFA.Devices {
		if deviceEnrolled(dev) {
			enrolled++
		}
	}
	m.EnrolledDevices = types.Int64Value(enrolled)
	return m
}

// deviceEnrolled reads factorStatus, which is what says ENROLLED or ENROLLMENT_INITIATED on a
// device; status is the device's own state (ACTIVE, ...) and only stands in when factorStatus
// is absent.
func deviceEnrolled(dev client.MFADevice) bool {
	if dev.FactorStatus != "" {
		return dev.FactorStatus == client.FactorStatusEnrolled
	}
	return dev.Status == client.FactorStatusEnrolled
}

// listUsersErrorDetail explains a failed listing. SCIM needs another role than /mfa/v1 (User
// Administrator, not MFA Client), so the shared hints would point at the wrong one.
func listUsersErrorDetail(err error, filter types.String) string {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || errors.Is(err, client.ErrTokenRefused) {
		return "Listing users failed.\n\n" + apiErrorDetail(err)
	}
	detail := "Listing users failed: " + serviceErrorText(err) + "."
	switch {
	case apiErr.StatusCode == http.StatusBadRequest && !filter.IsNull():
		detail += fmt.Sprintf("\n\nCheck the SCIM filter %q: an attribute, an operator (eq, ne, co, sw, ew, pr, gt, ge, lt, le) "+
			"and a quoted value, joined with and/or, for example userName sw \"ci-\".", filter.ValueString())
	case apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden:
		detail += "\n\nListing users needs the User Administrator (or Identity Domain Administrator) app role on the " +
			"confidential application, in addition to the role it has (MFA Client or Authenticator Client)."
	}
	return detail
}
