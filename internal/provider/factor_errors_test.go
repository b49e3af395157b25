package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// TestAccSMSFactor_planTimeValidation covers every input the schema rejects before any call.
func TestAccSMSFactor_planTimeValidation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	const user = "7b3d902ab05b4214bae6b2924ca6be21"
	cases := []struct {
		name, userID, cc, number, extra string
		want                            []string
	}{
		{"user name instead of id", "alice@example.com", "+44", "7700900123", "", []string{"user_id", "32 hexadecimal characters", exampleUserID}},
		{"country code without plus", user, "44", "7700900123", "", []string{"country_code", `"+44"`}},
		{"country code too long", user, "+12345", "7700900123", "", []string{"country_code", `"+44"`}},
		{"country code with leading zero", user, "+044", "7700900123", "", []string{"country_code", "no leading zero"}},
		{"number with spaces", user, "+44", "7700 900123", "", []string{"mobile_number", "digits only", `"7700900123"`}},
		{"number with country code", user, "+44", "+447700900123", "", []string{"mobile_number", "without the country code"}},
		{"number too short", user, "+44", "123", "", []string{"mobile_number", "4 to 14 digits"}},
		{"passcode with letters", user, "+44", "7700900123", "otp_code_wo = \"12ab56\"\n  otp_code_wo_version = 1", []string{"Invalid passcode", "otp_code_wo", "digits", "not shown"}},
		{"passcode without version", user, "+44", "7700900123", `otp_code_wo = "123456"`, []string{"otp_code_wo_version", "must be specified"}},
		{"version zero", user, "+44", "7700900123", "otp_code_wo = \"123456\"\n  otp_code_wo_version = 0", []string{"otp_code_wo_version", "at least 1"}},
		{"resend version zero", user, "+44", "7700900123", "otp_resend_version = 0", []string{"otp_resend_version", "at least 1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				Steps: []resource.TestStep{{
					Config:      testAccSMSFactorConfig(env, tc.userID, tc.cc, tc.number, tc.extra),
					PlanOnly:    true,
					ExpectError: expectErr(tc.want...),
				}},
			})
		})
	}
}

// TestAccSMSFactor_serviceErrors checks that each refusal of the service keeps its AUTH code
// and message and adds what to do.
func TestAccSMSFactor_serviceErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		opts    []func(*emulator.Config)
		prepare func(t *testing.T, env *testEnv) string // returns the user id
		cc, num string
		want    []string
	}{
		{
			name:    "unknown user",
			prepare: func(*testing.T, *testEnv) string { return "0123456789abcdef0123456789abcdef" },
			cc:      "+44", num: "7700900123",
			want: []string{"AUTH-3018", "User not found", "Check user_id"},
		},
		{
			name: "locked user",
			prepare: func(t *testing.T, env *testEnv) string {
				id := env.newUser(t)
				if err := env.Emulator.SetLocked(id, true); err != nil {
					t.Fatalf("locking the user: %s", err)
				}
				return id
			},
			cc: "+44", num: "7700900123",
			want: []string{"AUTH-1010", "locked", "Unlock the user"},
		},
		{
			name:    "factor not enabled",
			opts:    []func(*emulator.Config){func(c *emulator.Config) { c.EnabledFactors = []string{emulator.MethodEmail} }},
			prepare: func(t *testing.T, env *testEnv) string { return env.newUser(t) },
			cc:      "+44", num: "7700900123",
			want: []string{"AUTH-1125", "SMS factor has been disabled", "Security > MFA > Factors", "AuthenticationFactorSettings"},
		},
		{
			name: "already enrolled",
			prepare: func(t *testing.T, env *testEnv) string {
				id := env.newUser(t)
				_, err := env.Client.Enroll(t.Context(), id, client.EnrollRequest{
					Method: client.MethodSMS, CountryCode: "+44", MobileNumber: "7700900123", SkipVerification: true,
				})
				if err != nil {
					t.Fatalf("enrolling outside Terraform: %s", err)
				}
				return id
			},
			cc: "+44", num: "7700900123",
			want: []string{"AUTH-1031", "already enrolled", "import it", "<user_id>/<factor_id>"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, tc.opts...)
			env.requireEmulator(t, "setting up the failing condition")
			userID := tc.prepare(t, env)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      testAccSMSFactorConfig(env, userID, tc.cc, tc.num, ""),
					ExpectError: expectErr(append([]string{fmt.Sprintf("Could not enroll the SMS factor of user %s", userID)}, tc.want...)...),
				}},
			})
		})
	}
}
