package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// loginAttemptsReader reads the user's failed 2-step attempts (client.UserLoginAttempts). It
// is not part of factorAPI: only the administrator's API has it, and the message that uses it
// does without.
type loginAttemptsReader interface {
	UserLoginAttempts(ctx context.Context, userGUID string) (int, error)
}

// lockoutText follows a wrong passcode: each one counts towards locking the user. /mfa/v1
// does not say how many attempts are left, nor does any API show the maximum (the domain's
// MFA settings); SCIM shows how many failed attempts the user has (loginAttempts), which is
// given when the provider's role may read users.
func lockoutText(ctx context.Context, api any, userID string) string {
	r, ok := api.(loginAttemptsReader)
	if !ok {
		return lockoutWarning
	}
	n, err := r.UserLoginAttempts(ctx, userID)
	if err != nil {
		tflog.Debug(ctx, "the user's failed attempts could not be read", map[string]any{"error": serviceErrorText(err)})
		return lockoutWarning
	}
	return fmt.Sprintf("%s The user now has %d failed 2-step attempt(s) (loginAttempts in SCIM); a successful "+
		"verification resets the count, and an administrator unlocks a locked user.", lockoutWarning, n)
}
