package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A harness whose domain has an application that may read the settings.
const (
	secAdminID     = "security-admin"
	secAdminSecret = "security-admin-secret"
)

func settingsHarness(t *testing.T, cfg Config) (*harness, string) {
	t.Helper()
	cfg.Clients = []Client{
		{ID: DefaultClientID, Secret: DefaultClientSecret, Roles: []string{RoleMFAClient, RoleUserAdmin}},
		{ID: DefaultSelfServiceClientID, Secret: DefaultSelfServiceClientSecret, Roles: []string{RoleMe}},
		{ID: secAdminID, Secret: secAdminSecret, Roles: []string{RoleSecurityAdmin}},
		{ID: selfSecAdminID, Secret: secAdminSecret, Roles: []string{RoleMe, RoleSecurityAdmin}},
	}
	h := newHarness(t, cfg)
	return h, h.tokenFor(secAdminID, secAdminSecret)
}

// Issue 27 item 10: the settings come from Config (a non-default policy here) in the shape of
// Oracle's AuthenticationFactorSetting, on the collection, .search and the id.
func TestAuthnSettingsShowTheDomainsPolicy(t *testing.T) {
	h, tok := settingsHarness(t, Config{
		EnabledFactors: []string{MethodEmail, MethodTOTP, MethodBypassCode}, TOTPDigits: 8, TOTPAlgorithm: "sha256",
		TOTPPeriod: time.Minute, TOTPTolerance: 2, OTPLength: 7, OTPValidity: 90 * time.Second, MaxFailedAttempts: 3,
		MaxEnrolledDevices: 2, BypassCodeLength: 10, BypassCodeMaxActive: 3, UserEnrollmentDisabledFactors: []string{"sms", "OFFLINETOTP"},
		MFAEnrollmentType: "required",
	})
	st, list, raw := h.doWith(tok, http.MethodGet, authnSettingsPath, nil)
	if st != 200 || list["totalResults"] != float64(1) {
		t.Fatalf("list: %d %s", st, raw)
	}
	got := list["Resources"].([]any)[0].(map[string]any)
	totp := got["totpSettings"].(map[string]any)
	ends := got["endpointRestrictions"].(map[string]any)
	bypass := got["bypassCodeSettings"].(map[string]any)
	checks := map[string][2]any{
		"id":                         {got["id"], authnSettingsID},
		"smsEnabled":                 {got["smsEnabled"], false},
		"emailEnabled":               {got["emailEnabled"], true},
		"pushEnabled":                {got["pushEnabled"], false},
		"totpEnabled":                {got["totpEnabled"], true},
		"mfaEnrollmentType":          {got["mfaEnrollmentType"], "Required"},
		"hashingAlgorithm":           {totp["hashingAlgorithm"], "SHA256"},
		"passcodeLength":             {totp["passcodeLength"], float64(8)},
		"timeStepInSecs":             {totp["timeStepInSecs"], float64(60)},
		"timeStepTolerance":          {totp["timeStepTolerance"], float64(2)},
		"smsPasscodeLength":          {totp["smsPasscodeLength"], float64(7)},
		"emailOtpValidityInMins":     {totp["emailOtpValidityDurationInMins"], float64(2)},
		"maxIncorrectAttempts":       {ends["maxIncorrectAttempts"], float64(3)},
		"maxEnrolledDevices":         {ends["maxEnrolledDevices"], float64(2)},
		"bypassCodeSettings.length":  {bypass["length"], float64(10)},
		"bypassCodeSettings.maxActv": {bypass["maxActive"], float64(3)},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
	if d := got["userEnrollmentDisabledFactors"].([]any); len(d) != 2 || d[0] != "SMS" || d[1] != "OFFLINETOTP" {
		t.Errorf("userEnrollmentDisabledFactors = %v", d)
	}
	one := h.mustDoWith(tok, 200, http.MethodGet, authnSettingsPath+"/AuthenticationFactorSettings?attributes=emailEnabled,totpSettings.emailPasscodeLength", nil)
	if one["emailEnabled"] != true || one["smsEnabled"] != nil || one["id"] != authnSettingsID ||
		len(one["totpSettings"].(map[string]any)) != 1 || one["totpSettings"].(map[string]any)["emailPasscodeLength"] != float64(7) {
		t.Errorf("GET id with attributes: %v", one)
	}
	search := h.mustDoWith(tok, 200, http.MethodPost, authnSettingsPath+"/.search", map[string]any{"schemas": []string{scimSearchSchema}})
	if search["totalResults"] != float64(1) {
		t.Errorf(".search: %v", search)
	}
	if st, _, _ := h.doWith(tok, http.MethodGet, authnSettingsPath+"/other", nil); st != 404 {
		t.Errorf("GET of another id: %d, want 404", st)
	}
}

// selfSecAdminID is an application with the Me and Security Administrator roles.
const selfSecAdminID = "self-sec-admin"

// The settings need Security Administrator (or Identity Domain Administrator); the security
// questions and their settings can also be read with a user's token, as Oracle's
// self-service sample does. MFA Client + User Administrator reads neither. A user token
// reads the MFA settings only when the user and the application both hold the role.
func TestSettingsRoles(t *testing.T) {
	h, sec := settingsHarness(t, Config{})
	_, user := h.selfUser("rolf")
	if _, err := h.s.AddUser(User{UserName: "sadie", Email: "sadie@example.com", Password: "Passw0rd-sadie", AdminRoles: []string{RoleSecurityAdmin}}); err != nil {
		t.Fatal(err)
	}
	userToken := func(clientID, secret, name string) string {
		return h.userTokenThrough(clientID, secret, name, "Passw0rd-"+name)
	}
	adminThroughAdminApp := userToken(selfSecAdminID, secAdminSecret, "sadie")
	adminThroughMeApp := userToken(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret, "sadie")
	userThroughAdminApp := userToken(selfSecAdminID, secAdminSecret, "rolf")
	for _, c := range []struct {
		who, tok, path string
		want           int
	}{
		{"MFA Client + User Administrator", h.token, authnSettingsPath, 403},
		{"MFA Client + User Administrator", h.token, securityQuestionsPath, 403},
		{"user token", user, authnSettingsPath, 403},
		{"user token", user, securityQuestionsPath, 200},
		{"user token", user, secQSettingsPath + "/SecurityQuestionSettings", 200},
		{"Security Administrator", sec, authnSettingsPath, 200},
		{"Security Administrator", sec, secQSettingsPath, 200},
		{"no token", "", authnSettingsPath, 401},
		{"Security Administrator user through an application with the role", adminThroughAdminApp, authnSettingsPath, 200},
		{"Security Administrator user through an application without it", adminThroughMeApp, authnSettingsPath, 403},
		{"user without the role through an application with it", userThroughAdminApp, authnSettingsPath, 403},
		{"Security Administrator user's token on /admin/v1/Users", adminThroughAdminApp, "/admin/v1/Users", 403},
	} {
		if st, _, raw := h.doWith(c.tok, http.MethodGet, c.path, nil); st != c.want {
			t.Errorf("%s on %s: %d, want %d: %s", c.who, c.path, st, c.want, raw)
		}
	}
}

// Item 5: the question ids can be discovered (GET /admin/v1/SecurityQuestions, as Oracle's
// flow starts) and the settings say 3 to set up, 1 to answer, answers of 6 to 100 characters.
func TestSecurityQuestionsAndSettings(t *testing.T) {
	h, _ := settingsHarness(t, Config{})
	_, user := h.selfUser("sasha")
	list := h.mustDoWith(user, 200, http.MethodGet, securityQuestionsPath+"?count=48&startIndex=1", nil)
	if list["totalResults"] != float64(len(securityQuestionCatalog)) {
		t.Fatalf("questions: %v", list["totalResults"])
	}
	first := list["Resources"].([]any)[0].(map[string]any)
	if first["id"] != "FavoriteBook" || first["active"] != true || first["type"] != "default" {
		t.Errorf("first question: %v", first)
	}
	f := h.mustDoWith(user, 200, http.MethodGet, securityQuestionsPath+"?filter="+url.QueryEscape(`questionText co "dream"`), nil)
	if f["totalResults"] != float64(1) || f["Resources"].([]any)[0].(map[string]any)["id"] != "DreamJob" {
		t.Errorf("filter questionText co dream: %v", f)
	}
	if st, _, _ := h.doWith(user, http.MethodGet, securityQuestionsPath+"?sortBy=nope", nil); st != 400 {
		t.Errorf("sortBy nope: %d, want 400", st)
	}
	set := h.mustDoWith(user, 200, http.MethodGet, secQSettingsPath+"/SecurityQuestionSettings", nil)
	if set["numQuestionsToSetup"] != float64(3) || set["numQuestionsToAns"] != float64(1) || set["minAnswerLength"] != float64(6) || set["maxFieldLength"] != float64(100) {
		t.Errorf("settings: %v", set)
	}
}

// Item 5: answers from 6 to 100 characters (today's 4..255 accepted "abcd" and 255 characters).
func TestSecurityAnswerLengthsFollowTheSettings(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("sam")
	sq := h.enrollSecurityQuestions(u)
	with := func(a string) []map[string]any {
		return []map[string]any{{"id": "FavoriteBook", "answer": a}, {"id": "FavoriteFood", "answer": "food-one"}, {"id": "FirstCar", "answer": "car-one"}}
	}
	h.expectError(400, "AUTH-1021", http.MethodPatch, sq, map[string]any{"securityQuestions": with("abcde")})
	h.expectError(400, "AUTH-1041", http.MethodPatch, sq, map[string]any{"securityQuestions": with(strings.Repeat("b", 101))})
	h.mustDo(200, http.MethodPatch, sq, map[string]any{"securityQuestions": with(strings.Repeat("b", 100))})

	// Another policy: two questions, answers of at least 3.
	h2 := newHarness(t, Config{SecurityQuestionsToSetUp: 2, SecurityAnswerMinLength: 3})
	u2 := h2.newUser("sid")
	h2.mustDo(200, http.MethodPatch, h2.enrollSecurityQuestions(u2), map[string]any{"securityQuestions": []map[string]any{
		{"id": "FavoriteBook", "answer": "abc"}, {"id": "FirstCar", "answer": "xyz"}}})
}

// Item 10: the TOTP settings are the verifier's: an 8-digit SHA256 code of a 60 s step is
// accepted two steps away with tolerance 2, and not three.
func TestTOTPToleranceSetting(t *testing.T) {
	h := newHarness(t, Config{TOTPPeriod: time.Minute, TOTPDigits: 8, TOTPAlgorithm: "SHA256", TOTPTolerance: 2, MaxFailedAttempts: 20})
	u := h.newUser("tara")
	h.enroll(u, map[string]any{"method": "TOTP", "offlineTOTP": "true", "skipFactorVerification": "true", "sharedSecret": secret160})
	verify := func(steps int) int {
		v1 := h.initiate(u)
		st, _, _ := h.do(http.MethodPatch, requestPath(v1), map[string]any{"otpCode": h.totpAt(secret160, h.clock.Now().Add(time.Duration(steps)*time.Minute)), "requestState": v1["requestState"]})
		return st
	}
	if st := verify(-3); st != 401 {
		t.Errorf("three steps back: %d, want 401", st)
	}
	if st := verify(-2); st != 200 {
		t.Errorf("two steps back: %d, want 200", st)
	}
	if st := verify(3); st != 401 {
		t.Errorf("three steps ahead: %d, want 401", st)
	}
	if st := verify(2); st != 200 {
		t.Errorf("two steps ahead: %d, want 200", st)
	}
}

// Item 10: a user at the domain's device limit cannot start another enrollment, on /mfa/v1
// (AUTH-1005) or self-service.
func TestDeviceLimit(t *testing.T) {
	h := newHarness(t, Config{MaxEnrolledDevices: 1})
	uid, tok := h.selfUser("dina")
	h.enrolledSMS(uid, "7700900001")
	h.expectError(400, "AUTH-1005", http.MethodPost, factorsPath(uid), map[string]any{"method": "EMAIL"})
	h.expectError(400, "AUTH-1005", http.MethodPost, factorsPath(uid), map[string]any{"method": "TOTP", "offlineTOTP": true})
	h.wantMyError(tok, 400, msgMaxDevices, http.MethodPost, pathEnroller, enrollerBody(uid, "EMAIL"))
	h.wantMyError(tok, 400, msgMaxDevices, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", "7700900009"))
	// The number already enrolled still gets its own answer, not the limit's.
	h.expectError(400, "AUTH-1031", http.MethodPost, factorsPath(uid), map[string]any{"method": "SMS", "countryCode": "+44", "mobileNumber": "7700900001"})
	// Security questions are not a device.
	h.mustDo(200, http.MethodPost, factorsPath(uid), map[string]any{"method": "SECURITY_QUESTIONS"})
}

// Item 10: userEnrollmentDisabledFactors refuses self-service enrollment of those factors;
// an administrator still enrolls them through /mfa/v1.
func TestUserEnrollmentDisabledFactors(t *testing.T) {
	h := newHarness(t, Config{UserEnrollmentDisabledFactors: []string{"SMS", "OFFLINETOTP"}})
	uid, tok := h.selfUser("ulla")
	h.wantMyError(tok, 401, msgUserEnrollDisabled, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", "7700900002"))
	h.wantMyError(tok, 401, msgUserEnrollDisabled, http.MethodPost, pathEnroller, enrollerBody(uid, "TOTP", "isDeviceOffline", true))
	h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "TOTP"))
	h.enrollSMS(uid, "7700900002")
}

// Item 4: at most bypassCodeSettings.maxActive unused codes, of bypassCodeSettings.length
// digits; the list honours count.
func TestMyBypassCodesLimitAndPaging(t *testing.T) {
	h := newHarness(t, Config{BypassCodeMaxActive: 3, BypassCodeLength: 16})
	uid, tok := h.selfUser("bea")
	body := map[string]any{"schemas": []string{scimBypassCodeSchema}, "user": map[string]any{"value": uid}}
	for range 3 {
		if c := h.my(tok, 201, http.MethodPost, "/admin/v1/MyBypassCodes", body); len(c["code"].(string)) != 16 {
			t.Fatalf("code %v is not 16 digits", c["code"])
		}
	}
	h.wantMyError(tok, 400, msgMaxBypassCodes, http.MethodPost, "/admin/v1/MyBypassCodes", body)
	l := h.my(tok, 200, http.MethodGet, "/admin/v1/MyBypassCodes?count=2", nil)
	if l["totalResults"] != float64(3) || len(l["Resources"].([]any)) != 2 || l["itemsPerPage"] != float64(2) {
		t.Errorf("count=2: totalResults %v, %d resources, itemsPerPage %v", l["totalResults"], len(l["Resources"].([]any)), l["itemsPerPage"])
	}
	s := h.my(tok, 200, http.MethodPost, "/admin/v1/MyBypassCodes/.search", map[string]any{"schemas": []string{scimSearchSchema}, "startIndex": 3, "count": 5})
	if len(s["Resources"].([]any)) != 1 {
		t.Errorf(".search startIndex 3: %d resources", len(s["Resources"].([]any)))
	}
}

// Item 6: the password policy locks the user after its maximum of wrong passwords; the right
// password then gets no token.
func TestPasswordGrantLockout(t *testing.T) {
	h := newHarness(t, Config{PasswordMaxIncorrectAttempts: 3})
	for i := range 3 {
		if st, m := h.passwordGrant(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret, "alice", "wrong"); st != 400 || m["error"] != "invalid_grant" {
			t.Fatalf("wrong password %d: %d %v", i+1, st, m)
		}
	}
	if st, m := h.passwordGrant(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret, "alice", DemoPassword); st != 400 || m["error_description"] != "The user account is locked." {
		t.Fatalf("right password after the lockout: %d %v", st, m)
	}
	if err := h.s.SetLocked(AliceID, false); err != nil {
		t.Fatal(err)
	}
	h.userToken("alice", DemoPassword)
	// Two wrong, one right: the count starts again.
	h.passwordGrant(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret, "bob", "wrong")
	h.passwordGrant(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret, "bob", "wrong")
	h.userToken("bob", DemoPassword)
	h.passwordGrant(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret, "bob", "wrong")
	h.userToken("bob", DemoPassword)
}

// Config.Validate gives Oracle's ranges for the policy settings.
func TestPolicyValidation(t *testing.T) {
	for _, c := range []Config{
		{TOTPTolerance: 4}, {MaxEnrolledDevices: 21}, {BypassCodeLength: 7}, {BypassCodeMaxActive: 7},
		{SecurityQuestionsToSetUp: 2, SecurityQuestionsToAnswer: 3}, {SecurityAnswerMaxLength: 101},
		{SecurityAnswerMinLength: 50, SecurityAnswerMaxLength: 40}, {MFAEnrollmentType: "sometimes"},
		{UserEnrollmentDisabledFactors: []string{"BYPASSCODE"}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
