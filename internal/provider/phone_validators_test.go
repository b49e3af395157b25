package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestPhoneValidators_phoneValidators(t *testing.T) {
	ctx := context.Background()
	check := func(v validator.String, value string) bool {
		resp := &validator.StringResponse{}
		v.ValidateString(ctx, validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(value)}, resp)
		return !resp.Diagnostics.HasError()
	}
	for value, want := range map[string]bool{"+44": true, "+1": true, "+1234": true, "44": false, "+0": false, "+12345": false, "+4a": false} {
		if got := check(countryCodeValidator(), value); got != want {
			t.Errorf("country_code %q valid = %t, want %t", value, got, want)
		}
	}
	for value, want := range map[string]bool{"7700900123": true, "1234": true, "123": false, "7700 900123": false, "+447700900123": false, "123456789012345": false, "12345678901234": true, "1234567890123456": false} {
		if got := check(mobileNumberValidator(), value); got != want {
			t.Errorf("mobile_number %q valid = %t, want %t", value, got, want)
		}
	}
	for value, want := range map[string]bool{"123456": true, "12345678": true, "12ab56": false, "123": false, "": false} {
		if got := check(passcodeValidator{}, value); got != want {
			t.Errorf("passcode %q valid = %t, want %t", value, got, want)
		}
	}
}

func TestPhoneValidators_passcodeValidatorNeverEchoesTheValue(t *testing.T) {
	resp := &validator.StringResponse{}
	passcodeValidator{}.ValidateString(context.Background(), validator.StringRequest{
		Path: path.Root(attrOTPCodeWO), ConfigValue: types.StringValue("98x7654"),
	}, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("an invalid passcode was accepted")
	}
	for _, d := range resp.Diagnostics {
		if strings.Contains(d.Summary()+d.Detail(), "98x7654") {
			t.Fatalf("diagnostic shows the passcode: %s / %s", d.Summary(), d.Detail())
		}
	}
}

// phoneConfig is the configuration of an SMS factor with this country code and number
// (unknown when cc is nil), as the mobile_number validator sees it.
func phoneConfig(cc *string, number string) tfsdk.Config {
	ccValue := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	if cc != nil {
		ccValue = tftypes.NewValue(tftypes.String, *cc)
	}
	return tfsdk.Config{
		Schema: schema.Schema{Attributes: map[string]schema.Attribute{
			attrCountryCode:  schema.StringAttribute{Required: true},
			attrMobileNumber: schema.StringAttribute{Required: true},
		}},
		Raw: tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			attrCountryCode: tftypes.String, attrMobileNumber: tftypes.String,
		}}, map[string]tftypes.Value{
			attrCountryCode:  ccValue,
			attrMobileNumber: tftypes.NewValue(tftypes.String, number),
		}),
	}
}

// The national number is checked against the country code of the same configuration:
// no trunk 0 (except where numbers really start with 0), at most 15 digits in all (E.164).
func TestPhoneValidators_mobileNumberAgainstCountryCode(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := []struct {
		cc     *string
		number string
		want   string // "" = valid, else a fragment of the error
	}{
		{str("+44"), "7700900123", ""},
		{str("+44"), "07700900123", `drop the leading 0 and write "7700900123"`},
		{str("+33"), "0612345678", `write "612345678"`},
		{str("+39"), "0612345678", ""},  // Italy keeps the 0 of fixed lines
		{str("+225"), "0701020304", ""}, // Cote d'Ivoire numbers start with 0
		{str("+1"), "12345678901234", ""},
		{str("+44"), "1234567890123", ""},          // 2 + 13 = 15
		{str("+44"), "12345678901234", "makes 16"}, // 2 + 14
		{str("+1234"), "12345678901", ""},          // 4 + 11 = 15
		{str("+1234"), "123456789012", "makes 16"},
		{nil, "07700900123", ""},       // country code unknown: only the number's own rules
		{str("44"), "07700900123", ""}, // invalid country code: its own validator reports it
		{str("+44"), "12", "4 to 14 digits"},
	}
	for _, tc := range cases {
		resp := &validator.StringResponse{}
		mobileNumberValidator().ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root(attrMobileNumber), ConfigValue: types.StringValue(tc.number), Config: phoneConfig(tc.cc, tc.number),
		}, resp)
		cc := "unknown"
		if tc.cc != nil {
			cc = *tc.cc
		}
		var got string
		for _, d := range resp.Diagnostics.Errors() {
			got += d.Summary() + ": " + d.Detail()
		}
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%s %s: want valid, got %s", cc, tc.number, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%s %s: want an error containing %q, got %q", cc, tc.number, tc.want, got)
		}
	}
}

// TestProvider_maskedNumberPair: country_code "" goes with a masked mobile_number (how an
// imported factor is written), and neither goes with anything else.
func TestPhoneValidators_maskedNumberPair(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		cc, number  string
		ccOK, numOK bool
	}{
		{"", "+44XXXXXXX123", true, true},
		{"", "91******0143", true, true},
		{"", "7700900123", false, true},       // empty country code with a real number
		{"+44", "+44XXXXXXX123", true, false}, // masked number with a country code
		{"+44", "7700900123", true, true},
		{"", "+44XXXXXXX", false, false}, // no visible last digits: not a mask the service shows
	} {
		cc := tc.cc
		req := validator.StringRequest{Config: phoneConfig(&cc, tc.number)}
		ccResp, numResp := &validator.StringResponse{}, &validator.StringResponse{}
		req.Path, req.ConfigValue = path.Root(attrCountryCode), types.StringValue(tc.cc)
		countryCodeValidator().ValidateString(ctx, req, ccResp)
		req.Path, req.ConfigValue = path.Root(attrMobileNumber), types.StringValue(tc.number)
		mobileNumberValidator().ValidateString(ctx, req, numResp)
		if got := !ccResp.Diagnostics.HasError(); got != tc.ccOK {
			t.Errorf("country_code %q beside %q: valid = %t, want %t (%v)", tc.cc, tc.number, got, tc.ccOK, ccResp.Diagnostics)
		}
		if got := !numResp.Diagnostics.HasError(); got != tc.numOK {
			t.Errorf("mobile_number %q beside %q: valid = %t, want %t (%v)", tc.number, tc.cc, got, tc.numOK, numResp.Diagnostics)
		}
	}
}
