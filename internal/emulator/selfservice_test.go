package emulator

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPasswordGrant(t *testing.T) {
	h := newHarness(t, Config{})
	if _, err := h.s.AddUser(User{UserName: "mfa.user", Email: "m@example.com", Password: "pw-mfa", MFARequired: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.AddUser(User{UserName: "locked.user", Email: "l@example.com", Password: "pw-locked", Locked: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.AddUser(User{UserName: "no.password", Email: "n@example.com"}); err != nil {
		t.Fatal(err)
	}
	ss, sss := DefaultSelfServiceClientID, DefaultSelfServiceClientSecret
	for _, tc := range []struct {
		what, client, secret, user, password string
		status                               int
		code, description                    string
	}{
		{"demo user", ss, sss, "ALICE", DemoPassword, 200, "", ""},
		{"wrong password", ss, sss, "alice", "nope", 400, "invalid_grant", "The user name or password is incorrect."},
		{"unknown user", ss, sss, "nobody", "nope", 400, "invalid_grant", "The user name or password is incorrect."},
		{"user without a password", ss, sss, "no.password", "", 400, "invalid_request", ""},
		{"user without a password, one sent", ss, sss, "no.password", "x", 400, "invalid_grant", "The user name or password is incorrect."},
		{"locked user", ss, sss, "locked.user", "pw-locked", 400, "invalid_grant", "The user account is locked."},
		{"user who must use MFA", ss, sss, "mfa.user", "pw-mfa", 400, "invalid_grant", mfaRequiredDescription},
		{"client without the Me role", DefaultClientID, DefaultClientSecret, "alice", DemoPassword, 400, "unauthorized_client", ""},
		{"wrong client secret", ss, "nope", "alice", DemoPassword, 401, "invalid_client", ""},
	} {
		st, m := h.passwordGrant(tc.client, tc.secret, tc.user, tc.password)
		if st != tc.status || (tc.code != "" && m["error"] != tc.code) || (tc.description != "" && m["error_description"] != tc.description) {
			t.Errorf("%s: %d %v, want %d %s %q", tc.what, st, m, tc.status, tc.code, tc.description)
		}
		if tc.status == 200 && (m["token_type"] != "Bearer" || m["expires_in"] != float64(3600)) {
			t.Errorf("%s: token answer %v", tc.what, m)
		}
		if desc, _ := m["error_description"].(string); tc.password != "" && strings.Contains(desc, tc.password) {
			t.Errorf("%s: the description repeats the password", tc.what)
		}
	}
	// The token acts for alice: Me is alice.
	tok := h.userToken("alice", DemoPassword)
	if me := h.my(tok, 200, http.MethodGet, "/admin/v1/Me", nil); me["id"] != AliceID || me["userName"] != "alice" {
		t.Fatalf("Me: %v", me)
	}
	// A user token is refused on /mfa/v1 (AUTH-1034) and on the Users administration (403).
	h.expectErrorWith(tok, 401, "AUTH-1034", http.MethodGet, factorsPath(AliceID), nil)
	h.expectErrorWith(tok, 401, "AUTH-1034", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": AliceID})
	if st, _, raw := h.doWith(tok, http.MethodGet, "/admin/v1/Users", nil); st != 403 {
		t.Fatalf("user token on /admin/v1/Users: %d %s", st, raw)
	}
	// It expires like any token.
	h.clock.Advance(3601e9)
	h.wantMyError(tok, 401, "error.common.common.invalidToken", http.MethodGet, "/admin/v1/Me", nil)
}

func TestMyEndpointsRefuseOtherTokens(t *testing.T) {
	h := newHarness(t, Config{})
	calls := []struct{ method, path string }{
		{http.MethodGet, "/admin/v1/Me"},
		{http.MethodPatch, "/admin/v1/Me"},
		{http.MethodPost, pathEnroller},
		{http.MethodPost, pathInitiator},
		{http.MethodPost, pathValidator},
		{http.MethodPost, pathRemover},
		{http.MethodGet, pathMyDevices},
		{http.MethodGet, pathMyDevices + "/0123456789abcdef0123456789abcdef"},
		{http.MethodDelete, pathMyDevices + "/0123456789abcdef0123456789abcdef"},
		{http.MethodPatch, pathMyDevices + "/0123456789abcdef0123456789abcdef"},
		{http.MethodPost, "/admin/v1/MyBypassCodes"},
		{http.MethodGet, "/admin/v1/MyBypassCodes"},
		{http.MethodPost, "/admin/v1/MyBypassCodes/.search"},
		{http.MethodGet, "/admin/v1/MyBypassCodes/0123456789abcdef0123456789abcdef"},
		{http.MethodDelete, "/admin/v1/MyBypassCodes/0123456789abcdef0123456789abcdef"},
	}
	authn := h.tokenFor(DefaultAuthenticatorClientID, DefaultAuthenticatorClientSecret)
	for _, c := range calls {
		h.wantMyError("", 401, "error.common.common.invalidToken", c.method, c.path, map[string]any{})
		h.wantMyError("emu.forged", 401, "error.common.common.invalidToken", c.method, c.path, map[string]any{})
		h.wantMyError(h.token, 403, msgNeedsUserToken, c.method, c.path, map[string]any{})
		h.wantMyError(authn, 403, msgNeedsUserToken, c.method, c.path, map[string]any{})
	}
	// A user deleted after the token was issued: the token no longer works.
	id, tok := h.selfUser("gone")
	if err := h.s.DeleteUser(id); err != nil {
		t.Fatal(err)
	}
	h.wantMyError(tok, 401, "error.common.common.invalidToken", http.MethodGet, "/admin/v1/Me", nil)
}

func TestMySMSEnrollmentSharesStateWithMFA(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	m := h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", "1122334455", "displayName", "Joe's Personal Phone"))
	dev, rid := m["deviceId"].(string), m["requestId"].(string)
	if m["phoneNumber"] != "XXXXXXX455" || m["countryCode"] != "+44" || m["displayName"] != "Joe's Personal Phone" || dev == "" || rid == "" {
		t.Fatalf("enroller answer: %v", m)
	}
	if meta, _ := m["meta"].(map[string]any); meta["resourceType"] != "MyAuthenticationFactorEnroller" {
		t.Fatalf("enroller meta: %v", m["meta"])
	}
	// The device is the factor: /mfa/v1 E4 sees it pending, under the same id; nothing sent yet.
	if e4 := h.mustDo(200, http.MethodGet, factorsPath(uid)+"/"+dev, nil); e4["factorStatus"] != StatusInitiated {
		t.Fatalf("E4 of the self-service device: %v", e4)
	}
	if n := len(h.s.Messages(uid)); n != 0 {
		t.Fatalf("the enroller sent %d messages, want none", n)
	}
	// A validation before any passcode was sent is a wrong passcode.
	h.wantMyError(tok, 401, msgInvalidPasscode, http.MethodPost, pathValidator, validatorBody(dev, rid, "SMS", "123456"))
	// Nor can the out-of-band actor finish it: the user has no passcode to enter (409 on
	// /emulator/v1). The device stays pending for the Initiator.
	if err := h.s.CompleteEnrollment(uid, dev); !errors.Is(err, ErrNoPasscodeSent) {
		t.Fatalf("completing the enrollment before its passcode was sent: %v, want ErrNoPasscodeSent", err)
	}
	if got := h.mustDo(409, http.MethodPost, "/emulator/v1/users/"+uid+"/factors/"+dev+"/complete", nil); !strings.Contains(fmt.Sprint(got["error"]), "no passcode was sent") {
		t.Fatalf("POST /emulator/v1/.../complete before the passcode was sent: %v", got)
	}
	// Initiator: sends; again: resends, and only the latest passcode works.
	init := h.my(tok, 201, http.MethodPost, pathInitiator, withFields(initiatorBody(dev, rid, "SMS"), "userName", "JOE"))
	if init["deviceId"] != dev || init["requestId"] != rid || init["userName"] != "joe" || init["displayName"] != "Joe's Personal Phone" || init["authFactor"] != "SMS" {
		t.Fatalf("initiator answer: %v", init)
	}
	first := h.otp(uid, dev)
	h.my(tok, 201, http.MethodPost, pathInitiator, initiatorBody(dev, rid, "SMS"))
	msgs := h.s.Messages(uid)
	if len(msgs) != 2 || msgs[1].Channel != "SMS" || msgs[1].Recipient != "+441122334455" || msgs[1].FactorID != dev {
		t.Fatalf("outbox after send and resend: %+v", msgs)
	}
	second := msgs[1].OTP
	if first != second {
		h.wantMyError(tok, 401, msgInvalidPasscode, http.MethodPost, pathValidator, validatorBody(dev, rid, "SMS", first))
	}
	// A requestId of another enrollment, another user's device, a method the device lacks.
	h.wantMyError(tok, 400, msgInvalidRequestID, http.MethodPost, pathValidator, validatorBody(dev, "not-this-one", "SMS", second))
	h.wantMyError(tok, 400, msgUnsupportedAuthnType, http.MethodPost, pathValidator, validatorBody(dev, rid, "EMAIL", second))
	bobTok := h.userToken("bob", DemoPassword)
	h.wantMyError(bobTok, 400, msgInvalidReference, http.MethodPost, pathValidator, validatorBody(dev, rid, "SMS", second))
	h.wantMyError(bobTok, 400, msgInvalidReference, http.MethodPost, pathInitiator, initiatorBody(dev, rid, "SMS"))
	h.wantMyError(tok, 400, msgInvalidReference, http.MethodPost, pathInitiator, withFields(initiatorBody(dev, rid, "SMS"), "userName", "bob"))
	// A passcode past -otp-validity is a wrong one; a new send gives a fresh one.
	h.clock.Advance(h.s.cfg.OTPValidity + 1e9)
	h.wantMyError(tok, 401, msgInvalidPasscode, http.MethodPost, pathValidator, validatorBody(dev, rid, "SMS", second))
	h.my(tok, 201, http.MethodPost, pathInitiator, initiatorBody(dev, rid, "SMS"))
	second = h.otp(uid, dev)
	// The right passcode enrolls the device.
	v := h.my(tok, 201, http.MethodPost, pathValidator, validatorBody(dev, rid, "SMS", second))
	if v["status"] != "SUCCESS" || v["mfaStatus"] != "ENROLLED" || v["mfaPreferredDevice"] != dev || v["mfaPreferredAuthenticationFactor"] != "SMS" ||
		v["devicesCount"] != float64(1) || v["emailFactorEnrolled"] != false || v["securityQuestionsPresent"] != false {
		t.Fatalf("validator answer: %v", v)
	}
	if _, echoed := v["otpCode"]; echoed {
		t.Fatalf("the validator echoed the passcode: %v", v)
	}
	// /mfa/v1 lists it; a second passcode or send is refused as already enrolled.
	e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil)
	if fs, _ := e1["factors"].([]any); len(fs) != 1 || fs[0].(map[string]any)["factorId"] != dev || e1["preferredFactorId"] != dev {
		t.Fatalf("E1 after self-service enrollment: %v", e1)
	}
	h.wantMyError(tok, 400, msgAlreadyEnrolled, http.MethodPost, pathValidator, validatorBody(dev, rid, "SMS", second))
	h.wantMyError(tok, 400, msgAlreadyEnrolled, http.MethodPost, pathInitiator, initiatorBody(dev, rid, "SMS"))
	// The same number again: refused.
	h.wantMyError(tok, 400, msgPhoneEnrolled, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", "1122334455"))
}

func TestMyEnrollerRefusals(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	h.wantMyError(tok, 400, msgInvalidPhoneNumber, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", "12ab"))
	h.wantMyError(tok, 400, "error.common.validation.missingRequiredAttribute", http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44"))
	h.wantMyError(tok, 400, msgInvalidReference, http.MethodPost, pathEnroller, enrollerBody(AliceID, "EMAIL"))
	h.wantMyError(tok, 400, msgUnsupportedAuthnType, http.MethodPost, pathEnroller, enrollerBody(uid, "BYPASSCODE"))
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPost, pathEnroller, map[string]any{"user": map[string]any{"value": uid}, "authnFactors": []string{"EMAIL"}})
	h.wantMyError(tok, 400, "error.common.common.invalidJSON", http.MethodPost, pathEnroller, `{"schemas":`)
	h.s.SetEnabledFactors([]string{MethodEmail})
	h.wantMyError(tok, 401, msgFactorDisabled, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", "1122334455"))
	if n := len(h.s.Factors(uid)); n != 0 {
		t.Fatalf("refused enrollments left %d factors", n)
	}
}

func TestMyEmailAndOfflineTOTP(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	dev, rid := h.ssSent(ssContext{uid: uid, tok: tok}, "EMAIL")
	if msgs := h.s.Messages(uid); len(msgs) != 1 || msgs[0].Channel != "EMAIL" || msgs[0].Recipient != "joe@example.com" {
		t.Fatalf("outbox: %+v", msgs)
	}
	h.my(tok, 201, http.MethodPost, pathValidator, validatorBody(dev, rid, "EMAIL", h.otp(uid, dev)))
	h.wantMyError(tok, 400, msgAlreadyEnrolled, http.MethodPost, pathEnroller, enrollerBody(uid, "EMAIL"))

	// Offline TOTP: the secret is in the base64 QR content; the app's code enrolls it, no initiator.
	m := h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "TOTP", "isDeviceOffline", true))
	dev, rid = m["deviceId"].(string), m["requestId"].(string)
	if m["isDeviceOffline"] != true || m["qrCodeImgType"] != "PNG" || m["displayName"] != "Joe's Phone" {
		t.Fatalf("TOTP enroller answer: %v", m)
	}
	uri, err := base64.StdEncoding.DecodeString(m["qrCodeContent"].(string))
	if err != nil || !strings.HasPrefix(string(uri), "otpauth://totp/") {
		t.Fatalf("qrCodeContent %q: %v", uri, err)
	}
	img, err := base64.StdEncoding.DecodeString(m["qrCodeImgContent"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if png, err := base64.StdEncoding.DecodeString(string(img)); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("qrCodeImgContent is not base64 of a base64 PNG: %v", err)
	}
	u, _ := url.Parse(string(uri))
	secret := u.Query().Get("secret")
	h.wantMyError(tok, 400, msgUnsupportedAuthnType, http.MethodPost, pathInitiator, initiatorBody(dev, rid, "TOTP"))
	h.wantMyError(tok, 400, "error.common.validation.missingRequiredAttribute", http.MethodPost, pathValidator, validatorBody(dev, rid, "TOTP", ""))
	v := h.my(tok, 201, http.MethodPost, pathValidator, validatorBody(dev, rid, "TOTP", h.totpAt(secret, h.clock.Now())))
	// As Oracle's Offline OTP Step 2 sample: the device just validated is the preferred one.
	if v["devicesCount"] != float64(2) || v["emailFactorEnrolled"] != true || v["mfaPreferredAuthenticationFactor"] != "TOTP" || v["mfaPreferredDevice"] != dev {
		t.Fatalf("validator after EMAIL and TOTP: %v", v)
	}
	if fs := h.s.Factors(uid); len(fs) != 2 || fs[1].ID != dev || fs[1].Status != StatusEnrolled || fs[1].Method != MethodTOTP {
		t.Fatalf("factors: %+v", fs)
	}
}

func TestMyPushEnrollmentPoll(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	m := h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "PUSH"))
	dev, rid := m["deviceId"].(string), m["requestId"].(string)
	if fs, _ := m["authnFactors"].([]any); len(fs) != 2 || fs[0] != "PUSH" || fs[1] != "TOTP" || m["isDeviceOffline"] != false {
		t.Fatalf("PUSH enroller answer: %v", m)
	}
	h.wantMyError(tok, 404, msgAuthStatusNotFound, http.MethodPost, pathValidator, validatorBody(dev, rid, "PUSH", ""))
	if err := h.s.CompleteEnrollment(uid, dev); err != nil {
		t.Fatal(err)
	}
	if v := h.my(tok, 201, http.MethodPost, pathValidator, validatorBody(dev, rid, "PUSH", "")); v["status"] != "SUCCESS" || v["mfaPreferredAuthenticationFactor"] != "PUSH" {
		t.Fatalf("PUSH poll after approval: %v", v)
	}
}

func TestMyValidatorLockout(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 3})
	uid, tok := h.selfUser("joe")
	dev, rid := h.ssSent(ssContext{uid: uid, tok: tok}, "EMAIL")
	wrong := "000000"
	if h.otp(uid, dev) == wrong {
		wrong = "111111"
	}
	h.wantMyError(tok, 401, msgInvalidPasscode, http.MethodPost, pathValidator, validatorBody(dev, rid, "EMAIL", wrong))
	// Wrong self-service passcodes and wrong /mfa/v1 ones count towards the same lockout.
	if me := h.my(tok, 200, http.MethodGet, "/admin/v1/Me", nil); me[scimMFAExtension].(map[string]any)["loginAttempts"] != float64(1) {
		t.Fatalf("loginAttempts after one wrong passcode: %v", me[scimMFAExtension])
	}
	h.wantMyError(tok, 401, msgInvalidPasscode, http.MethodPost, pathValidator, validatorBody(dev, rid, "EMAIL", wrong))
	h.wantMyError(tok, 401, msgMaxAttempts, http.MethodPost, pathValidator, validatorBody(dev, rid, "EMAIL", wrong))
	h.wantMyError(tok, 401, msgUserLocked, http.MethodPost, pathValidator, validatorBody(dev, rid, "EMAIL", h.otp(uid, dev)))
	h.wantMyError(tok, 401, msgUserLocked, http.MethodPost, pathInitiator, initiatorBody(dev, rid, "EMAIL"))
	h.wantMyError(tok, 401, msgUserLocked, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", "1122334455"))
	h.wantMyError(tok, 401, msgUserLocked, http.MethodPatch, "/admin/v1/Me", map[string]any{"schemas": []string{scimPatchOpSchema},
		"Operations": []any{map[string]any{"op": "replace", "path": mePreferredFactor, "value": "EMAIL"}}})
	h.expectError(401, "AUTH-1010", http.MethodPost, factorsPath(uid), map[string]any{"method": "SMS", "countryCode": "+44", "mobileNumber": "1122334455"})
	// Reads, deletes and the remover still work, and the locked user gets no new token.
	h.my(tok, 200, http.MethodGet, pathMyDevices, nil)
	h.my(tok, 200, http.MethodGet, "/admin/v1/Me", nil)
	h.my(tok, 204, http.MethodDelete, pathMyDevices+"/"+dev, nil)
	if st, m := h.passwordGrant(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret, "joe", "Passw0rd-joe"); st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("password grant of a locked user: %d %v", st, m)
	}
}

func TestMyDevices(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	sms := h.mySMS(tok, uid, "1122334455")
	// A factor enrolled by an administrator through /mfa/v1 is one of the user's devices.
	email := h.emailSkip(uid)
	pending := h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "TOTP", "isDeviceOffline", true))["deviceId"].(string)
	list := h.my(tok, 200, http.MethodGet, pathMyDevices, nil)
	res, _ := list["Resources"].([]any)
	if list["totalResults"] != float64(3) || len(res) != 3 || list["itemsPerPage"] != float64(50) || list["startIndex"] != float64(1) {
		t.Fatalf("MyDevices: %v", list)
	}
	want := []struct{ id, status, factor, phone string }{{sms, "ENROLLED", "SMS", "1122334455"}, {email, "ENROLLED", "EMAIL", "null"}, {pending, "INITIATED", "TOTP", "null"}}
	for i, w := range want {
		d := res[i].(map[string]any)
		af := d["authenticationFactors"].([]any)[0].(map[string]any)
		if d["id"] != w.id || d["status"] != w.status || af["type"] != w.factor || d["phoneNumber"] != w.phone || d["user"].(map[string]any)["value"] != uid {
			t.Errorf("device %d: %v, want %+v", i, d, w)
		}
	}
	if page := h.my(tok, 200, http.MethodGet, pathMyDevices+"?startIndex=2&count=1", nil); page["totalResults"] != float64(3) || len(page["Resources"].([]any)) != 1 ||
		page["Resources"].([]any)[0].(map[string]any)["id"] != email {
		t.Fatalf("second page: %v", page)
	}
	if d := h.my(tok, 200, http.MethodGet, pathMyDevices+"/"+sms, nil); d["countryCode"] != "+44" || d["meta"].(map[string]any)["resourceType"] != "MyDevice" {
		t.Fatalf("GET device: %v", d)
	}
	// Another user's device, or an unknown id, is not found.
	bobTok := h.userToken("bob", DemoPassword)
	h.wantMyError(bobTok, 404, msgDeviceNotFound, http.MethodGet, pathMyDevices+"/"+sms, nil)
	h.wantMyError(bobTok, 404, msgDeviceNotFound, http.MethodDelete, pathMyDevices+"/"+sms, nil)
	h.wantMyError(tok, 404, msgDeviceNotFound, http.MethodGet, pathMyDevices+"/"+SecurityQuestionsFactorID, nil)
	h.wantMyError(tok, 501, notEmulatedMessageID, http.MethodGet, pathMyDevices+"?filter=status+eq+%22ENROLLED%22", nil)

	// Deleting: the pending device goes, then one of two enrolled; the last needs forceDelete.
	h.my(tok, 204, http.MethodDelete, pathMyDevices+"/"+pending, nil)
	h.my(tok, 204, http.MethodDelete, pathMyDevices+"/"+email, nil)
	h.expectError(404, "AUTH-1014", http.MethodGet, factorsPath(uid)+"/"+email, nil)
	h.wantMyError(tok, 400, msgOnlyDevice, http.MethodDelete, pathMyDevices+"/"+sms, nil)
	h.wantMyError(tok, 400, msgOnlyDevice, http.MethodDelete, pathMyDevices+"/"+sms+"?forceDelete=false", nil)
	h.my(tok, 204, http.MethodDelete, pathMyDevices+"/"+sms+"?forceDelete=true", nil)
	h.wantMyError(tok, 404, msgDeviceNotFound, http.MethodDelete, pathMyDevices+"/"+sms, nil)
	if fs := h.s.Factors(uid); len(fs) != 0 {
		t.Fatalf("factors after deleting every device: %+v", fs)
	}
}

func TestPatchMePreferred(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	sms := h.mySMS(tok, uid, "1122334455")
	email := h.emailSkip(uid)
	patch := func(ops ...map[string]any) map[string]any {
		return map[string]any{"schemas": []string{scimPatchOpSchema}, "Operations": ops}
	}
	factorOp := func(v string) map[string]any {
		return map[string]any{"op": "replace", "path": mePreferredFactor, "value": v}
	}
	deviceOp := func(id string) map[string]any {
		return map[string]any{"op": "replace", "path": mePreferredDevice, "value": map[string]any{"value": id}}
	}
	me := h.my(tok, 200, http.MethodPatch, "/admin/v1/Me", patch(factorOp("EMAIL"), deviceOp(email)))
	mfa := me[scimMFAExtension].(map[string]any)
	if mfa["preferredAuthenticationFactor"] != "EMAIL" || mfa["preferredDevice"].(map[string]any)["value"] != email || me["meta"].(map[string]any)["resourceType"] != "Me" {
		t.Fatalf("PATCH Me: %v", me)
	}
	if e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil); e1["preferredFactorId"] != email || e1["preferredMethod"] != "EMAIL" {
		t.Fatalf("E1 after PATCH Me: %v", e1)
	}
	// The device alone takes its method; the method alone finds its device.
	h.my(tok, 200, http.MethodPatch, "/admin/v1/Me", patch(deviceOp(sms)))
	if e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil); e1["preferredFactorId"] != sms || e1["preferredMethod"] != "SMS" {
		t.Fatalf("E1 after the device alone: %v", e1)
	}
	h.my(tok, 200, http.MethodPatch, "/admin/v1/Me", patch(factorOp("email")))
	if e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil); e1["preferredFactorId"] != email {
		t.Fatalf("E1 after the method alone: %v", e1)
	}
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPatch, "/admin/v1/Me", patch(factorOp("TOTP")))
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPatch, "/admin/v1/Me", patch(factorOp("SMS"), deviceOp(email)))
	h.wantMyError(tok, 400, msgInvalidReference, http.MethodPatch, "/admin/v1/Me", patch(deviceOp("0123456789abcdef0123456789abcdef")))
	pending := h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", "7700900123"))["deviceId"].(string)
	h.wantMyError(tok, 400, msgEnrollmentPending, http.MethodPatch, "/admin/v1/Me", patch(deviceOp(pending)))
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPatch, "/admin/v1/Me", map[string]any{"Operations": []any{factorOp("SMS")}})
	h.wantMyError(tok, 501, notEmulatedMessageID, http.MethodPatch, "/admin/v1/Me", patch(map[string]any{"op": "replace", "path": "name.givenName", "value": "Jo"}))
	if e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil); e1["preferredFactorId"] != email {
		t.Fatalf("a refused PATCH changed the preference: %v", e1)
	}
}

func TestMyAuthenticationFactorsRemover(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	h.mySMS(tok, uid, "1122334455")
	h.emailSkip(uid)
	if _, err := h.s.AddBypassCode(uid); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"schemas": []string{schemaRemover}, "user": map[string]any{"value": uid}}
	h.wantMyError(tok, 400, msgInvalidReference, http.MethodPost, pathRemover, withFields(body, "user", map[string]any{"value": AliceID}))
	h.wantMyError(tok, 501, notEmulatedMessageID, http.MethodPost, pathRemover, withFields(body, "type", "ACCOUNTRECOVERY"))
	h.my(tok, 201, http.MethodPost, pathRemover, withFields(body, "type", "KMSI"))
	if n := len(h.s.Factors(uid)); n != 2 {
		t.Fatalf("KMSI removed factors: %d left", n)
	}
	m := h.my(tok, 201, http.MethodPost, pathRemover, body)
	if m["meta"].(map[string]any)["resourceType"] != "MyAuthenticationFactorsRemover" || m["user"].(map[string]any)["value"] != uid {
		t.Fatalf("remover answer: %v", m)
	}
	if e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil); len(e1["factors"].([]any)) != 0 {
		t.Fatalf("E1 after the remover: %v", e1)
	}
	// Nothing left to remove is not an error.
	h.my(tok, 201, http.MethodPost, pathRemover, body)
}

func TestPatchMyDeviceRename(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	sms := h.mySMS(tok, uid, "1122334455")
	totp := h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "TOTP", "isDeviceOffline", true))["deviceId"].(string)
	rename := func(path string, value any) map[string]any {
		return map[string]any{"schemas": []string{scimPatchOpSchema}, "Operations": []any{map[string]any{"op": "replace", "path": path, "value": value}}}
	}
	h.clock.Advance(90e9)
	d := h.my(tok, 200, http.MethodPatch, pathMyDevices+"/"+totp, rename(scimDeviceSchema+":displayName", "  Joe's iPhone 7 "))
	meta := d["meta"].(map[string]any)
	if d["displayName"] != "Joe's iPhone 7" || meta["lastModified"] == meta["created"] {
		t.Fatalf("renamed device: %v", d)
	}
	// The factor has the new name (E1 shows it once enrolled).
	if fs := h.s.Factors(uid); len(fs) != 2 || fs[1].DisplayName != "Joe's iPhone 7" {
		t.Fatalf("factors after the rename: %+v", fs)
	}
	h.my(tok, 200, http.MethodPatch, pathMyDevices+"/"+totp, rename("displayName", "Work phone"))
	// E5's rules: phones and e-mail addresses keep their names; a blank name is refused.
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPatch, pathMyDevices+"/"+sms, rename("displayName", "Mine"))
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPatch, pathMyDevices+"/"+totp, rename("displayName", "  "))
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPatch, pathMyDevices+"/"+totp, rename("displayName", 7))
	h.wantMyError(tok, 501, notEmulatedMessageID, http.MethodPatch, pathMyDevices+"/"+totp, rename(scimDeviceSchema+":status", "INACTIVE"))
	h.wantMyError(tok, 404, msgDeviceNotFound, http.MethodPatch, pathMyDevices+"/0123456789abcdef0123456789abcdef", rename("displayName", "x"))
	if d := h.my(tok, 200, http.MethodGet, pathMyDevices+"/"+totp, nil); d["displayName"] != "Work phone" {
		t.Fatalf("device after refused renames: %v", d)
	}
	// Once enrolled, E1 lists it under the name given through self-service.
	code, _ := h.s.LastOTP(uid, totp)
	h.my(tok, 201, http.MethodPost, pathValidator, validatorBody(totp, "", "TOTP", code))
	e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil)
	if fs := e1["factors"].([]any); len(fs) != 2 || fs[1].(map[string]any)["displayName"] != "Work phone" {
		t.Fatalf("E1 after enrolling the renamed device: %v", e1)
	}
}

func TestMySecurityQuestions(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	setQuestions := func(items ...map[string]any) map[string]any {
		return map[string]any{"schemas": []string{scimPatchOpSchema}, "Operations": []any{map[string]any{"op": "add", "path": meSecQuestionsPath, "value": items}}}
	}
	q := func(id, answer string) map[string]any {
		return map[string]any{"value": id, "answer": answer, "hintText": "hint"}
	}
	sqValidator := func(answers ...map[string]any) map[string]any {
		return map[string]any{"schemas": []string{schemaValidator}, "authFactor": "SECURITY_QUESTIONS", "scenario": "ENROLLMENT", "securityQuestions": answers}
	}
	a := func(id, answer string) map[string]any { return map[string]any{"id": id, "answer": answer} }

	// Before any question is set up, there is nothing to validate.
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPost, pathValidator, sqValidator(a("FirstPet", "Bouncer")))
	// E5's rules: three questions from the catalogue; a refusal leaves no factor behind.
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPatch, "/admin/v1/Me", setQuestions(q("FirstPet", "Bouncer"), q("FirstCar", "Pinto")))
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPatch, "/admin/v1/Me", setQuestions(q("FirstPet", "Bouncer"), q("FirstCar", "Pinto"), q("NoSuchQuestion", "whatever")))
	if fs := h.s.Factors(uid); len(fs) != 0 {
		t.Fatalf("refused questions left factors: %+v", fs)
	}
	h.my(tok, 200, http.MethodPatch, "/admin/v1/Me/", setQuestions(q("FirstPet", "Bouncer"), q("FirstCar", "Ford Pinto"), q("FavoriteFood", "Chinese")))
	// /mfa/v1 lists the SecurityQuestions factor, enrolled.
	if e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil); len(e1["factors"].([]any)) != 1 || e1["factors"].([]any)[0].(map[string]any)["factorId"] != SecurityQuestionsFactorID {
		t.Fatalf("E1 after PATCH Me secQuestions: %v", e1)
	}
	// The validator wants every question, right (ignoring case and spaces); wrong answers count.
	h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodPost, pathValidator, sqValidator(a("FirstPet", "Bouncer")))
	h.wantMyError(tok, 401, msgWrongAnswer, http.MethodPost, pathValidator, sqValidator(a("FirstPet", "Bouncer"), a("FirstCar", "Ford Pinto"), a("FavoriteFood", "Thai")))
	if me := h.my(tok, 200, http.MethodGet, "/admin/v1/Me", nil); me[scimMFAExtension].(map[string]any)["loginAttempts"] != float64(1) {
		t.Fatalf("loginAttempts after a wrong answer: %v", me[scimMFAExtension])
	}
	v := h.my(tok, 201, http.MethodPost, pathValidator, sqValidator(a("FirstPet", " bouncer "), a("FirstCar", "Ford Pinto"), a("FavoriteFood", "CHINESE")))
	if v["status"] != "SUCCESS" || v["securityQuestionsPresent"] != true || v["userName"] != "joe" || v["securityQuestions"] != nil {
		t.Fatalf("security-questions validator answer: %v", v)
	}
	// The same answers verify the user through /mfa/v1 (V1, V2).
	v1 := h.initiate(uid, "factorId", SecurityQuestionsFactorID, "method", "SECURITY_QUESTIONS")
	h.mustDo(200, http.MethodPatch, requestPath(v1), map[string]any{"requestState": v1["requestState"],
		"securityQuestions": answerAsked(v1, map[string]string{"FirstPet": "Bouncer", "FirstCar": "Ford Pinto", "FavoriteFood": "Chinese"})})
}

func TestMyBypassCodes(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe")
	h.emailSkip(uid)
	create := map[string]any{"schemas": []string{scimBypassCodeSchema}, "user": map[string]any{"value": uid}}
	c1 := h.my(tok, 201, http.MethodPost, "/admin/v1/MyBypassCodes", create)
	c2 := h.my(tok, 201, http.MethodPost, "/admin/v1/MyBypassCodes", create)
	id1, code1 := c1["id"].(string), c1["code"].(string)
	if len(code1) != 12 || c1["maxUsageCount"] != float64(1) || c1["meta"].(map[string]any)["resourceType"] != "MyBypassCode" || c2["id"] == id1 {
		t.Fatalf("created codes: %v %v", c1, c2)
	}
	h.wantMyError(tok, 400, msgInvalidReference, http.MethodPost, "/admin/v1/MyBypassCodes", withFields(create, "user", map[string]any{"value": AliceID}))
	if l := h.my(tok, 200, http.MethodGet, "/admin/v1/MyBypassCodes", nil); l["totalResults"] != float64(2) {
		t.Fatalf("list: %v", l)
	}
	search := map[string]any{"schemas": []string{scimSearchSchema}}
	if l := h.my(tok, 200, http.MethodPost, "/admin/v1/MyBypassCodes/.search", search); l["totalResults"] != float64(2) {
		t.Fatalf(".search: %v", l)
	}
	h.wantMyError(tok, 501, notEmulatedMessageID, http.MethodPost, "/admin/v1/MyBypassCodes/.search", withFields(search, "filter", `code eq "1"`))
	if g := h.my(tok, 200, http.MethodGet, "/admin/v1/MyBypassCodes/"+id1, nil); g["code"] != code1 {
		t.Fatalf("GET code: %v", g)
	}
	// /mfa/v1 lists the BypassCode pseudo factor, and the code verifies the user once.
	if e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil); !strings.Contains(fmt.Sprint(e1["factors"]), BypassCodeFactorID) {
		t.Fatalf("E1 with bypass codes: %v", e1)
	}
	v1 := h.initiate(uid, "factorId", BypassCodeFactorID, "method", "BYPASSCODE")
	h.mustDo(200, http.MethodPatch, requestPath(v1), map[string]any{"requestState": v1["requestState"], "bypassCode": code1})
	h.wantMyError(tok, 404, msgDeviceNotFound, http.MethodGet, "/admin/v1/MyBypassCodes/"+id1, nil)
	// Another user sees none of them; the owner deletes the other one.
	bob := h.userToken("bob", DemoPassword)
	h.wantMyError(bob, 404, msgDeviceNotFound, http.MethodDelete, "/admin/v1/MyBypassCodes/"+c2["id"].(string), nil)
	h.my(tok, 204, http.MethodDelete, "/admin/v1/MyBypassCodes/"+c2["id"].(string), nil)
	if l := h.my(tok, 200, http.MethodGet, "/admin/v1/MyBypassCodes", nil); l["totalResults"] != float64(0) {
		t.Fatalf("list after use and delete: %v", l)
	}
	h.wantMyError(h.token, 403, msgNeedsUserToken, http.MethodGet, "/admin/v1/MyBypassCodes", nil)
}
