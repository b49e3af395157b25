package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// The provider attributes that share the identity domain's rate limits (issue 30): which
// limits apply, and the share of them this provider may use.
const (
	attrDomainType  = "domain_type"
	attrAPICapacity = "api_capacity"

	envDomainType  = "IDCS_DOMAIN_TYPE"
	envAPICapacity = "IDCS_API_CAPACITY"
)

func rateLimitAttributes() map[string]schema.Attribute {
	names := "`" + strings.Join(client.DomainTypes(), "`, `") + "`"
	return map[string]schema.Attribute{
		attrDomainType: schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The identity domain's type, which sets its API rate limits (Oracle's \"API Rate Limits\" " +
				"table): one of " + names + ". It is shown in the OCI Console on the domain's details page (Domain type: " +
				"Free, Oracle Apps, Oracle Apps Premium, Premium, External User). With it, the provider paces every request " +
				"so that each group of endpoints (AuthN, Token Management, Others) stays within `api_capacity` percent of " +
				"the group's per-second and per-minute limits, across all resources of the run: the apply gets no 429. " +
				"Without it, the provider adapts to the domain's 429 answers instead (a 429 slows that group for every " +
				"request, and the pace recovers gradually; the limit a 429 taught is kept for the next commands in the user's " +
				"cache directory, see `IDCS_PACE_CACHE`; the first command on a domain sends its first requests unpaced). The console's spelling is accepted too (`Oracle Apps Premium`). Falls back to `" + envDomainType + "`.",
			Validators: []validator.String{domainTypeValidator{}},
		},
		attrAPICapacity: schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("The share, in percent (1 to 100), of each rate-limit group's limits this "+
				"provider may use when `domain_type` is set. Default %d: the AuthN group is the one the domain's own sign-in "+
				"pages verify users through, and half of it stays free for them while an apply runs; set 100 for a domain "+
				"no one signs in to, or lower when other automation shares the domain. Falls back to `%s`.",
				client.DefaultAPICapacity, envAPICapacity),
			Validators: []validator.Int64{int64validator.Between(1, 100)},
		},
	}
}

// resolveRateLimits returns the domain type and API capacity, after environment fallbacks,
// checked (the schema's validators check only what is written in the provider block).
func resolveRateLimits(domainType types.String, capacity types.Int64, getenv func(string) string) (string, int, diag.Diagnostics) {
	var diags diag.Diagnostics
	if domainType.IsUnknown() || capacity.IsUnknown() {
		diags.AddError("Unknown rate-limit settings",
			"domain_type and api_capacity must be known to plan: set them statically or through "+envDomainType+" and "+envAPICapacity+".")
		return "", 0, diags
	}
	dt := normalDomainType(domainType.ValueString())
	if dt == "" {
		dt = normalDomainType(getenv(envDomainType))
	}
	if dt != "" && !isDomainType(dt) {
		diags.AddAttributeError(path.Root(attrDomainType), "Invalid domain type",
			fmt.Sprintf("%q (from %s) is not a domain type: use one of %s.", dt, envDomainType, strings.Join(client.DomainTypes(), ", ")))
	}
	pct := int(capacity.ValueInt64())
	if capacity.IsNull() {
		if v := getenv(envAPICapacity); v != "" {
			n, err := strconv.Atoi(strings.TrimSuffix(v, "%"))
			if err != nil || n < 1 || n > 100 {
				diags.AddAttributeError(path.Root(attrAPICapacity), "Invalid API capacity",
					fmt.Sprintf("%s=%q is not a percentage from 1 to 100.", envAPICapacity, v))
			}
			pct = n
		}
	}
	return dt, pct, diags
}

// normalDomainType takes the console's spelling ("Oracle Apps Premium") to the provider's
// ("oracle-apps-premium"): the console is where users read it.
func normalDomainType(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), "-")
}

// domainTypeValidator checks domain_type as written in the provider block, in either spelling.
type domainTypeValidator struct{}

func (domainTypeValidator) Description(context.Context) string {
	return "one of " + strings.Join(client.DomainTypes(), ", ") + ", or the console's spelling of one"
}

func (v domainTypeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v domainTypeValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || isDomainType(normalDomainType(req.ConfigValue.ValueString())) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid domain type",
		fmt.Sprintf("%q is not a domain type: use %s, as the domain's details page in the OCI Console shows it (Domain type).",
			req.ConfigValue.ValueString(), v.Description(ctx)))
}

func isDomainType(s string) bool {
	for _, t := range client.DomainTypes() {
		if s == t {
			return true
		}
	}
	return false
}
