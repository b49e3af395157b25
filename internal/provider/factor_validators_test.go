package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The user_id validator accepts only the lower-case GUID, and says what to do for the
// usual mistakes: an OCID from the OCI Console, upper case, a login name.
func TestFactorValidators_userID(t *testing.T) {
	cases := []struct {
		value string
		want  []string // fragments of the error; none = valid
	}{
		{"7b3d902ab05b4214bae6b2924ca6be21", nil},
		{"7B3D902AB05B4214BAE6B2924CA6BE21", []string{"User GUID in upper case", `write it in lower case, "7b3d902ab05b4214bae6b2924ca6be21"`}},
		{"ocid1.user.oc1..aaaaaaaabcdefghijklmnopqrstuvwxyz0123456789", []string{"OCID instead of the user's GUID", "idcsmfa_user_factors", `"id" (not the "ocid")`}},
		{"alice@example.com", []string{"32 hexadecimal characters in lower case", "not the user name", "To find a user's GUID"}},
		{"7b3d902ab05b4214bae6b2924ca6be2", []string{"32 hexadecimal characters"}},
	}
	for _, tc := range cases {
		resp := &validator.StringResponse{}
		userIDValidator().ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root(attrUserID), ConfigValue: types.StringValue(tc.value),
		}, resp)
		var got string
		for _, d := range resp.Diagnostics.Errors() {
			got += d.Summary() + ": " + d.Detail()
		}
		if len(tc.want) == 0 {
			if got != "" {
				t.Errorf("%q: want valid, got %s", tc.value, got)
			}
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q: want an error containing %q, got %q", tc.value, w, got)
			}
		}
	}
	// Null and unknown values are left to Terraform (required, or known later).
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		userIDValidator().ValidateString(context.Background(), validator.StringRequest{Path: path.Root(attrUserID), ConfigValue: v}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%s: %v", v, resp.Diagnostics)
		}
	}
}
