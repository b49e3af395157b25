package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/listresourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// List resources (Terraform 1.14+, `terraform query`): the enrolled factors of one kind, of one
// user or of every user a SCIM filter selects, so that an organisation brings the factors its
// users already enrolled under Terraform with generated import blocks and configuration
// instead of writing them by hand. Each result carries the factor's identity and a display
// name, and on request the resource object as import and a refresh would record it: ids,
// status, methods, the service's display name (for SMS the masked number, see
// importedPhoneText). Nothing secret: the service shows no number, secret or passcode.

var (
	_ list.ListResourceWithConfigure        = &factorListResource{}
	_ list.ListResourceWithConfigValidators = &factorListResource{}
	_ list.ListResourceWithValidateConfig   = &factorListResource{}
)

// factorListResource lists the factors of one kind.
type factorListResource struct {
	kind     factorKind
	newState func() factorState
	api      factorAPI
}

// NewSMSFactorListResource, NewEmailFactorListResource and NewTOTPFactorListResource are the
// constructors the provider lists.
func NewSMSFactorListResource() list.ListResource {
	return &factorListResource{kind: smsKind, newState: func() factorState { return &smsFactorModel{} }}
}

func NewEmailFactorListResource() list.ListResource {
	return &factorListResource{kind: emailKind, newState: func() factorState { return &emailFactorModel{} }}
}

func NewTOTPFactorListResource() list.ListResource {
	return &factorListResource{kind: totpKind, newState: func() factorState { return &totpFactorModel{} }}
}

// Attribute names of the list resources' configuration.
// (user_name is attrUserName, as in the verification.)
const attrFilter = "filter"

type factorListConfig struct {
	UserID   types.String `tfsdk:"user_id"`
	UserName types.String `tfsdk:"user_name"`
	Filter   types.String `tfsdk:"filter"`
}

func (r *factorListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.typeSuffix()
}

func (r *factorListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.api = providerAPI(req.ProviderData, &resp.Diagnostics)
}

// filterNeedsAdmin is why a filter needs the administrator's mode; by user_id or user_name
// the self-service API lists the signed-in user's own devices (/admin/v1/MyDevices).
const filterNeedsAdmin = "with filter lists the users a SCIM filter selects (/admin/v1/Users), which a user's token may " +
	"not do: it needs an application with the User Administrator role. In self-service mode, list the signed-in user's own " +
	"factors with user_name (the user's sign-in name) or user_id instead"

// ValidateListResourceConfig refuses a filter in self-service mode, once the provider is
// configured (terraform query validates again, configured, before it lists).
func (r *factorListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var cfg factorListConfig
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(r.refusal(cfg)...)
}

// refusal is what the chosen API cannot list: a filter in self-service mode.
func (r *factorListResource) refusal(cfg factorListConfig) diag.Diagnostics {
	if r.api == nil || cfg.Filter.IsNull() {
		return nil
	}
	return r.api.mode().requireAdmin(r.kind.typeName+" (list)", filterNeedsAdmin)
}

func (r *factorListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the enrolled %[1]s factors of one user (`user_id` or `user_name`) or of "+
			"every user a SCIM `filter` selects, for `terraform query` (Terraform 1.14+). Each result is named by its "+
			"identity (`user_id`, `factor_id`) and a display name (the user, and what the service shows for the factor); "+
			"with `include_resource = true` it also carries the resource as import records it. `terraform query "+
			"-generate-config-out=FILE` writes an import block and a resource block per factor that plan no change "+
			"after import. Only enrolled factors are listed (the service's listing shows no pending ones). "+
			"Listing by `user_id` or `user_name` needs the **MFA Client** or **Authenticator Client** app role; a "+
			"`filter` also needs **User Administrator**, which lists users (as for the `idcsmfa_users` data source). In "+
			"self-service mode, the signed-in user's own factors are listed (`/admin/v1/MyDevices`, by `user_name` or "+
			"`user_id`); a `filter` is refused at plan time.",
			r.kind.label),
		Attributes: map[string]schema.Attribute{
			attrUserID: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "List this user's factors. " + userGUIDDescription,
				Validators:          []validator.String{userIDValidator()},
			},
			attrUserName: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "List the factors of the user with this user name.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			attrFilter: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "List the factors of every user this SCIM filter selects, for example " +
					"`userName sw \"ci-\"`; users are read page by page with the largest page the service allows.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *factorListResource) ListResourceConfigValidators(context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{listresourcevalidator.ExactlyOneOf(
		path.MatchRoot(attrUserID), path.MatchRoot(attrUserName), path.MatchRoot(attrFilter))}
}

// errListDone stops the paging of users once Terraform has what it asked for.
var errListDone = errors.New("list done")

// List streams the factors as each user's listing arrives, so that neither the users nor the
// results are ever all held at once.
func (r *factorListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg factorListConfig
	diags := req.Config.Get(ctx, &cfg)
	if !diags.HasError() {
		diags.Append(r.refusal(cfg)...)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		var sent int64
		// emit pushes the user's factors of this kind; false once Terraform wants no more.
		emit := func(userName string, factors *client.UserFactors) bool {
			for _, f := range factors.Factors {
				if !slices.Contains(f.Methods, r.kind.method) {
					continue
				}
				if !push(r.result(ctx, req, userName, factors.UserGUID, f)) {
					return false
				}
				if sent++; req.Limit > 0 && sent >= req.Limit {
					return false
				}
			}
			return true
		}
		fail := func(summary string, err error) {
			push(list.ListResult{Diagnostics: diag.Diagnostics{apiErrorDiagnostic(summary, err)}})
		}
		switch {
		case !cfg.UserID.IsNull():
			factors, err := r.api.ListFactors(ctx, cfg.UserID.ValueString())
			if err != nil {
				fail("Could not list the factors of user "+cfg.UserID.ValueString(), err)
				return
			}
			emit("", factors)
		case !cfg.UserName.IsNull():
			factors, err := r.api.FindUserFactors(ctx, cfg.UserName.ValueString(), client.UserIDTypeName)
			if err != nil {
				fail("Could not list the factors of user "+cfg.UserName.ValueString(), err)
				return
			}
			emit(cfg.UserName.ValueString(), factors)
		default:
			err := r.api.admin().ListAllUsers(ctx, cfg.Filter.ValueString(), []string{"userName"}, func(page []client.SCIMUser) error {
				for _, u := range page {
					factors, err := r.api.ListFactors(ctx, u.ID)
					if err != nil {
						return fmt.Errorf("listing the factors of user %s (%s): %w", u.UserName, u.ID, err)
					}
					if factors.UserGUID == "" {
						factors.UserGUID = u.ID
					}
					if !emit(u.UserName, factors) {
						return errListDone
					}
				}
				return nil
			})
			if err != nil && !errors.Is(err, errListDone) {
				push(list.ListResult{Diagnostics: diag.Diagnostics{diag.NewErrorDiagnostic("Could not list factors",
					listUsersErrorDetail(err, cfg.Filter))}})
			}
		}
	}
}

// result is one listed factor: its identity, a display name, and on request the resource as
// an import followed by a refresh records it (importedFactor).
func (r *factorListResource) result(ctx context.Context, req list.ListRequest, userName, userID string, f client.Factor) list.ListResult {
	res := req.NewListResult(ctx)
	res.DisplayName = fmt.Sprintf("%s factor %s of %s", r.kind.label, orUnknown(f.DisplayName, f.FactorID), orUnknown(userName, userID))
	res.Diagnostics.Append(setFactorIdentity(ctx, res.Identity, userID, f.FactorID)...)
	if req.IncludeResource {
		res.Diagnostics.Append(res.Resource.Set(ctx, importedFactor(r.newState(), userID, f))...)
	}
	return res
}

// importedFactor fills m as importing the enrolled factor f and refreshing it records it:
// the ids, status, methods and display name the service shows, false for skip_verification
// (the service cannot tell how a factor was enrolled), and the kind's stand-ins for what the
// service never shows (importFiller: the SMS factor's masked number, TOTP's defaults).
func importedFactor(m factorState, userID string, f client.Factor) factorState {
	fm := m.factor()
	fm.setIDs(userID, f.FactorID)
	fm.Status = types.StringValue(client.FactorStatusEnrolled)
	fm.DisplayName = types.StringValue(f.DisplayName)
	fm.Methods = stringList(f.Methods)
	if p, ok := m.(passcodeFactorModel); ok {
		p.passcode().SkipVerification = types.BoolValue(false)
	}
	if filler, ok := m.(importFiller); ok {
		filler.fillImported(f.DisplayName)
	}
	return m
}
