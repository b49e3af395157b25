package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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

// countryCodeValidator checks the country calling code. The one other value it accepts is
// "", beside a masked mobile_number: that pair is how an imported SMS factor is written (see
// importedPhoneText).
func countryCodeValidator() validator.String { return countryCodeCheck{} }

type countryCodeCheck struct{}

var _ validator.String = countryCodeCheck{}

func (countryCodeCheck) Description(context.Context) string {
	return `must be "+" followed by the country calling code (1 to 4 digits, no leading zero), e.g. "+44"; ` +
		`or "" beside the masked mobile_number of an imported factor`
}

func (v countryCodeCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (countryCodeCheck) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	cc := req.ConfigValue.ValueString()
	if countryCodeRegexp.MatchString(cc) {
		return
	}
	if cc == "" {
		number, known := configuredString(ctx, req.Config, attrMobileNumber)
		if _, _, masked := client.SplitMaskedNumber(number); !known || masked {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid country code",
		fmt.Sprintf(`Attribute %s must be "+" followed by the country calling code (1 to 4 digits, no leading zero), `+
			`e.g. "+44"; got %q. (An empty country_code goes only with the masked mobile_number of an imported factor.)`,
			req.Path, cc))
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
	if _, _, masked := client.SplitMaskedNumber(number); masked {
		if cc, known := configuredString(ctx, req.Config, attrCountryCode); known && cc != "" {
			resp.Diagnostics.AddAttributeError(req.Path, "Masked mobile number",
				fmt.Sprintf("Attribute %s is %q, a masked number as the identity domain shows it. %s", req.Path, number,
					importedPhoneText(number)))
		}
		return
	}
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

// importedPhoneText says what the masked number of an imported SMS factor means and what
// to write instead. The service never shows a factor's number, only a masked one: after
// import, and in generated configuration (terraform plan or query -generate-config-out),
// country_code = "" with the masked mobile_number stands for the factor as the service
// shows it. That pair validates and plans no change; it cannot enroll a new factor.
func importedPhoneText(masked string) string {
	lead, tail, _ := client.SplitMaskedNumber(masked)
	return fmt.Sprintf("The identity domain never shows an SMS factor's number, only a masked one: %q shows the "+
		"leading digits %q (the country calling code, perhaps with the first digits) and the last digits %q. "+
		"Generated configuration writes it with country_code = \"\": that pair stands for the imported factor and "+
		"plans no change, but cannot enroll a new factor. To enroll one, or to record the real number, write it in: "+
		"country_code = \"+<country calling code>\" and mobile_number = the national number whose last digits are %q "+
		"(a number consistent with the masked one plans an in-place update that records it and sends nothing).",
		masked, lead, tail, tail)
}

// configuredString reads a known string attribute of the same configuration; known is false
// when it is null, unknown or not there.
func configuredString(ctx context.Context, config tfsdk.Config, name string) (value string, known bool) {
	if config.Schema == nil || config.Raw.IsNull() {
		return "", false
	}
	var v types.String
	if config.GetAttribute(ctx, path.Root(name), &v).HasError() || v.IsNull() || v.IsUnknown() {
		return "", false
	}
	return v.ValueString(), true
}

// configuredCountryCode reads a valid, known country_code from the same configuration.
func configuredCountryCode(ctx context.Context, req validator.StringRequest) (string, bool) {
	cc, known := configuredString(ctx, req.Config, attrCountryCode)
	if !known || !countryCodeRegexp.MatchString(cc) {
		return "", false // unknown, or invalid: the country code's own validator reports it
	}
	return cc, true
}

// replaceUnlessRecordingImportedPhone is RequiresReplace for country_code and mobile_number,
// except after an import: the state then holds a placeholder (the masked number, which is all
// the service shows, and country_code ""), and a configured number consistent with the mask is
// the same device. That change is planned in place, so that the apply records the real number
// (Update sends nothing for it); any other number replaces the factor.
type replaceUnlessRecordingImportedPhone struct{}

var _ planmodifier.String = replaceUnlessRecordingImportedPhone{}

func (replaceUnlessRecordingImportedPhone) Description(context.Context) string {
	return "Replaces the factor when the number changes, except that after an import a number consistent with the masked one is recorded in place."
}

func (m replaceUnlessRecordingImportedPhone) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (replaceUnlessRecordingImportedPhone) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return // a create, a destroy, or no change
	}
	if !recordsImportedPhone(ctx, req) {
		resp.RequiresReplace = true
	}
}

// recordsImportedPhone reports whether the state holds an imported factor's placeholder and
// the configuration gives a number consistent with its masked display name, for the same user.
func recordsImportedPhone(ctx context.Context, req planmodifier.StringRequest) bool {
	var stateNumber, display, cfgCountry, cfgNumber types.String
	if req.State.GetAttribute(ctx, path.Root(attrMobileNumber), &stateNumber).HasError() ||
		req.State.GetAttribute(ctx, path.Root(attrDisplayName), &display).HasError() ||
		req.Config.GetAttribute(ctx, path.Root(attrCountryCode), &cfgCountry).HasError() ||
		req.Config.GetAttribute(ctx, path.Root(attrMobileNumber), &cfgNumber).HasError() {
		return false
	}
	return client.IsMaskedNumber(stateNumber.ValueString()) && known(cfgCountry) && known(cfgNumber) &&
		client.MaskedNumberMatches(display.ValueString(), cfgCountry.ValueString(), cfgNumber.ValueString()) &&
		!userChanges(ctx, req.Plan, req.State)
}

// maskedNumberOnlyImported refuses, at plan time, a masked mobile_number that would enroll a
// factor: a create, or a replacement (another user_id or another number). A masked number
// stands only for the imported factor it was read from (importedPhoneText).
type maskedNumberOnlyImported struct{}

var _ planmodifier.String = maskedNumberOnlyImported{}

func (maskedNumberOnlyImported) Description(context.Context) string {
	return "Refuses a masked number for a factor that would be enrolled: it stands only for an imported factor."
}

func (m maskedNumberOnlyImported) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (maskedNumberOnlyImported) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.PlanValue.IsNull() || req.PlanValue.IsUnknown() || req.Plan.Raw.IsNull() {
		return
	}
	number := req.PlanValue.ValueString()
	if _, _, masked := client.SplitMaskedNumber(number); !masked {
		return
	}
	if req.State.Raw.IsNull() || !req.StateValue.Equal(req.PlanValue) || userChanges(ctx, req.Plan, req.State) {
		resp.Diagnostics.AddAttributeError(req.Path, "A masked number cannot enroll a factor",
			fmt.Sprintf("Attribute %s is %q, and this plan would enroll a new SMS factor with it. %s", req.Path, number,
				importedPhoneText(number)))
	}
}

// userChanges reports whether the plan moves the factor to another user (a replacement).
func userChanges(ctx context.Context, plan tfsdk.Plan, state tfsdk.State) bool {
	var planUser, stateUser types.String
	if plan.GetAttribute(ctx, path.Root(attrUserID), &planUser).HasError() ||
		state.GetAttribute(ctx, path.Root(attrUserID), &stateUser).HasError() {
		return false
	}
	return known(planUser) && !planUser.Equal(stateUser)
}
