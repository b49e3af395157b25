package emulator

import (
	"net/http"
	"testing"
)

// preference is what E1 and E2 say the user's preferred factor and method are; both must
// agree.
func (h *harness) preference(user, userName string) (string, string) {
	h.t.Helper()
	e1 := h.mustDo(http.StatusOK, http.MethodGet, factorsPath(user), nil)
	e2 := h.mustDo(http.StatusOK, http.MethodGet, "/mfa/v1/users?userId="+userName+"&userIdType=USER_NAME&attributes=factors", nil)
	if e1["preferredFactorId"] != e2["preferredFactorId"] || e1["preferredMethod"] != e2["preferredMethod"] {
		h.t.Fatalf("E1 and E2 disagree: %v / %v", e1, e2)
	}
	id, _ := e1["preferredFactorId"].(string)
	method, _ := e1["preferredMethod"].(string)
	return id, method
}

func TestPreferredFactorIsValidated(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("gail")
	other := h.newUser("hugo")
	email := h.emailSkip(u)
	push := h.pushEnrolled(u)
	pendingSMS, _ := h.enrollSMS(u, "7700900400")
	h.enroll(u, map[string]any{"method": "SECURITY_QUESTIONS"}) // initiated, no answers yet
	foreign := h.emailSkip(other)
	path := "/mfa/v1/users/" + u
	set := func(id, method string) map[string]any {
		return map[string]any{"preferredFactorId": id, "preferredMethod": method}
	}

	h.expectError(404, "AUTH-1014", http.MethodPatch, path, set("ffffffffffffffffffffffffffffffff", "EMAIL"))
	h.expectError(404, "AUTH-1014", http.MethodPatch, path, set(foreign, "EMAIL"))
	h.expectError(400, "AUTH-1109", http.MethodPatch, path, set(pendingSMS, "SMS"))
	h.expectError(400, "AUTH-1015", http.MethodPatch, path, set(SecurityQuestionsFactorID, "SECURITY_QUESTIONS"))
	h.expectError(400, "AUTH-1111", http.MethodPatch, path, set(email, "SMS"))
	h.expectError(400, "AUTH-1111", http.MethodPatch, path, set(push, "EMAIL"))
	h.expectError(400, "AUTH-1111", http.MethodPatch, path, set(email, "FAX"))
	h.expectError(400, "AUTH-1111", http.MethodPatch, path, set(BypassCodeFactorID, "BYPASSCODE"))
	h.expectError(400, "AUTH-1113", http.MethodPatch, path, map[string]any{"preferredFactorId": push})
	h.expectError(400, "AUTH-1114", http.MethodPatch, path, map[string]any{"preferredMethod": "PUSH"})
	if id, method := h.preference(u, "gail"); id != email || method != "EMAIL" {
		t.Fatalf("a refused change moved the preference to %s/%s", id, method)
	}

	// PUSH co-enrolls TOTP: either method of the device can be preferred, in any case.
	h.mustDo(http.StatusOK, http.MethodPatch, path, set(push, "totp"))
	if id, method := h.preference(u, "gail"); id != push || method != "TOTP" {
		t.Fatalf("preference %s/%s, want %s/TOTP", id, method, push)
	}
	if v1 := h.initiate(u); v1["factorId"] != push || v1["method"] != "TOTP" {
		t.Fatalf("V1 without a factor does not use the preference: %v", v1)
	}
	scim := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+u, nil)[scimMFAExtension].(map[string]any)
	if scim["preferredAuthenticationFactor"] != "TOTP" || scim["preferredDevice"].(map[string]any)["value"] != push {
		t.Fatalf("SCIM MFA extension: %v", scim)
	}

	// A locked user's preference cannot be changed.
	if err := h.s.SetLocked(u, true); err != nil {
		t.Fatal(err)
	}
	h.expectError(401, "AUTH-1010", http.MethodPatch, path, set(email, "EMAIL"))
}

// Deleting the preferred factor moves the preference to the oldest remaining enrolled
// factor (pending ones are skipped), with that factor's first method; the last one clears it.
func TestDeletingThePreferredFactorMovesThePreference(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("ines")
	sms := h.enrolledSMS(u, "7700900401")
	pending, _ := h.enrollEmailPending(u)
	push := h.pushEnrolled(u)
	h.securityQuestions(u, false)
	h.mustDo(http.StatusOK, http.MethodPatch, "/mfa/v1/users/"+u, map[string]any{"preferredFactorId": SecurityQuestionsFactorID, "preferredMethod": "SECURITY_QUESTIONS"})
	if id, method := h.preference(u, "ines"); id != SecurityQuestionsFactorID || method != "SECURITY_QUESTIONS" {
		t.Fatalf("preference %s/%s", id, method)
	}
	for _, step := range []struct{ remove, wantID, wantMethod string }{
		{SecurityQuestionsFactorID, sms, "SMS"},
		{sms, push, "PUSH"}, // the pending EMAIL factor, older than PUSH, is skipped
		{push, "", ""},
	} {
		h.mustDo(http.StatusNoContent, http.MethodDelete, factorsPath(u)+"/"+step.remove, nil)
		if id, method := h.preference(u, "ines"); id != step.wantID || method != step.wantMethod {
			t.Fatalf("after deleting %s: preference %q/%q, want %q/%q", step.remove, id, method, step.wantID, step.wantMethod)
		}
	}
	// Once the pending factor is enrolled, it is the first enrolled factor and becomes preferred.
	if err := h.s.CompleteEnrollment(u, pending); err != nil {
		t.Fatal(err)
	}
	if id, method := h.preference(u, "ines"); id != pending || method != "EMAIL" {
		t.Fatalf("preference %s/%s after enrolling the only factor", id, method)
	}
}
