package provider

// Acceptance tests for what the docs promise about inputs (issue 20): a user id must be the
// lower-case GUID (an OCID or an upper-case GUID is refused at plan time, saying what to
// write), and a mobile number is refused at plan time when it keeps the trunk 0 or is longer
// than an international number can be. Each refusal happens before any call to the identity
// domain, so the server holds no factor afterwards.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

const docsSMSAddr = "idcsmfa_sms_factor.docs"

// docsSMSConfig is one SMS factor enrolled without a passcode. The country code comes from a
// variable, as it does in the examples, so the rules hold for values that are not literals.
func docsSMSConfig(env *testEnv, userID, countryCode, number string) string {
	return env.providerConfig() + fmt.Sprintf(`
variable "country_code" {
  type    = string
  default = %q
}

resource "idcsmfa_sms_factor" "docs" {
  user_id           = %q
  country_code      = var.country_code
  mobile_number     = %q
  skip_verification = true
}
`, countryCode, userID, number)
}

// docsNoFactor checks, before a step, that the refusals before it reached no server.
func docsNoFactor(t *testing.T, env *testEnv, userID string) func() {
	return func() {
		if err := checkNoFactorsLeft(env, userID)(nil); err != nil {
			t.Errorf("a configuration refused at plan time left factors on the server: %s", err)
		}
	}
}

func TestAccDocs_userIDMustBeTheLowerCaseGUID(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	upper := strings.ToUpper(userID)
	ocid := "ocid1.user.oc1..aaaaaaaa5m3cjjlo7ml5ywkzcqbvnlh6rjvbdftqczjn6k5xtmnhcqwntkxq"

	accTest(t, env.checkDestroy("idcsmfa_sms_factor"),
		resource.TestStep{
			Config:      docsSMSConfig(env, ocid, "+44", "7700900123"),
			PlanOnly:    true,
			ExpectError: diagRE("OCID instead of the user's GUID", ocid, "To find a user's GUID", "idcsmfa_user_factors", `"id" (not the "ocid")`),
		},
		resource.TestStep{
			Config:      docsSMSConfig(env, upper, "+44", "7700900123"),
			PlanOnly:    true,
			ExpectError: diagRE("User GUID in upper case", fmt.Sprintf("write it in lower case, %q", userID)),
		},
		resource.TestStep{
			Config:      docsSMSConfig(env, userID[:8]+"-"+userID[8:12]+"-"+userID[12:16]+"-"+userID[16:20]+"-"+userID[20:], "+44", "7700900123"),
			PlanOnly:    true,
			ExpectError: diagRE("User GUID with dashes", fmt.Sprintf("without dashes, in lower case: %q", userID)),
		},
		resource.TestStep{
			PreConfig:   docsNoFactor(t, env, userID),
			Config:      docsSMSConfig(env, "alice", "+44", "7700900123"),
			PlanOnly:    true,
			ExpectError: diagRE("32 hexadecimal characters in lower case", "not the user name", "To find a user's GUID"),
		},
		resource.TestStep{
			// The lower-case GUID of the same user works, and plans nothing afterwards.
			PreConfig: docsNoFactor(t, env, userID),
			Config:    docsSMSConfig(env, userID, "+44", "7700900123"),
			Check:     resource.TestCheckResourceAttr(docsSMSAddr, "status", "ENROLLED"),
		},
	)
}

func TestAccDocs_mobileNumberRules(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)

	accTest(t, env.checkDestroy("idcsmfa_sms_factor"),
		resource.TestStep{
			// A UK mobile number as written inside the UK: the 0 must go.
			Config:   docsSMSConfig(env, userID, "+44", "07700900123"),
			PlanOnly: true,
			ExpectError: diagRE("Mobile number starts with the trunk prefix 0", `is "07700900123": drop the leading 0 and write "7700900123"`,
				"+4407700900123, which is not a number"),
		},
		resource.TestStep{
			// 2 + 14 digits: one more than E.164 allows.
			PreConfig:   docsNoFactor(t, env, userID),
			Config:      docsSMSConfig(env, userID, "+44", "77009001234567"),
			PlanOnly:    true,
			ExpectError: diagRE("Mobile number too long", "has 14 digits, which with country code +44 makes 16", "at most 15 digits", "(E.164)"),
		},
		resource.TestStep{
			// 15 digits on its own: too long whatever the country code.
			PreConfig:   docsNoFactor(t, env, userID),
			Config:      docsSMSConfig(env, userID, "+1", "770090012345678"),
			PlanOnly:    true,
			ExpectError: diagRE("Invalid mobile number", "4 to 14 digits"),
		},
		resource.TestStep{
			// Exactly 15 digits with the country code is a valid number.
			PreConfig: docsNoFactor(t, env, userID),
			Config:    docsSMSConfig(env, userID, "+44", "7700900123456"),
			Check:     resource.TestCheckResourceAttr(docsSMSAddr, "status", "ENROLLED"),
		},
		resource.TestStep{
			// Where national numbers do start with 0 (Cote d'Ivoire), the 0 is kept and sent.
			Config: docsSMSConfig(env, userID, "+225", "0701020304"),
			Check: func(*terraform.State) error {
				if env.Emulator == nil {
					return nil
				}
				for _, f := range env.emulatorFactors(userID) {
					if f.CountryCode == "+225" && f.MobileNumber == "0701020304" {
						return nil
					}
				}
				return fmt.Errorf("no factor for +225 0701020304 on the server: %+v", env.emulatorFactors(userID))
			},
		},
	)
}
