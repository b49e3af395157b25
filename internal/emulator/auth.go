package emulator

import (
	"net/http"
	"strings"
)

// withBearer authenticates an /mfa/v1 call and applies the app-role rules: "MFA Client" may
// call everything; "Authenticator Client" may read users' factors and verify.
func (s *Server) withBearer(h func(http.ResponseWriter, *http.Request, *token)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := s.bearer(r)
		if t == nil {
			s.writeMFAError(w, errTokenExpired())
			return
		}
		if !mfaAllowed(t, r) {
			s.writeMFAError(w, errNotAuthorized())
			return
		}
		h(w, r, t)
	}
}

func mfaAllowed(t *token, r *http.Request) bool {
	if t.hasRole(RoleMFAClient) {
		return true
	}
	if !t.hasRole(RoleAuthenticatorClient) {
		return false
	}
	if strings.HasPrefix(r.URL.Path, "/mfa/v1/requests") {
		return true
	}
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/mfa/v1/users")
}

// withSCIMAuth authenticates a SCIM call; it needs a user-administration role.
func (s *Server) withSCIMAuth(h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := s.bearer(r)
		if t == nil {
			writeSCIMError(w, http.StatusUnauthorized, "", "Invalid or expired access token.", "error.common.common.invalidToken")
			return
		}
		if !t.hasRole(RoleUserAdmin, RoleIdentityDomainAdmin) {
			writeSCIMError(w, http.StatusForbidden, "", "You do not have the required privileges to perform this operation.", "error.common.common.insufficientPrivileges")
			return
		}
		h(w, r)
	}
}
