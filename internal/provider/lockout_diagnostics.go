package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// wrongPasscodeLockout follows a wrong passcode. It gives no number: the limit is the
// domain's (the MFA settings' maxIncorrectAttempts, which the provider reads only with the
// Security Administrator role: factorResource.domainLockoutText adds it then), and a
// number that is not this domain's would mislead (a domain locking after 3 is not the
// emulator's 5).
const wrongPasscodeLockout = "Each wrong passcode counts towards locking the user: the identity domain locks the user " +
	"after the number of failed attempts its MFA settings allow (Security > MFA: the maximum number of unsuccessful " +
	"attempts)."

// lockoutText follows a wrong passcode: each one counts towards locking the user. /mfa/v1
// does not say how many attempts are left, nor does any API the provider reads show the
// maximum; SCIM shows how many failed attempts the user has (loginAttempts), which is given
// in the administrator's mode when the provider's role may read users (the self-service API
// has no such call).
func lockoutText(ctx context.Context, api factorAPI, userID string) string {
	if api == nil || api.admin() == nil {
		return wrongPasscodeLockout
	}
	n, err := api.admin().UserLoginAttempts(ctx, userID)
	if err != nil {
		tflog.Debug(ctx, "the user's failed attempts could not be read", map[string]any{"error": serviceErrorText(err)})
		return wrongPasscodeLockout
	}
	return fmt.Sprintf("%s The user now has %d failed 2-step attempt(s) (loginAttempts in SCIM); a successful "+
		"verification resets the count, and an administrator unlocks a locked user.", wrongPasscodeLockout, n)
}
