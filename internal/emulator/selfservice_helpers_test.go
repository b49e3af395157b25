package emulator

import (
	"net/http"
	"net/url"
	"strconv"
)

// passwordGrant asks for a user token with the given client and returns the status and the
// decoded answer (a token or an OAuth error).
func (h *harness) passwordGrant(clientID, secret, userName, password string) (int, map[string]any) {
	h.t.Helper()
	return h.tokenRequest(clientID, secret, url.Values{"grant_type": {"password"}, "scope": {scopeMyScopes}, "username": {userName}, "password": {password}})
}

// userToken is a user token of userName (password grant with the self-service client).
func (h *harness) userToken(userName, password string) string {
	h.t.Helper()
	return h.userTokenThrough(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret, userName, password)
}

// userTokenThrough is a user token of userName, asked for by the given application.
func (h *harness) userTokenThrough(clientID, secret, userName, password string) string {
	h.t.Helper()
	st, m := h.passwordGrant(clientID, secret, userName, password)
	tok, _ := m["access_token"].(string)
	if st != http.StatusOK || tok == "" {
		h.t.Fatalf("password grant for %s through %s: %d %v", userName, clientID, st, m)
	}
	return tok
}

// selfUser adds a user with a password and returns their id and user token.
func (h *harness) selfUser(name string) (string, string) {
	h.t.Helper()
	u, err := h.s.AddUser(User{UserName: name, Email: name + "@example.com", GivenName: "Joe", FamilyName: "Bloggs", Password: "Passw0rd-" + name})
	if err != nil {
		h.t.Fatalf("AddUser: %v", err)
	}
	return u.ID, h.userToken(name, "Passw0rd-"+name)
}

// my sends a self-service request with tok and fails unless the status is want.
func (h *harness) my(tok string, want int, method, path string, body any) map[string]any {
	h.t.Helper()
	return h.mustDoWith(tok, want, method, path, body)
}

// wantMyError checks a SCIM error answer: status (also as the body's string) and messageId.
func (h *harness) wantMyError(tok string, status int, messageID, method, path string, body any) map[string]any {
	h.t.Helper()
	st, m, raw := h.doWith(tok, method, path, body)
	ext, _ := m[scimOracleErrSchema].(map[string]any)
	if st != status || m["status"] != strconv.Itoa(status) || ext["messageId"] != messageID {
		h.t.Fatalf("%s %s: got %d %v, want %d %s: %s", method, path, st, ext["messageId"], status, messageID, raw)
	}
	if _, ok := m["detail"].(string); !ok {
		h.t.Fatalf("%s %s: SCIM error without detail: %s", method, path, raw)
	}
	return m
}

func enrollerBody(userID string, factor string, kv ...any) map[string]any {
	return withFields(map[string]any{"schemas": []string{schemaEnroller}, "user": map[string]any{"value": userID}, "authnFactors": []string{factor}}, kv...)
}

func initiatorBody(deviceID, requestID, factor string) map[string]any {
	return map[string]any{"schemas": []string{schemaInitiator}, "deviceId": deviceID, "requestId": requestID, "authFactor": factor}
}

func validatorBody(deviceID, requestID, factor, otp string) map[string]any {
	b := map[string]any{"schemas": []string{schemaValidator}, "deviceId": deviceID, "requestId": requestID, "authFactor": factor, "scenario": "ENROLLMENT"}
	if otp != "" {
		b["otpCode"] = otp
	}
	return b
}

const (
	pathEnroller  = "/admin/v1/MyAuthenticationFactorEnroller"
	pathInitiator = "/admin/v1/MyAuthenticationFactorInitiator"
	pathValidator = "/admin/v1/MyAuthenticationFactorValidator"
	pathRemover   = "/admin/v1/MyAuthenticationFactorsRemover"
	pathMyDevices = "/admin/v1/MyDevices"
)

// mySMS enrolls an SMS device through the self-service round trip and returns its id.
func (h *harness) mySMS(tok, userID, number string) string {
	h.t.Helper()
	dev, rid := h.ssEnroll(ssContext{uid: userID, tok: tok}, "SMS", "countryCode", "+44", "phoneNumber", number)
	h.my(tok, 201, http.MethodPost, pathInitiator, initiatorBody(dev, rid, "SMS"))
	h.my(tok, 201, http.MethodPost, pathValidator, validatorBody(dev, rid, "SMS", h.otp(userID, dev)))
	return dev
}
