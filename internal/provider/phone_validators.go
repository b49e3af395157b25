package provider

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	countryCodeRegexp  = regexp.MustCompile(`^\+[1-9][0-9]{0,3}$`)
	mobileNumberRegexp = regexp.MustCompile(`^[0-9]{4,15}$`)
)

func countryCodeValidator() validator.String {
	return stringvalidator.RegexMatches(countryCodeRegexp,
		`must be "+" followed by the country calling code (1 to 4 digits, no leading zero), e.g. "+44"`)
}

func mobileNumberValidator() validator.String {
	return stringvalidator.RegexMatches(mobileNumberRegexp,
		`must be the national number without the country code: digits only (no spaces, "+" or dashes), 4 to 15 digits, e.g. "7700900123"`)
}

// maskChars are the characters the service uses to hide digits of a phone number.
const maskChars = "Xx*•"

func isMasked(s string) bool { return strings.ContainsAny(s, maskChars) }

// maskedNumberMatches reports whether a masked number the service shows (e.g. "+44XXXXXXX123",
// "91******0143") can be the number countryCode+mobileNumber. The visible digits before and
// after the masked run must match the start and end of the number; the "+" is optional.
func maskedNumberMatches(masked, countryCode, mobileNumber string) bool {
	clean := func(s string) string {
		s = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(s)
		return strings.TrimPrefix(s, "+")
	}
	m, full := clean(masked), clean(countryCode+mobileNumber)
	if m == "" || full == "" {
		return false
	}
	first := strings.IndexAny(m, maskChars)
	if first < 0 {
		return m == full || m == clean(mobileNumber)
	}
	last := strings.LastIndexAny(m, maskChars)
	_, size := utf8.DecodeRuneInString(m[last:])
	prefix, suffix := m[:first], m[last+size:]
	// The masked run must hide at least one digit, and the visible ends must not overlap.
	return len(full) > len(prefix)+len(suffix) &&
		strings.HasPrefix(full, prefix) && strings.HasSuffix(full, suffix)
}

// keepImportedPhone keeps the placeholder a factor got on import (the masked number, which is
// all the service shows) when the configured number is consistent with it, so that importing a
// factor and writing its real number in the configuration plans no change. Any other number
// plans a replacement through RequiresReplace, which runs after this modifier.
type keepImportedPhone struct{}

var _ planmodifier.String = keepImportedPhone{}

func (keepImportedPhone) Description(context.Context) string {
	return "After import, keeps the masked number while the configured number is consistent with it."
}

func (m keepImportedPhone) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepImportedPhone) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var stateNumber, display, cfgCountry, cfgNumber types.String
	if req.State.GetAttribute(ctx, path.Root(attrMobileNumber), &stateNumber).HasError() ||
		req.State.GetAttribute(ctx, path.Root(attrDisplayName), &display).HasError() ||
		req.Config.GetAttribute(ctx, path.Root(attrCountryCode), &cfgCountry).HasError() ||
		req.Config.GetAttribute(ctx, path.Root(attrMobileNumber), &cfgNumber).HasError() {
		return
	}
	if !isMasked(stateNumber.ValueString()) || !known(cfgCountry) || !known(cfgNumber) {
		return
	}
	if maskedNumberMatches(display.ValueString(), cfgCountry.ValueString(), cfgNumber.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
