package emulator

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The only scope the emulator grants: every scope implied by the client's app roles.
const scopeMyScopes = "urn:opc:idm:__myscopes__"

// scopeExpiryPrefix asks for a shorter token lifetime, as Oracle documents.
const scopeExpiryPrefix = "urn:opc:resource:expiry="

type token struct {
	clientID string
	// roles are the client's app roles; a user token's are the administrator roles that both
	// the user and the client hold (userTokenRoles), honoured only where a user may act.
	roles   []string
	expires time.Time
	// userID is set on a user token (the password grant): the token acts for that user,
	// on /admin/v1/Me and My* only (EMULATOR.md, self-service).
	userID string
}

// isUser says whether the token is a user's (password grant) rather than a client's.
func (t *token) isUser() bool { return t.userID != "" }

func (t *token) hasRole(roles ...string) bool {
	for _, have := range t.roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

func (s *Server) findClient(id, secret string) *Client {
	for i := range s.cfg.Clients {
		c := &s.cfg.Clients[i]
		if c.ID == id && c.Secret == secret {
			return c
		}
	}
	return nil
}

// handleToken is POST /oauth2/v1/token with the client-credentials grant, or the password
// grant of a client with the Me app role (reference §6.1).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be parsed.")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		// client_secret_post is also allowed by OAuth 2.0; Oracle documents Basic.
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	client := s.findClient(id, secret)
	if client == nil {
		// RFC 6749 §2.3.1 form-encodes the credentials before Basic; golang.org/x/oauth2 does.
		uid, err1 := url.QueryUnescape(id)
		usecret, err2 := url.QueryUnescape(secret)
		if err1 == nil && err2 == nil {
			client = s.findClient(uid, usecret)
		}
	}
	if client == nil {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	issued := &token{clientID: client.ID, roles: client.Roles}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
	case "password":
		user, e := s.passwordGrant(client, r.PostForm.Get("username"), r.PostForm.Get("password"))
		if e != nil {
			writeOAuthError(w, e.status, e.code, e.description)
			return
		}
		issued = user
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "The grant type is not supported: client_credentials and password are emulated.")
		return
	}
	lifetime := s.cfg.TokenLifetime
	myScopes := false
	for _, sc := range strings.Fields(r.PostForm.Get("scope")) {
		switch {
		case sc == scopeMyScopes:
			myScopes = true
		case strings.HasPrefix(sc, scopeExpiryPrefix):
			if n, err := strconv.Atoi(strings.TrimPrefix(sc, scopeExpiryPrefix)); err == nil && n > 0 {
				if d := time.Duration(n) * time.Second; d < lifetime {
					lifetime = d
				}
			}
		}
	}
	if !myScopes {
		writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "The requested scope is invalid: use "+scopeMyScopes+".")
		return
	}
	access := "emu." + hex.EncodeToString(s.rng.bytes(32))
	now := s.now()
	s.mu.Lock()
	s.pruneTokensLocked(now)
	issued.expires = now.Add(lifetime)
	s.tokens[access] = issued
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access,
		"token_type":   "Bearer",
		"expires_in":   int(lifetime / time.Second),
	})
}

func (s *Server) pruneTokensLocked(now time.Time) {
	if len(s.tokens) < 1024 {
		return
	}
	for k, t := range s.tokens {
		if now.After(t.expires) {
			delete(s.tokens, k)
		}
	}
}

// bearer returns the live token of the request, or nil for a missing, unknown or expired one.
func (s *Server) bearer(r *http.Request) *token {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return nil
	}
	access := strings.TrimSpace(h[7:])
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[access]
	if t == nil || !s.now().Before(t.expires) {
		return nil
	}
	return t
}

// clientKey names the OAuth client a request belongs to, for rate limiting.
func (s *Server) clientKey(r *http.Request) string {
	if r.URL.Path == "/oauth2/v1/token" {
		if id, _, ok := r.BasicAuth(); ok {
			return id
		}
		return "anonymous"
	}
	if t := s.bearer(r); t != nil {
		return t.clientID
	}
	return "anonymous"
}
