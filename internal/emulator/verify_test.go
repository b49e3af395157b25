package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testCert is a self-signed RSA certificate, as a custom sign-in page would import as a
// trusted client certificate, with its key and its PEM text (certificate, then key).
func testCert(t *testing.T, cn string) (*rsa.PrivateKey, *x509.Certificate, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pemText := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pemText = append(pemText, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})...)
	return key, cert, pemText
}

func decryptOTP(t *testing.T, key *rsa.PrivateKey, otp map[string]any) string {
	t.Helper()
	ct, err := base64.StdEncoding.DecodeString(otp["value"].(string))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, key, ct, nil)
	if err != nil {
		t.Fatalf("RSAES-OAEP SHA-1 decryption: %v", err)
	}
	return string(plain)
}

// C1: with a trusted x5t the passcode of every sent method comes back encrypted and
// nothing is sent; with an x5t that is not trusted it is sent as usual.
func TestExternalClientOTPForSMSEmailAndPhoneCall(t *testing.T) {
	h := newHarness(t, Config{EnabledFactors: append([]string{MethodPhoneCall}, DefaultEnabledFactors...)})
	key, cert, pemText := testCert(t, "custom sign-in")
	_, stranger, _ := testCert(t, "not trusted")
	h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/trusted-certs", string(pemText)) // at run time
	u := h.newUser("jana")
	call := h.enroll(u, map[string]any{"method": "PHONE_CALL", "countryCode": "+44", "mobileNumber": "7700900500"})["factorId"].(string)
	if err := h.s.CompleteEnrollment(u, call); err != nil {
		t.Fatal(err)
	}
	factors := map[string]string{MethodSMS: h.enrolledSMS(u, "7700900501"), MethodEmail: h.emailSkip(u), MethodPhoneCall: call}
	for method, fid := range factors {
		sent := len(h.s.Messages(u))
		v1 := h.initiate(u, "factorId", fid, "method", method, "userFlowControlledByExternalClient", true, "x5t", X5T(cert))
		otp, _ := v1["otp"].(map[string]any)
		if otp == nil || otp["alg"] != "RSAES-OAEP" || otp["x5t"] != X5T(cert) || len(otp) != 3 {
			t.Fatalf("%s: V1 lacks otp{value,alg,x5t}: %v", method, v1)
		}
		if got := len(h.s.Messages(u)); got != sent {
			t.Fatalf("%s: %d messages sent although the client controls the flow", method, got-sent)
		}
		h.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"otpCode": decryptOTP(t, key, otp), "requestState": v1["requestState"]})

		v1 = h.initiate(u, "factorId", fid, "method", method, "userFlowControlledByExternalClient", true, "x5t", X5T(stranger))
		msgs := h.s.Messages(u)
		if v1["otp"] != nil || len(msgs) != sent+1 {
			t.Fatalf("%s with an untrusted x5t: otp %v, %d messages sent", method, v1["otp"], len(msgs)-sent)
		}
		if m := msgs[len(msgs)-1]; m.Channel != method || m.FactorID != fid {
			t.Fatalf("%s: outbox message %+v", method, m)
		}
		h.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"otpCode": msgs[len(msgs)-1].OTP, "requestState": v1["requestState"]})
	}
}

func TestTrustedCertsCanBeChangedAtRunTime(t *testing.T) {
	h := newHarness(t, Config{})
	_, a, pemA := testCert(t, "app-a")
	_, b, pemB := testCert(t, "app-b")
	list := func(m map[string]any) []string {
		var out []string
		for _, c := range m["certificates"].([]any) {
			c := c.(map[string]any)
			out = append(out, c["subject"].(string)+"="+c["x5t"].(string))
		}
		return out
	}
	want := func(certs ...*x509.Certificate) string {
		var out []string
		for _, c := range certs {
			out = append(out, c.Subject.String()+"="+X5T(c))
		}
		return strings.Join(out, ",")
	}
	check := func(m map[string]any, certs ...*x509.Certificate) {
		t.Helper()
		if got := strings.Join(list(m), ","); got != want(certs...) {
			t.Fatalf("trusted certificates %s, want %s", got, want(certs...))
		}
	}
	check(h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/trusted-certs", nil))
	check(h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/trusted-certs", string(pemA)), a)
	check(h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/trusted-certs", string(pemA)), a)
	check(h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/trusted-certs", string(pemB)), a, b)
	check(h.mustDo(http.StatusOK, http.MethodPut, "/emulator/v1/trusted-certs", string(pemB)), b)

	u := h.newUser("kira")
	h.emailSkip(u)
	if v1 := h.initiate(u, "userFlowControlledByExternalClient", true, "x5t", X5T(a)); v1["otp"] != nil {
		t.Fatal("a certificate replaced by PUT still encrypts")
	}
	if v1 := h.initiate(u, "userFlowControlledByExternalClient", true, "x5t", X5T(b)); v1["otp"] == nil {
		t.Fatal("the certificate put in its place does not encrypt")
	}
	h.mustDo(http.StatusNoContent, http.MethodDelete, "/emulator/v1/trusted-certs", nil)
	check(h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/trusted-certs", nil))
	for _, method := range []string{http.MethodPost, http.MethodPut} {
		for _, body := range []string{"", "not pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"} {
			if st, m, raw := h.do(method, "/emulator/v1/trusted-certs", body); st != http.StatusBadRequest || m["error"] == nil {
				t.Fatalf("%s %q: %d %s", method, body, st, raw)
			}
		}
	}
	// The Go API does the same for tests in the same process.
	h.s.AddTrustedCerts(a, a)
	if got := h.s.TrustedCerts(); len(got) != 1 || !got[0].Equal(a) {
		t.Fatalf("AddTrustedCerts: %d certificates", len(got))
	}
}

func TestBypassCodesFromTheEmulatorAPI(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 10})
	u := h.newUser("lena")
	h.emailSkip(u)
	code := func() string {
		return h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/users/"+u+"/bypasscodes", nil)["code"].(string)
	}
	first, second := code(), code()
	if len(first) != 12 || first == second || strings.Trim(first, "0123456789") != "" {
		t.Fatalf("bypass codes %q %q", first, second)
	}
	if ids := factorIDs(h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)); ids[len(ids)-1] != BypassCodeFactorID {
		t.Fatalf("E1 does not list BypassCode: %v", ids)
	}
	submit := func(c string) (int, string) {
		v1 := h.initiate(u, "factorId", BypassCodeFactorID, "method", "BYPASSCODE")
		if _, shown := v1["displayName"]; shown {
			t.Fatalf("BYPASSCODE V1 has a displayName: %v", v1)
		}
		st, m, _ := h.do(http.MethodPatch, requestPath(v1), map[string]any{"bypassCode": c, "requestState": v1["requestState"]})
		return st, causeCode(m)
	}
	if st, c := submit("000000000000"); st != 401 || c != "AUTH-1105" {
		t.Fatalf("wrong bypass code: %d %s", st, c)
	}
	if st, c := submit(first); st != 200 {
		t.Fatalf("bypass code: %d %s", st, c)
	}
	if st, c := submit(first); st != 401 || c != "AUTH-1105" {
		t.Fatalf("a used bypass code again: %d %s", st, c)
	}
	if st, c := submit(second); st != 200 {
		t.Fatalf("second bypass code: %d %s", st, c)
	}
	h.expectError(404, "AUTH-1014", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": u, "userIdType": "USER_GUID", "factorId": BypassCodeFactorID, "method": "BYPASSCODE"})
	if st, _, _ := h.do(http.MethodPost, "/emulator/v1/users/ffffffffffffffffffffffffffffffff/bypasscodes", nil); st != 404 {
		t.Fatalf("bypass code for an unknown user: %d", st)
	}
}

func TestPushApprovalRejectionAndPolling(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("mira")
	push := h.pushEnrolled(u)
	poll := func(v1 map[string]any) (int, map[string]any) {
		st, m, _ := h.do(http.MethodGet, requestPath(v1), nil)
		return st, m
	}
	emu := func(v1 map[string]any, verb string) int {
		st, _, _ := h.do(http.MethodPost, "/emulator/v1/requests/"+v1["requestId"].(string)+"/"+verb, nil)
		return st
	}
	denied := h.initiate(u)
	if st, m := poll(denied); st != 200 || m["status"] != "pending" || causeCode(m) != "AUTH-1108" {
		t.Fatalf("V3 before an answer: %d %v", st, m)
	}
	h.expectError(400, "AUTH-1111", http.MethodPatch, requestPath(denied), map[string]any{"otpCode": "123456", "requestState": denied["requestState"]})
	if st := emu(denied, "reject"); st != 200 {
		t.Fatalf("reject: %d", st)
	}
	h.expectError(401, "AUTH-1007", http.MethodGet, requestPath(denied), nil)
	if st := emu(denied, "approve"); st != http.StatusConflict {
		t.Fatalf("approve after reject: %d, want 409", st)
	}

	approved := h.initiate(u, "factorId", push, "method", "PUSH")
	if st := emu(approved, "approve"); st != 200 {
		t.Fatalf("approve: %d", st)
	}
	if st, m := poll(approved); st != 200 || m["status"] != "success" || m["cause"] != nil {
		t.Fatalf("V3 after approval: %d %v", st, m)
	}
	if emu(approved, "reject") != http.StatusConflict || emu(approved, "approve") != 200 {
		t.Fatal("reject after approve must be 409, approving again harmless")
	}
	if st, _, _ := h.do(http.MethodPost, "/emulator/v1/requests/00000000-0000-4000-8000-000000000000/reject", nil); st != 404 {
		t.Fatalf("reject of an unknown request: %d", st)
	}
	email := h.initiate(u, "factorId", h.emailSkip(u), "method", "EMAIL")
	if st := emu(email, "reject"); st != http.StatusBadRequest {
		t.Fatalf("reject of an EMAIL request: %d, want 400", st)
	}
}

// C2/C3: wrong answers of every kind and rejected pushes count towards one lockout; the
// messages are Oracle's, with no count of the attempts left.
func TestEveryWrongAnswerCountsTowardsTheLockout(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 5})
	u := h.newUser("nell")
	totp := h.totpSkip(u)
	answers := h.securityQuestions(u, false)
	email := h.emailSkip(u)
	push := h.pushEnrolled(u)
	if _, err := h.s.AddBypassCode(u); err != nil {
		t.Fatal(err)
	}
	wrongTOTP := h.totpAt("JBSWY3DPEHPK3PXP", h.clock.Now().Add(time.Hour))

	attempt := func(extra []any, answer map[string]any) map[string]any {
		t.Helper()
		v1 := h.initiate(u, extra...)
		_, m, _ := h.do(http.MethodPatch, requestPath(v1), withFields(answer, "requestState", v1["requestState"]))
		return m
	}
	wantCause := func(m map[string]any, code, message string) {
		t.Helper()
		cause := m["cause"].([]any)[0].(map[string]any)
		if cause["code"] != code || cause["message"] != message {
			t.Fatalf("cause %v, want %s %q", cause, code, message)
		}
	}
	wantCause(attempt([]any{"factorId", totp, "method", "TOTP"}, map[string]any{"otpCode": wrongTOTP}), "AUTH-1105", "Invalid passcode.")
	v1 := h.initiate(u, "factorId", SecurityQuestionsFactorID, "method", "SECURITY_QUESTIONS")
	var wrong []map[string]any
	for _, q := range answerAsked(v1, answers) {
		wrong = append(wrong, map[string]any{"id": q["id"], "answer": "not " + q["answer"].(string)})
	}
	_, m, _ := h.do(http.MethodPatch, requestPath(v1), map[string]any{"securityQuestions": wrong, "requestState": v1["requestState"]})
	wantCause(m, "AUTH-1026", "You have entered the wrong answer.")
	wantCause(attempt([]any{"factorId", BypassCodeFactorID, "method", "BYPASSCODE"}, map[string]any{"bypassCode": "999999999999"}), "AUTH-1105", "Invalid passcode.")
	pending := h.initiate(u, "factorId", push, "method", "PUSH")
	if err := h.s.RejectRequest(h.initiate(u, "factorId", push, "method", "PUSH")["requestId"].(string)); err != nil {
		t.Fatal(err)
	}
	scim := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+u, nil)[scimMFAExtension].(map[string]any)
	if scim["loginAttempts"] != float64(4) {
		t.Fatalf("loginAttempts %v after four failures", scim["loginAttempts"])
	}
	wantCause(attempt([]any{"factorId", email, "method", "EMAIL"}, map[string]any{"otpCode": "x"}), "AUTH-1027",
		"You have exceeded the maximum number of 2-Step Verification attempts. Reset your password to unlock your account. Contact your system administrator if you can't reset your password.")

	// Locked: V1 by GUID or by name is AUTH-1010, and so is polling a pending push.
	h.expectError(401, "AUTH-1010", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": u, "userIdType": "USER_GUID"})
	h.expectError(401, "AUTH-1010", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": "NELL", "userIdType": "USER_NAME"})
	h.expectError(401, "AUTH-1010", http.MethodGet, requestPath(pending), nil)
	if h.s.ApproveRequest(pending["requestId"].(string)) != ErrUserLocked {
		t.Fatal("a locked user approved a push")
	}
	// Unknown users, by GUID or by name: 404 AUTH-3018.
	h.expectError(404, "AUTH-3018", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": "ffffffffffffffffffffffffffffffff", "userIdType": "USER_GUID"})
	h.expectError(404, "AUTH-3018", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": "nobody", "userIdType": "USER_NAME"})
	h.expectError(404, "AUTH-3018", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": u, "userIdType": "USER_NAME"}) // a GUID is not a name
}

func TestSecurityQuestionAnswersAreCheckedIgnoringCaseAndSpaces(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("opal")
	answers := h.securityQuestions(u, true)
	v1 := h.initiate(u)
	asked := answerAsked(v1, answers)
	for _, a := range asked {
		a["answer"] = "  " + strings.ToUpper(a["answer"].(string)) + " "
	}
	h.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"securityQuestions": asked, "requestState": v1["requestState"]})
	v1 = h.initiate(u)
	h.expectError(400, "AUTH-1038", http.MethodPatch, requestPath(v1), map[string]any{"securityQuestions": []map[string]any{{"id": "FavoriteBook", "answer": "x"}}, "requestState": v1["requestState"]})
}

// With CountSentOTPs every verification passcode sent counts (PM-VER): the send that would
// reach the maximum is refused and locks; a success resets the count. Off, sends are free.
func TestSentPasscodesCountOnlyWhenConfigured(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 3, CountSentOTPs: true})
	u := h.newUser("pam")
	fid := h.emailSkip(u) // enrollment sends do not count
	v1 := h.initiate(u)
	h.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"otpCode": h.otp(u, fid), "requestState": v1["requestState"]})
	v1 = h.initiate(u)                                                                                                                     // 1
	r := h.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"resendOtp": true, "requestState": v1["requestState"]}) // 2
	sent := len(h.s.Messages(u))
	h.expectError(401, "AUTH-1027", http.MethodPatch, requestPath(v1), map[string]any{"resendOtp": true, "requestState": r["requestState"]})
	if len(h.s.Messages(u)) != sent {
		t.Fatal("the send that locked the user was delivered")
	}
	h.expectError(401, "AUTH-1010", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": u, "userIdType": "USER_GUID"})

	free := newHarness(t, Config{MaxFailedAttempts: 3})
	w := free.newUser("quin")
	free.emailSkip(w)
	v1 = free.initiate(w)
	for range 5 {
		v1 = free.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"resendOtp": true, "requestState": v1["requestState"]})
	}
}
