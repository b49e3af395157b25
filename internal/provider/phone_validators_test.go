package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestProvider_maskedNumberMatches(t *testing.T) {
	cases := []struct {
		masked, cc, number string
		want               bool
	}{
		{"+44XXXXXXX123", "+44", "7700900123", true},
		{"+44XXXXXXX123", "+44", "7700900124", false}, // last digits differ
		{"+44XXXXXXX123", "+33", "7700900123", false}, // country differs
		{"+155XXXXX555", "+1", "5551234555", true},    // Oracle's sample: two leading digits shown
		{"91******0143", "+91", "9876540143", true},   // no "+", stars
		{"91******0143", "+91", "0143", false},        // nothing left to hide
		{"+447700900123", "+44", "7700900123", true},  // unmasked
		{"", "+44", "7700900123", false},
		{"+44 XXX-XXXX 123", "+44", "7700900123", true},
		{"+44•••••••123", "+44", "7700900123", true},
	}
	for _, tc := range cases {
		if got := maskedNumberMatches(tc.masked, tc.cc, tc.number); got != tc.want {
			t.Errorf("maskedNumberMatches(%q, %q, %q) = %t, want %t", tc.masked, tc.cc, tc.number, got, tc.want)
		}
	}
}

func TestProvider_phoneValidators(t *testing.T) {
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
	for value, want := range map[string]bool{"7700900123": true, "1234": true, "123": false, "7700 900123": false, "+447700900123": false, "1234567890123456": false} {
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

func TestProvider_passcodeValidatorNeverEchoesTheValue(t *testing.T) {
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
