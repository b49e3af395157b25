package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	countryCodeRegexp  = regexp.MustCompile(`^\+[1-9][0-9]{0,3}$`)
	mobileNumberRegexp = regexp.MustCompile(`^[0-9]{4,14}$`)
)

// e164MaxDigits is the most digits an international number has, country code included.
const e164MaxDigits = 15

// nationalZeroCountries are the country codes whose national numbers, written after the
// country code, really start with 0 (Italy and San Marino keep the 0 of fixed lines;
// Cote d'Ivoire, Gabon and the Republic of the Congo have no trunk prefix and numbers that
// begin with 0). Everywhere else a leading 0 is the trunk prefix, dialled only inside the
// country: "+44 07700 900123" is not a number.
var nationalZeroCountries = map[string]bool{"+39": true, "+378": true, "+379": true, "+225": true, "+241": true, "+242": true}

func countryCodeValidator() validator.String {
	return stringvalidator.RegexMatches(countryCodeRegexp,
		`must be "+" followed by the country calling code (1 to 4 digits, no leading zero), e.g. "+44"`)
}

// mobileNumberValidator checks the national number on its own (digits, 4 to 14 of them) and,
// when country_code is known in the same configuration, against it: no trunk 0, and at most
// 15 digits with the country code (E.164).
func mobileNumberValidator() validator.String { return mobileNumberCheck{} }

type mobileNumberCheck struct{}

var _ validator.String = mobileNumberCheck{}

func (mobileNumberCheck) Description(context.Context) string {
	return `must be the national number without the country code: digits only (no spaces, "+" or dashes), ` +
		`4 to 14 digits, e.g. "7700900123"; no leading 0 (trunk prefix); at most 15 digits with the country code`
}

func (v mobileNumberCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (mobileNumberCheck) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	number := req.ConfigValue.ValueString()
	if !mobileNumberRegexp.MatchString(number) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid mobile number",
			fmt.Sprintf(`Attribute %s must be the national number without the country code: digits only (no spaces, `+
				`"+" or dashes), 4 to 14 digits, e.g. "7700900123"; got %q.`, req.Path, number))
		return
	}
	cc, ok := configuredCountryCode(ctx, req)
	if !ok {
		return
	}
	if strings.HasPrefix(number, "0") && !nationalZeroCountries[cc] {
		resp.Diagnostics.AddAttributeError(req.Path, "Mobile number starts with the trunk prefix 0",
			fmt.Sprintf("Attribute %s is %q: drop the leading 0 and write %q. The 0 is the trunk prefix, dialled only "+
				"inside the country; after the country code %s it is left out (the passcode would otherwise go to "+
				"%s%s, which is not a number).", req.Path, number, strings.TrimLeft(number, "0"), cc, cc, number))
		return
	}
	if total := len(cc) - 1 + len(number); total > e164MaxDigits {
		resp.Diagnostics.AddAttributeError(req.Path, "Mobile number too long",
			fmt.Sprintf("Attribute %s has %d digits, which with country code %s makes %d: an international number has "+
				"at most %d digits with its country code (E.164). Check that %s holds the national number only, "+
				"without the country code.", req.Path, len(number), cc, total, e164MaxDigits, req.Path))
	}
}

// configuredCountryCode reads a valid, known country_code from the same configuration.
func configuredCountryCode(ctx context.Context, req validator.StringRequest) (string, bool) {
	if req.Config.Schema == nil || req.Config.Raw.IsNull() {
		return "", false
	}
	var cc types.String
	if req.Config.GetAttribute(ctx, path.Root(attrCountryCode), &cc).HasError() || cc.IsNull() || cc.IsUnknown() {
		return "", false
	}
	if !countryCodeRegexp.MatchString(cc.ValueString()) {
		return "", false // the country code's own validator reports it
	}
	return cc.ValueString(), true
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
	if !client.IsMaskedNumber(stateNumber.ValueString()) || !known(cfgCountry) || !known(cfgNumber) {
		return
	}
	if client.MaskedNumberMatches(display.ValueString(), cfgCountry.ValueString(), cfgNumber.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
