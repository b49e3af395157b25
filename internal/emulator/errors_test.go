package emulator

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestUnknownUserIs404AUTH3018(t *testing.T) {
	h := newHarness(t, Config{})
	ghost := "0123456789abcdef0123456789abcdef"
	h.expectError(404, "AUTH-3018", http.MethodGet, factorsPath(ghost), nil)
	h.expectError(404, "AUTH-3018", http.MethodPost, factorsPath(ghost), map[string]any{"method": "EMAIL"})
	h.expectError(404, "AUTH-3018", http.MethodGet, "/mfa/v1/users?userId=nobody&userIdType=USER_NAME&attributes=factors", nil)
	h.expectError(404, "AUTH-3018", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": "nobody", "userIdType": "USER_NAME"})
}

func TestLockedUserIsRefusedWithAUTH1010(t *testing.T) {
	h := newHarness(t, Config{Users: []User{{ID: AliceID, UserName: "alice", Email: "alice@example.com", Locked: true}}})
	h.expectError(401, "AUTH-1010", http.MethodPost, factorsPath(AliceID), map[string]any{"method": "EMAIL"})
	h.expectError(401, "AUTH-1010", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": AliceID, "userIdType": "USER_GUID"})
	// Reading stays possible, so that Terraform can refresh a locked user's factors.
	h.mustDo(http.StatusOK, http.MethodGet, factorsPath(AliceID), nil)
}

func TestDisabledFactorIs401AUTH1125(t *testing.T) {
	h := newHarness(t, Config{EnabledFactors: []string{MethodSMS}})
	u := h.newUser("dora")
	h.expectError(401, "AUTH-1125", http.MethodPost, factorsPath(u), map[string]any{"method": "EMAIL"})
	h.expectError(400, "AUTH-1115", http.MethodPost, factorsPath(u), map[string]any{"method": "CARRIER_PIGEON"})
	h.expectError(400, "AUTH-1115", http.MethodPost, factorsPath(u), map[string]any{"method": "BYPASSCODE"})
	h.expectError(400, "AUTH-1001", http.MethodPost, factorsPath(u), map[string]any{"countryCode": "+44"})
}

func TestWrongOTPCountsAndLocksTheUser(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 3})
	u := h.newUser("erin")
	fid, rs := h.enrollSMS(u, "7700900123")
	path := factorsPath(u) + "/" + fid
	right := h.otp(u, fid)
	wrong := map[string]any{"otpCode": string('0'+(right[0]-'0'+1)%10) + right[1:], "requestState": rs}
	h.expectError(401, "AUTH-1105", http.MethodPatch, path, wrong)
	h.expectError(401, "AUTH-1105", http.MethodPatch, path, wrong)
	h.expectError(401, "AUTH-1027", http.MethodPatch, path, wrong) // the attempt that locks
	// Locked now: even the right passcode is refused.
	h.expectError(401, "AUTH-1010", http.MethodPatch, path, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})
	h.expectError(401, "AUTH-1010", http.MethodPost, factorsPath(u), map[string]any{"method": "EMAIL"})
	// An administrator unlocks; the pending enrollment can then finish.
	h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/users/"+u+"/unlock", nil)
	h.mustDo(http.StatusOK, http.MethodPatch, path, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})
}

func TestSuccessResetsFailedAttempts(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 2})
	u := h.newUser("fred")
	fid, rs := h.enrollSMS(u, "7700900124")
	path := factorsPath(u) + "/" + fid
	h.expectError(401, "AUTH-1105", http.MethodPatch, path, map[string]any{"otpCode": "x", "requestState": rs})
	h.mustDo(http.StatusOK, http.MethodPatch, path, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})
	v1 := h.initiate(u)
	h.expectError(401, "AUTH-1105", http.MethodPatch, requestPath(v1), map[string]any{"otpCode": "x", "requestState": v1["requestState"]})
}

func TestRequestStateExpiredForeignTamperedAndSuperseded(t *testing.T) {
	h := newHarness(t, Config{RequestStateTTL: time.Minute, OTPValidity: time.Hour})
	u := h.newUser("gina")
	other := h.newUser("hank")
	fid, rs := h.enrollSMS(u, "7700900125")
	ofid, ors := h.enrollSMS(other, "7700900126")
	path := factorsPath(u) + "/" + fid
	otp := h.otp(u, fid)

	// Another factor's (or user's) requestState is foreign.
	h.expectError(401, "AUTH-1120", http.MethodPatch, path, map[string]any{"otpCode": otp, "requestState": ors})
	// A tampered one.
	tampered := rs[:len(rs)-4] + "AAAA"
	h.expectError(401, "AUTH-1120", http.MethodPatch, path, map[string]any{"otpCode": otp, "requestState": tampered})
	h.expectError(401, "AUTH-1120", http.MethodPatch, path, map[string]any{"otpCode": otp, "requestState": "not base64 at all"})
	// A missing one.
	h.expectError(400, "AUTH-1001", http.MethodPatch, path, map[string]any{"otpCode": otp})

	// Resend: new requestState, new OTP, the old requestState stops working, same factorId.
	m := h.mustDo(http.StatusOK, http.MethodPatch, path, map[string]any{"resendOtp": "true", "requestState": rs})
	if m["factorId"] != fid || m["requestState"] == rs || m["requestState"] == "" {
		t.Fatalf("resend answer: %v", m)
	}
	if h.otp(u, fid) == otp {
		t.Fatalf("resend kept the same OTP")
	}
	if n := len(h.s.Messages(u)); n != 2 {
		t.Fatalf("outbox has %d messages for the user after a resend, want 2", n)
	}
	h.expectError(401, "AUTH-1120", http.MethodPatch, path, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})

	// Expiry.
	h.clock.Advance(2 * time.Minute)
	h.expectError(401, "AUTH-1117", http.MethodPatch, factorsPath(other)+"/"+ofid, map[string]any{"otpCode": h.otp(other, ofid), "requestState": ors})
}

func TestExpiredOTPIsRejected(t *testing.T) {
	h := newHarness(t, Config{OTPValidity: time.Minute})
	u := h.newUser("ivan")
	fid, rs := h.enrollSMS(u, "7700900127")
	h.clock.Advance(2 * time.Minute)
	h.expectError(401, "AUTH-1105", http.MethodPatch, factorsPath(u)+"/"+fid, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})
}

func TestEnrolledFactorRefusesPasscodeAndResend(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("jill")
	fid, rs := h.enrollSMS(u, "7700900128")
	path := factorsPath(u) + "/" + fid
	h.mustDo(http.StatusOK, http.MethodPatch, path, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})
	h.expectError(400, "AUTH-1111", http.MethodPatch, path, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})
	h.expectError(400, "AUTH-1111", http.MethodPatch, path, map[string]any{"resendOtp": true, "requestState": rs})
	// Same number again: AUTH-1031; EMAIL twice: AUTH-1003.
	h.expectError(400, "AUTH-1031", http.MethodPost, factorsPath(u), map[string]any{"method": "SMS", "countryCode": "+44", "mobileNumber": "7700900128"})
	h.emailSkip(u)
	h.expectError(400, "AUTH-1003", http.MethodPost, factorsPath(u), map[string]any{"method": "EMAIL"})
}

func TestUnknownFactorIs404AUTH1014(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("kate")
	other := h.newUser("liam")
	ofid := h.enrolledSMS(other, "7700900129")
	h.expectError(404, "AUTH-1014", http.MethodGet, factorsPath(u)+"/"+ofid, nil) // another user's factor
	h.expectError(404, "AUTH-1014", http.MethodGet, factorsPath(u)+"/ffffffffffffffffffffffffffffffff", nil)
	h.expectError(404, "AUTH-1014", http.MethodDelete, factorsPath(u)+"/"+ofid, nil)
	h.expectError(404, "AUTH-1014", http.MethodPatch, factorsPath(u)+"/"+ofid, map[string]any{"otpCode": "1"})
}

func TestInvalidPhoneNumber(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("mona")
	for _, tc := range []struct{ cc, num string }{{"+44", "12"}, {"+44", "12345abc"}, {"44x", "1122334455"}, {"+0", "1122334455"}, {"+44", "1234567890123456"}} {
		h.expectError(400, "AUTH-1030", http.MethodPost, factorsPath(u), map[string]any{"method": "SMS", "countryCode": tc.cc, "mobileNumber": tc.num})
	}
	if n := len(h.s.Factors(u)); n != 0 {
		t.Fatalf("refused enrollments left %d factors", n)
	}
}

func TestRolesAreEnforced(t *testing.T) {
	h := newHarness(t, Config{Clients: []Client{
		{ID: "mfa", Secret: "s1", Roles: []string{RoleMFAClient}},
		{ID: "auth", Secret: "s2", Roles: []string{RoleAuthenticatorClient}},
		{ID: "admin", Secret: "s3", Roles: []string{RoleUserAdmin}},
		{ID: DefaultClientID, Secret: DefaultClientSecret, Roles: []string{RoleMFAClient, RoleUserAdmin}},
	}})
	u := h.newUser("nina")
	fid := h.emailSkip(u)
	authTok, adminTok, mfaTok := h.tokenFor("auth", "s2"), h.tokenFor("admin", "s3"), h.tokenFor("mfa", "s1")

	// Authenticator Client: read and verify only.
	if st, _, raw := h.doWith(authTok, http.MethodGet, factorsPath(u), nil); st != 200 {
		t.Fatalf("authenticator client E1: %d %s", st, raw)
	}
	if st, _, raw := h.doWith(authTok, http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": u, "userIdType": "USER_GUID"}); st != 200 {
		t.Fatalf("authenticator client V1: %d %s", st, raw)
	}
	h.expectErrorWith(authTok, 401, "AUTH-1034", http.MethodPost, factorsPath(u), map[string]any{"method": "EMAIL"})
	h.expectErrorWith(authTok, 401, "AUTH-1034", http.MethodDelete, factorsPath(u)+"/"+fid, nil)
	h.expectErrorWith(authTok, 401, "AUTH-1034", http.MethodPatch, "/mfa/v1/users/"+u, map[string]any{"disableMFA": true})
	// User Administrator alone cannot use /mfa/v1; MFA Client alone cannot use SCIM.
	h.expectErrorWith(adminTok, 401, "AUTH-1034", http.MethodGet, factorsPath(u), nil)
	if st, m, _ := h.doWith(mfaTok, http.MethodGet, "/admin/v1/Users", nil); st != 403 || m["status"] != "403" {
		t.Fatalf("MFA Client on SCIM: %d %v", st, m)
	}
	if st, _, _ := h.doWith(adminTok, http.MethodGet, "/admin/v1/Users", nil); st != 200 {
		t.Fatalf("User Administrator on SCIM: %d", st)
	}
	if len(h.s.Factors(u)) != 1 {
		t.Fatalf("a refused call changed the factors: %+v", h.s.Factors(u))
	}
}

func TestTokenErrorsAndExpiry(t *testing.T) {
	h := newHarness(t, Config{TokenLifetime: time.Minute})
	u := h.newUser("olga")
	form := "grant_type=client_credentials&scope=urn%3Aopc%3Aidm%3A__myscopes__"
	post := func(user, pass, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, h.hs.URL+"/oauth2/v1/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := h.hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		buf := new(strings.Builder)
		_, _ = io.Copy(buf, resp.Body)
		return resp.StatusCode, buf.String()
	}
	if st, body := post(DefaultClientID, "wrong", form); st != 401 || !strings.Contains(body, `"invalid_client"`) || strings.Contains(body, "wrong") {
		t.Fatalf("wrong secret: %d %s", st, body)
	}
	if st, body := post("", "", form); st != 401 || !strings.Contains(body, "invalid_client") {
		t.Fatalf("no credentials: %d %s", st, body)
	}
	if st, body := post(DefaultClientID, DefaultClientSecret, "grant_type=authorization_code&scope=urn%3Aopc%3Aidm%3A__myscopes__"); st != 400 || !strings.Contains(body, "unsupported_grant_type") {
		t.Fatalf("authorization code grant: %d %s", st, body)
	}
	if st, body := post(DefaultClientID, DefaultClientSecret, "grant_type=client_credentials&scope=openid"); st != 400 || !strings.Contains(body, "invalid_scope") {
		t.Fatalf("wrong scope: %d %s", st, body)
	}
	// A shorter lifetime can be asked for with urn:opc:resource:expiry.
	if st, body := post(DefaultClientID, DefaultClientSecret, form+"+urn%3Aopc%3Aresource%3Aexpiry%3D30"); st != 200 || !strings.Contains(body, `"expires_in":30`) {
		t.Fatalf("expiry scope: %d %s", st, body)
	}

	h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
	h.expectErrorWith("", 401, "AUTH-1110", http.MethodGet, factorsPath(u), nil)
	h.expectErrorWith("bogus", 401, "AUTH-1110", http.MethodGet, factorsPath(u), nil)
	h.clock.Advance(61 * time.Second)
	h.expectError(401, "AUTH-1110", http.MethodGet, factorsPath(u), nil)
	if st, m, _ := h.do(http.MethodGet, "/admin/v1/Users", nil); st != 401 || m["status"] != "401" {
		t.Fatalf("expired token on SCIM: %d %v", st, m)
	}
}

func TestBadBodiesGet400NeverPanicOr500(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("pia")
	fid, _ := h.enrollSMS(u, "7700900130")
	cases := []struct {
		path, method, body, code string
	}{
		{factorsPath(u), http.MethodPost, ``, "AUTH-1033"},
		{factorsPath(u), http.MethodPost, `{"method":`, "AUTH-1121"},
		{factorsPath(u), http.MethodPost, `[1,2]`, "AUTH-1121"},
		{factorsPath(u), http.MethodPost, `{"method":5}`, "AUTH-1121"},
		{factorsPath(u), http.MethodPost, `{"method":"SMS","skipFactorVerification":"maybe"}`, "AUTH-1121"},
		{factorsPath(u), http.MethodPost, `{"method":"EMAIL"} {"method":"SMS"}`, "AUTH-1121"},
		{factorsPath(u), http.MethodPost, `{"method":"EMAIL","x":` + strings.Repeat("1", MaxBodyBytes) + `}`, "AUTH-1033"},
		{factorsPath(u) + "/" + fid, http.MethodPatch, `{"securityQuestions":"all"}`, "AUTH-1121"},
		{factorsPath(u) + "/" + fid, http.MethodPatch, `{"otpCode":{"a":1}}`, "AUTH-1121"},
		{"/mfa/v1/users/" + u, http.MethodPatch, `{"disableMFA":[]}`, "AUTH-1121"},
		{"/mfa/v1/requests", http.MethodPost, `{"userId":null,"userIdType":7}`, "AUTH-1121"},
		{"/mfa/v1/requests/abc", http.MethodPatch, `nul`, "AUTH-1121"},
	}
	for _, c := range cases {
		h.expectError(400, c.code, c.method, c.path, c.body)
	}
	// Unknown fields are ignored and a numeric passcode is taken as its digits.
	h.mustDo(http.StatusOK, http.MethodPost, factorsPath(u), map[string]any{"method": "EMAIL", "nickname": "home", "skipFactorVerification": true})
}

func TestSkipFactorVerificationAcceptsBooleanAndString(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("quinn")
	a := h.enroll(u, map[string]any{"method": "SMS", "countryCode": "+1", "mobileNumber": "5551234567", "skipFactorVerification": true})
	b := h.enroll(u, map[string]any{"method": "EMAIL", "skipFactorVerification": "TRUE"})
	for _, m := range []map[string]any{a, b} {
		if m["factorStatus"] != StatusEnrolled || m["requestState"] != nil {
			t.Fatalf("skip did not enroll at once: %v", m)
		}
	}
	if a["displayName"] != "+1XXXXXXX567" {
		t.Fatalf("masked display name %v", a["displayName"])
	}
	if n := len(h.s.Messages(u)); n != 0 {
		t.Fatalf("skip sent %d messages", n)
	}
	h.expectError(400, "AUTH-1111", http.MethodPost, factorsPath(u), map[string]any{"method": "PUSH", "skipFactorVerification": true})
}

func TestTokenAcceptsFormEncodedBasicCredentials(t *testing.T) {
	h := newHarness(t, Config{Clients: []Client{
		{ID: DefaultClientID, Secret: DefaultClientSecret, Roles: []string{RoleMFAClient}},
		{ID: "app+1", Secret: "s3cr/t+=", Roles: []string{RoleMFAClient}},
	}})
	// Raw, and form-encoded as RFC 6749 (and golang.org/x/oauth2) send them.
	h.tokenFor("app+1", "s3cr/t+=")
	h.tokenFor(url.QueryEscape("app+1"), url.QueryEscape("s3cr/t+="))
}
