package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	// guidRegexp is a user's GUID as the identity domain writes it: 32 lower-case hexadecimal
	// characters. Upper case is refused, not normalised: user_id is a plain input, so the plan
	// must carry the configured text unchanged (a provider that planned the lower-case form
	// would be rejected by Terraform, and one that stored it would show a diff on every plan),
	// and the service does not find an upper-cased GUID (404).
	guidRegexp = regexp.MustCompile(`^[0-9a-f]{32}$`)
	// hex32Regexp is any id of the identity domain (user GUIDs, factor ids): 32 hexadecimal
	// characters.
	hex32Regexp = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
)

const (
	exampleUserID   = "7b3d902ab05b4214bae6b2924ca6be21"
	exampleFactorID = "88178d80636a428393a5674ba46dc867"
)

// userGUIDDescription is how every schema describes a user_id: the same words everywhere.
const userGUIDDescription = "The user's GUID (the SCIM user `id`): 32 lower-case hexadecimal characters, e.g. `" +
	exampleUserID + "`; not the OCID the OCI Console shows."

// howToFindGUID says where a user's GUID comes from; the OCI Console shows the user's OCID.
const howToFindGUID = "To find a user's GUID: read it from the idcsmfa_user_factors data source looked up by login " +
	"name (user_name = \"alice@example.com\", then .user_id), or from the user_id of the idcsmfa_users data source, " +
	"or take the \"id\" (not the \"ocid\") of the user in the identity domain's SCIM API " +
	"(GET /admin/v1/Users?filter=userName eq \"alice@example.com\")."

// userIDValidator checks a user's GUID and says what went wrong for the usual mistakes: an
// OCID copied from the OCI Console, a GUID in upper case, a login name.
func userIDValidator() validator.String { return guidValidator{} }

type guidValidator struct{}

var _ validator.String = guidValidator{}

func (guidValidator) Description(context.Context) string {
	return fmt.Sprintf("must be the user's GUID (the SCIM user id): 32 hexadecimal characters in lower case, e.g. %q", exampleUserID)
}

func (v guidValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (guidValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	switch {
	case guidRegexp.MatchString(value):
		return
	case strings.HasPrefix(strings.ToLower(value), "ocid1."):
		resp.Diagnostics.AddAttributeError(req.Path, "OCID instead of the user's GUID",
			fmt.Sprintf("Attribute %s is %q, an OCID (the id the OCI Console shows for a user), but the identity "+
				"domain's MFA API takes the user's GUID (the SCIM user id): 32 hexadecimal characters in lower case, "+
				"e.g. %q. %s", req.Path, value, exampleUserID, howToFindGUID))
	case hex32Regexp.MatchString(value):
		resp.Diagnostics.AddAttributeError(req.Path, "User GUID in upper case",
			fmt.Sprintf("Attribute %s is %q: write it in lower case, %q (for a value from elsewhere, lower(...)). "+
				"The identity domain writes GUIDs in lower case and does not find an upper-case one.",
				req.Path, value, strings.ToLower(value)))
	case hex32Regexp.MatchString(strings.ReplaceAll(value, "-", "")):
		resp.Diagnostics.AddAttributeError(req.Path, "User GUID with dashes",
			fmt.Sprintf("Attribute %s is %q: the identity domain writes a user's GUID as 32 hexadecimal characters "+
				"without dashes, in lower case: %q.", req.Path, value, strings.ToLower(strings.ReplaceAll(value, "-", ""))))
	default:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid user GUID",
			fmt.Sprintf("Attribute %s must be the user's id (GUID, the SCIM user id): 32 hexadecimal characters in "+
				"lower case, e.g. %q, not the user name; got %q. %s", req.Path, exampleUserID, value, howToFindGUID))
	}
}

func factorIDValidator() validator.String {
	return stringvalidator.RegexMatches(hex32Regexp,
		fmt.Sprintf("must be a factor id: 32 hexadecimal characters, e.g. %q (the factor_id of a factor resource, or one "+
			"the idcsmfa_user_factors data source lists)", exampleFactorID))
}

// passcodeValidator checks a one-time passcode without ever echoing it: the stock regex
// validator puts the rejected value in its message, which would print the secret.
type passcodeValidator struct{}

var _ validator.String = passcodeValidator{}

var passcodeRegexp = regexp.MustCompile(`^[0-9]{4,10}$`)

func (passcodeValidator) Description(context.Context) string {
	return "must be the passcode the user received: 4 to 10 digits, e.g. \"123456\""
}

func (v passcodeValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v passcodeValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !passcodeRegexp.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid passcode",
			fmt.Sprintf("Attribute %s %s (the value is not shown because it is secret).", req.Path, v.Description(ctx)))
	}
}
