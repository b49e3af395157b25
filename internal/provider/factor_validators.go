package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// hex32Regexp matches the identity domain's ids: user GUIDs and factor ids alike are 32
// hexadecimal characters.
var hex32Regexp = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)

const (
	exampleUserID   = "7b3d902ab05b4214bae6b2924ca6be21"
	exampleFactorID = "88178d80636a428393a5674ba46dc867"
)

func userIDValidator() validator.String {
	return stringvalidator.RegexMatches(hex32Regexp,
		fmt.Sprintf("must be the user's id (GUID, the SCIM user id): 32 hexadecimal characters, e.g. %q, not the user name", exampleUserID))
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
