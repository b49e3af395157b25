package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A wrong passcode says that it counts towards locking the user and, when the provider may
// read users, how many failed attempts the user now has: each wrong passcode adds one.
func TestAccPasscodeFactor_wrongPasscodeCountsFailedAttempts(t *testing.T) {
	passcodeScenario(t, "reading the passcode from the outbox", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		var factorID string
		cfg := k.config(env, userID, otpFromVariables)
		return []resource.TestStep{
			{Config: cfg, Check: captureAttr(k.addr(), "factor_id", &factorID)},
			{
				Config: cfg, ConfigVariables: otpVars(env.wrongOTP(t, userID, &factorID), 1),
				ExpectError: diagRE("Wrong passcode", "AUTH-1105", "Each wrong passcode counts towards locking the user",
					"The user now has 1 failed 2-step attempt(s) (loginAttempts in SCIM)"),
			},
			{
				Config: cfg, ConfigVariables: otpVars(env.wrongOTP(t, userID, &factorID), 1),
				ExpectError: diagRE("Wrong passcode", "The user now has 2 failed 2-step attempt(s)"),
			},
			{
				Config: cfg, ConfigVariables: otpVars(env.lazyOTP(t, userID, &factorID), 1),
				Check: resource.TestCheckResourceAttr(k.addr(), "status", "ENROLLED"),
			},
		}
	})
}
