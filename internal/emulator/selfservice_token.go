package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
)

// oauthError is a refusal of the token endpoint: an RFC 6749 §5.2 error code and description.
type oauthError struct {
	status      int
	code        string
	description string
}

// Oracle's own words for a user who must sign in with MFA (reference §6.1, PM-REST
// "Obtain ME access_token").
const mfaRequiredDescription = "Tenant is MFA enabled. Use Multi-Factor Authentication for all users in this tenant."

// passwordGrant checks the password grant (grant_type=password, username, password) of an
// authenticated client and returns the id of the user the token will act for. Refusals:
// a client without the Me app role, unauthorized_client; a missing username or password,
// invalid_request; an unknown user, a user without a password or a wrong password, one
// invalid_grant that does not say which; a locked user, invalid_grant; a user who must use
// MFA to sign in, Oracle's invalid_grant "Tenant is MFA enabled…". A wrong password does not
// count towards the MFA lockout (that counter is for second factors) but towards the password
// policy's: Config.PasswordMaxIncorrectAttempts wrong passwords in a row lock the user, as
// Oracle's password policy (maxIncorrectAttempts) does; a right one resets the count.
func (s *Server) passwordGrant(client *Client, userName, password string) (*token, *oauthError) {
	if !(&token{roles: client.Roles}).hasRole(RoleMe) {
		return nil, &oauthError{http.StatusBadRequest, "unauthorized_client", "The client is not allowed to use the password grant: it needs the " + RoleMe + " app role."}
	}
	if userName == "" || password == "" {
		return nil, &oauthError{http.StatusBadRequest, "invalid_request", "The password grant needs username and password."}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByNameLocked(userName)
	wrong := &oauthError{http.StatusBadRequest, "invalid_grant", "The user name or password is incorrect."}
	if u == nil || u.Password == "" {
		return nil, wrong
	}
	if !samePassword(u.Password, password) {
		if u.Locked {
			return nil, wrong
		}
		u.passwordFailures++
		if n := s.cfg.PasswordMaxIncorrectAttempts; n > 0 && u.passwordFailures >= n {
			u.Locked = true
			u.modified = s.now()
		}
		return nil, wrong
	}
	if u.Locked {
		return nil, &oauthError{http.StatusBadRequest, "invalid_grant", "The user account is locked."}
	}
	u.passwordFailures = 0
	if u.MFARequired {
		return nil, &oauthError{http.StatusBadRequest, "invalid_grant", mfaRequiredDescription}
	}
	return &token{clientID: client.ID, roles: userTokenRoles(client.Roles, u.AdminRoles), userID: u.ID}, nil
}

// userTokenRoles are the administrator roles a user token carries: those both the user and
// the client hold, as Oracle documents for role scopes (reference §7.4: the client and the
// user must both hold the role).
func userTokenRoles(clientRoles, userRoles []string) []string {
	var both []string
	for _, r := range userRoles {
		if slices.Contains(clientRoles, r) {
			both = append(both, r)
		}
	}
	return both
}

// samePassword compares in constant time (of the digests, so the length is not told either).
func samePassword(want, got string) bool {
	a, b := sha256.Sum256([]byte(want)), sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
