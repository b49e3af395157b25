package emulator

import (
	"net/http"
	"strings"
)

// withBearer authenticates an /mfa/v1 call and applies the app-role rules: "MFA Client" may
// call everything; "Authenticator Client" may read users' factors and verify.
func (s *Server) withBearer(h handler) handler {
	return func(r *http.Request) (reply, error) {
		t := s.bearer(r)
		if t == nil {
			return reply{}, errTokenExpired()
		}
		if !mfaAllowed(t, r) {
			return reply{}, errNotAuthorized()
		}
		return h(r)
	}
}

func mfaAllowed(t *token, r *http.Request) bool {
	if t.isUser() {
		// A user token acts for one user on /admin/v1/Me and My* only (EMULATOR.md).
		return false
	}
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
func (s *Server) withSCIMAuth(h handler) handler {
	return func(r *http.Request) (reply, error) {
		t := s.bearer(r)
		if t == nil {
			return reply{}, errSCIMInvalidToken()
		}
		if t.isUser() || !t.hasRole(RoleUserAdmin, RoleIdentityDomainAdmin) {
			return reply{}, errSCIMForbidden()
		}
		return h(r)
	}
}

// withBearerOnly checks an /mfa/v1 token (not the role) before h: what the emulator does not
// emulate still answers 401 to a caller without a valid token, as Oracle would.
func (s *Server) withBearerOnly(h handler) handler {
	return func(r *http.Request) (reply, error) {
		if s.bearer(r) == nil {
			return reply{}, errTokenExpired()
		}
		return h(r)
	}
}

// withSCIMTokenOnly is withBearerOnly for SCIM: the error is SCIM's 401.
func (s *Server) withSCIMTokenOnly(h handler) handler {
	return func(r *http.Request) (reply, error) {
		if s.bearer(r) == nil {
			return reply{}, errSCIMInvalidToken()
		}
		return h(r)
	}
}
