package provider

import (
	"testing"
)

// The email factor has no input of its own: everything it does is shared with the other
// passcode factors and tested in passcode_factor_test.go, with emailCase as its row.

const emailAddr = "idcsmfa_email_factor.test"

// emailCase is the email factor's row in passcodeKinds: the user's primary email address.
var emailCase = passcodeKindCase{
	typeName: "idcsmfa_email_factor", label: "email", aLabel: "an email", method: "EMAIL",
	resource:           emailResource,
	displayName:        emulatorEmail,
	enrollRequest:      emailSkip(),
	alreadyEnrolled:    "HTTP 400 AUTH-1003",
	disabled:           "AUTH-1125: The EMAIL factor has been disabled.",
	importVerifyIgnore: []string{"skip_verification"},
	device:             "email address",
}

// emulatorEmail is the primary email address the emulator holds for a user.
func emulatorEmail(t *testing.T, env *testEnv, userID string) string {
	t.Helper()
	for _, u := range env.Emulator.Users() {
		if u.ID == userID {
			return u.Email
		}
	}
	t.Fatalf("user %s not in the emulator", userID)
	return ""
}
