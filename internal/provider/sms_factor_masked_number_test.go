package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccSMSFactor_maskedNumberIsNeverSent (issue 25, item 3): a pending SMS factor imported
// with the configuration generated for it (country_code = "" and the masked number) has no
// enrollment request, so raising otp_resend_version, or submitting a passcode, would restart
// the enrollment and send the number again. That used to plan a warning "sends a new passcode
// to +44XXXXXXX..." and fail at apply with the service's "countryCode is missing". Both now
// fail at plan time with the error a create gets for a masked number, and nothing is sent.
func TestAccSMSFactor_maskedNumberIsNeverSent(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "counts the passcodes sent")
	factorID := enrollDirect(t, env, userID, smsReq("7700900456", false))
	masked := func(extra string) string { return testAccSMSFactorConfig(env, userID, "", "+44XXXXXXX456", extra) }
	want := diagRE("A masked number cannot enroll a factor", `mobile_number is "+44XXXXXXX456"`,
		"would restart the enrollment of SMS factor "+factorID, "write it in")
	accTest(t, env.checkDestroy(smsCase.typeName),
		resource.TestStep{
			Config:             masked(""),
			ResourceName:       smsAddr,
			ImportState:        true,
			ImportStatePersist: true,
			ImportStateIdFunc:  func(*terraform.State) (string, error) { return userID + "/" + factorID, nil },
		},
		resource.TestStep{Config: masked("  otp_resend_version = 1\n"), PlanOnly: true, ExpectError: want},
		resource.TestStep{
			Config:          masked(otpFromVariables),
			ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
			PlanOnly:        true,
			ExpectError:     want,
		},
		resource.TestStep{
			// Nothing was sent: the passcode of the enrollment made outside Terraform only.
			PreConfig: func() { checkSent(t, env, userID, 1) },
			Config:    masked(""),
			PlanOnly:  true,
		},
	)
}
