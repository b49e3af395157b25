package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// A wrong passcode says that it counts towards locking the user and, when the provider may
// read users, how many failed attempts the user now has: each wrong passcode adds one.
func TestAccLockoutDiagnostics_wrongPasscodeCountsFailedAttempts(t *testing.T) {
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

// TestLockoutText_noEmulatorNumber: the wrong-passcode text quotes no limit, since the
// provider does not know the domain's (today's text said "(the emulator: 5)" to every domain).
func TestLockoutText_noEmulatorNumber(t *testing.T) {
	for name, api := range map[string]factorAPI{"self-service": newSelfServiceAPI(nil), "unconfigured": nil} {
		text := lockoutText(context.Background(), api, "u")
		if strings.Contains(text, "emulator") || strings.ContainsAny(text, "0123456789") {
			t.Errorf("%s: the lockout text quotes a number or the emulator: %s", name, text)
		}
		if !strings.Contains(text, "counts towards locking the user") {
			t.Errorf("%s: the lockout text lost its point: %s", name, text)
		}
	}
}

// TestVerificationLockoutHint: a locked user's verification is told to verify again once
// unlocked, never to change otp_resend_version, which the verification and the verify action
// do not have.
func TestVerificationLockoutHint(t *testing.T) {
	for _, code := range []string{"AUTH-1027", "AUTH-1010"} {
		d := verificationDiagnostic("alice", client.MethodTOTP, &client.APIError{StatusCode: 401, Code: code, Message: "Locked."})
		if strings.Contains(d.Detail(), "otp_resend_version") {
			t.Errorf("%s: the verification's hint names otp_resend_version: %s", code, d.Detail())
		}
		if !strings.Contains(d.Detail(), code) || !strings.Contains(d.Detail(), "verify again") {
			t.Errorf("%s: the hint lacks the code or what to do: %s", code, d.Detail())
		}
	}
}
