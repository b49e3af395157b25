package emulator

import (
	"net/http"
	"strings"
)

const (
	scimUserSchema      = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimMFAExtension    = "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User"
	scimUserStateExt    = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User"
	scimListSchema      = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimSearchSchema    = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	scimDefaultCount    = 50
	scimMaxCount        = 1000 // Oracle's maximum page size
	scimTimestampLayout = "2006-01-02T15:04:05.000Z"

	// scimMaxUserName is the longest userName accepted, in characters (see EMULATOR.md).
	scimMaxUserName = 255
	// scimMaxEmail is the longest e-mail address (RFC 5321 §4.5.3.1.3: a 256-octet path,
	// angle brackets included).
	scimMaxEmail = 254
)

// scimUserByIDLocked finds a user by SCIM id. Oracle's id is caseExact false (SDK user.go),
// so the path and a filter on id both ignore case.
func (s *Server) scimUserByIDLocked(id string) *userState {
	return s.users[strings.ToLower(id)]
}

// handleSCIMGet is GET /admin/v1/Users/{id} with attributes, excludedAttributes and
// attributeSets.
func (s *Server) handleSCIMGet(r *http.Request) (reply, error) {
	proj, e := projectionFromQuery(r.URL.Query())
	if e != nil {
		return reply{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.scimUserByIDLocked(r.PathValue("id"))
	if u == nil {
		return reply{}, errSCIMUserNotFound(r.PathValue("id"))
	}
	return scimOK(http.StatusOK, proj.apply(s.scimUserLocked(u, r)))
}

// handleSCIMDelete is DELETE /admin/v1/Users/{id}: 204, and the user's factors and pending
// enrollments go with them. The forceDelete parameter is accepted and ignored.
func (s *Server) handleSCIMDelete(r *http.Request) (reply, error) {
	if err := s.DeleteUser(r.PathValue("id")); err != nil {
		return reply{}, errSCIMUserNotFound(r.PathValue("id"))
	}
	return noContent()
}

func mfaStatus(u *userState) string {
	if u.hasEnrolledDevice() {
		return "ENROLLED"
	}
	return "UN_ENROLLED"
}

func formattedName(u *userState) string {
	return strings.TrimSpace(u.GivenName + " " + u.FamilyName)
}

// scimUserLocked renders a user with every attribute the emulator has, returned-request ones
// included; a projection then keeps what the request asked for. The MFA extension is kept
// consistent with /mfa/v1: devices are the user's factors (pending ones as INITIATED), the
// preferred device is E1's preferredFactorId.
func (s *Server) scimUserLocked(u *userState, r *http.Request) map[string]any {
	base := baseURL(r)
	emails := []map[string]any{}
	for _, e := range sortedEmails(u) {
		m := map[string]any{"value": e.Value, "primary": e.Primary}
		if e.Type != "" {
			m["type"] = e.Type
		}
		emails = append(emails, m)
	}
	name := map[string]any{}
	if u.GivenName != "" {
		name["givenName"] = u.GivenName
	}
	if u.FamilyName != "" {
		name["familyName"] = u.FamilyName
	}
	if formatted := formattedName(u); formatted != "" {
		name["formatted"] = formatted
	}
	devices := []map[string]any{}
	for _, id := range u.factorOrder {
		f := u.factors[id]
		if f.ID == SecurityQuestionsFactorID {
			continue
		}
		status := "ENROLLED"
		if f.Status != StatusEnrolled {
			status = "INITIATED"
		}
		d := map[string]any{
			"value":        f.ID,
			"$ref":         base + "/admin/v1/Devices/" + f.ID,
			"status":       status,
			"factorType":   f.method(),
			"factorStatus": f.Status,
		}
		if f.DisplayName != "" {
			d["display"] = f.DisplayName
		}
		devices = append(devices, d)
	}
	bypass := []map[string]any{}
	for _, c := range u.bypassCodes {
		bypass = append(bypass, map[string]any{"value": c.ID, "$ref": base + "/admin/v1/BypassCodes/" + c.ID})
	}
	mfa := map[string]any{
		"mfaStatus":     mfaStatus(u),
		"loginAttempts": u.failedAttempts,
		"devices":       devices,
		"bypassCodes":   bypass,
	}
	if u.preferredID != "" {
		mfa["preferredAuthenticationFactor"] = u.preferredMeth
		if u.preferredID != SecurityQuestionsFactorID {
			mfa["preferredDevice"] = map[string]any{"value": u.preferredID, "$ref": base + "/admin/v1/Devices/" + u.preferredID}
		}
	}
	user := map[string]any{
		"schemas":  []string{scimUserSchema, scimMFAExtension, scimUserStateExt},
		"id":       u.ID,
		"userName": u.UserName,
		"emails":   emails,
		"active":   true,
		"meta": map[string]any{
			"resourceType": "User",
			"created":      u.created.UTC().Format(scimTimestampLayout),
			"lastModified": u.modified.UTC().Format(scimTimestampLayout),
			"location":     base + "/admin/v1/Users/" + u.ID,
		},
		scimMFAExtension: mfa,
		scimUserStateExt: map[string]any{"locked": map[string]any{"on": u.Locked}},
	}
	if len(name) > 0 {
		user["name"] = name
	}
	if qs := secQuestionsLocked(u, base); qs != nil {
		user["schemas"] = []string{scimUserSchema, scimMFAExtension, scimUserStateExt, scimSecQuestionsExt}
		user[scimSecQuestionsExt] = map[string]any{"secQuestions": qs}
	}
	return user
}
