package emulator

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"net/http"
	"testing"
	"time"
)

func factorIDs(m map[string]any) []string { return stringsOf(m, "factors", "factorId") }

func TestPendingEnrollmentRestartKeepsFactorID(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("rita")
	fid, rs := h.enrollSMS(u, "7700900200")
	fid2, rs2 := h.enrollSMS(u, "7700900200")
	if fid2 != fid || rs2 == rs {
		t.Fatalf("restart: factorId %s -> %s, requestState changed: %v", fid, fid2, rs2 != rs)
	}
	h.expectError(401, "AUTH-1120", http.MethodPatch, factorsPath(u)+"/"+fid, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})
	h.mustDo(http.StatusOK, http.MethodPatch, factorsPath(u)+"/"+fid, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs2})
	if n := len(h.s.Factors(u)); n != 1 {
		t.Fatalf("%d factors after a restarted enrollment, want 1", n)
	}
	e1, e2 := h.enrollEmailPending(u)
	f1, _ := h.enrollEmailPending(u)
	if f1 != e1 || e2 == "" {
		t.Fatalf("EMAIL restart changed the factorId")
	}
}

func TestListShowsEnrolledOnlyAndGetShowsPending(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("sam")
	pending, _ := h.enrollSMS(u, "7700900201")
	m := h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
	if ids := factorIDs(m); len(ids) != 0 || m["preferredFactorId"] != nil {
		t.Fatalf("E1 lists a pending factor or a preference: %v", m)
	}
	g := h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u)+"/"+pending, nil)
	if g["status"] != "pending" || g["factorStatus"] != StatusInitiated {
		t.Fatalf("E4 of a pending factor: %v", g)
	}
	all := h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/users/"+u+"/factors", nil)["factors"].([]any)
	if len(all) != 1 || all[0].(map[string]any)["status"] != StatusInitiated || all[0].(map[string]any)["mobileNumber"] != "7700900201" {
		t.Fatalf("emulator listing: %v", all)
	}
}

func TestPreferredFactorFollowsEnrollmentAndDeletion(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("tess")
	first := h.emailSkip(u)
	second := h.enrolledSMS(u, "7700900202")
	m := h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
	if m["preferredFactorId"] != first || m["preferredMethod"] != "EMAIL" {
		t.Fatalf("first enrolled factor is not preferred: %v", m)
	}
	h.mustDo(http.StatusOK, http.MethodPatch, "/mfa/v1/users/"+u, map[string]any{"preferredFactorId": second, "preferredMethod": "SMS"})
	h.expectError(400, "AUTH-1113", http.MethodPatch, "/mfa/v1/users/"+u, map[string]any{"preferredFactorId": first})
	h.expectError(400, "AUTH-1111", http.MethodPatch, "/mfa/v1/users/"+u, map[string]any{"preferredFactorId": first, "preferredMethod": "SMS"})
	h.mustDo(http.StatusNoContent, http.MethodDelete, factorsPath(u)+"/"+second, nil)
	m = h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
	if m["preferredFactorId"] != first || m["preferredMethod"] != "EMAIL" {
		t.Fatalf("preference did not move to the remaining factor: %v", m)
	}
	h.mustDo(http.StatusNoContent, http.MethodDelete, factorsPath(u)+"/"+first, nil)
	m = h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
	if m["preferredFactorId"] != nil || len(factorIDs(m)) != 0 {
		t.Fatalf("preference not cleared: %v", m)
	}
	h.expectError(404, "AUTH-1014", http.MethodDelete, factorsPath(u)+"/"+first, nil)
	// Disable MFA on a user with nothing enrolled: Oracle answers 401.
	h.expectError(401, "AUTH-1013", http.MethodPatch, "/mfa/v1/users/"+u, map[string]any{"disableMFA": "true"})
}

func TestOutOfBandActorCompletesAndRemoves(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("uma")
	fid, _ := h.enrollSMS(u, "7700900203")
	// Over HTTP, as another process (a CI step, the demo) would.
	h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/users/"+u+"/factors/"+fid+"/complete", nil)
	g := h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u)+"/"+fid, nil)
	if g["factorStatus"] != StatusEnrolled {
		t.Fatalf("not enrolled after out-of-band completion: %v", g)
	}
	if st, _, _ := h.do(http.MethodPost, "/emulator/v1/users/"+u+"/factors/"+fid+"/complete", nil); st != http.StatusConflict {
		t.Fatalf("completing twice: %d, want 409", st)
	}
	h.mustDo(http.StatusNoContent, http.MethodDelete, "/emulator/v1/users/"+u+"/factors/"+fid, nil)
	h.expectError(404, "AUTH-1014", http.MethodGet, factorsPath(u)+"/"+fid, nil)
	if st, _, _ := h.do(http.MethodDelete, "/emulator/v1/users/"+u+"/factors/"+fid, nil); st != http.StatusNotFound {
		t.Fatalf("removing twice: %d, want 404", st)
	}
	if err := h.s.CompleteEnrollment(u, "nope"); err != ErrFactorNotFound {
		t.Fatalf("CompleteEnrollment of an unknown factor: %v", err)
	}
}

func TestOutboxOverHTTPFiltersByUser(t *testing.T) {
	h := newHarness(t, Config{})
	a, b := h.newUser("vera"), h.newUser("walt")
	fa, _ := h.enrollSMS(a, "7700900204")
	h.enrollEmailPending(b)
	all := h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/messages", nil)["messages"].([]any)
	only := h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/messages?userId="+a, nil)["messages"].([]any)
	if len(all) != 2 || len(only) != 1 {
		t.Fatalf("outbox: %d messages, %d for %s", len(all), len(only), a)
	}
	m := only[0].(map[string]any)
	if m["channel"] != "SMS" || m["recipient"] != "+447700900204" || m["factorId"] != fa || m["otp"] != h.otp(a, fa) {
		t.Fatalf("message: %v", m)
	}
	if _, err := time.Parse(time.RFC3339, m["sentAt"].(string)); err != nil {
		t.Fatalf("sentAt is not RFC 3339: %v", err)
	}
	if e := all[1].(map[string]any); e["channel"] != "EMAIL" || e["recipient"] != "walt@example.com" {
		t.Fatalf("email message: %v", e)
	}
}

func TestOfflineTOTPActivationChecksTheCode(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("xena")
	m := h.enroll(u, map[string]any{"method": "TOTP", "offlineTOTP": true})
	fid, secret := m["factorId"].(string), m["sharedSecret"].(string)
	code := h.totpAt(secret, h.clock.Now())
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	h.expectError(401, "AUTH-1105", http.MethodPatch, factorsPath(u)+"/"+fid, map[string]any{"otpCode": wrong, "requestState": m["requestState"]})
	h.mustDo(http.StatusOK, http.MethodPatch, factorsPath(u)+"/"+fid, map[string]any{"otpCode": code, "requestState": m["requestState"]})
}

func TestExternalClientGetsOTPEncrypted(t *testing.T) {
	key, cert, _ := testCert(t, "custom-ui")
	h := newHarness(t, Config{TrustedCerts: []*x509.Certificate{cert}})
	u := h.newUser("yuri")
	fid := h.enrolledSMS(u, "7700900205")
	before := len(h.s.Messages(u))

	v1 := h.initiate(u, "userFlowControlledByExternalClient", true, "x5t", X5T(cert))
	otp, _ := v1["otp"].(map[string]any)
	if otp == nil || otp["alg"] != "RSAES-OAEP" || otp["x5t"] != X5T(cert) {
		t.Fatalf("V1 answer lacks the encrypted otp: %v", v1)
	}
	plain := decryptOTP(t, key, otp)
	if plain != h.otp(u, fid) {
		t.Fatalf("decrypted OTP %q is not the issued one", plain)
	}
	if len(h.s.Messages(u)) != before {
		t.Fatalf("the user was notified although the client controls the flow")
	}
	h.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"otpCode": plain, "requestState": v1["requestState"]})

	// Hex thumbprints work too; an unknown one falls back to sending the OTP.
	sum := sha1.Sum(cert.Raw)
	if h.s.trustedCert(hex.EncodeToString(sum[:])) == nil {
		t.Fatalf("hex x5t not recognised")
	}
	v1 = h.initiate(u, "userFlowControlledByExternalClient", "true", "x5t", "unknown")
	if v1["otp"] != nil || len(h.s.Messages(u)) != before+1 {
		t.Fatalf("unknown x5t: otp %v, messages %d", v1["otp"], len(h.s.Messages(u)))
	}
}

func TestVerificationFlows(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("zoe")
	fid := h.emailSkip(u)
	v1 := h.initiate(u)
	if v1["method"] != "EMAIL" || v1["factorId"] != fid {
		t.Fatalf("V1 did not use the preferred factor: %v", v1)
	}
	// Resend gives a new requestState; the old one is void.
	r := h.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"resendOtp": true, "requestState": v1["requestState"]})
	h.expectError(401, "AUTH-1120", http.MethodPatch, requestPath(v1), map[string]any{"otpCode": h.otp(u, fid), "requestState": v1["requestState"]})
	h.mustDo(http.StatusOK, http.MethodPatch, requestPath(v1), map[string]any{"otpCode": h.otp(u, fid), "requestState": r["requestState"]})
	// A spent requestState cannot be replayed.
	h.expectError(401, "AUTH-1120", http.MethodPatch, requestPath(v1), map[string]any{"otpCode": h.otp(u, fid), "requestState": r["requestState"]})
	if g := h.mustDo(http.StatusOK, http.MethodGet, requestPath(v1), nil); g["status"] != "success" {
		t.Fatalf("V3 after success: %v", g)
	}
	h.expectError(404, "AUTH-1111", http.MethodGet, "/mfa/v1/requests/00000000-0000-4000-8000-000000000000", nil)
	// A user without factors cannot be verified; a disabled factor cannot be used.
	h.expectError(401, "AUTH-1013", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": h.newUser("zack"), "userIdType": "USER_GUID"})
	// Bypass codes are single use.
	code, _ := h.s.AddBypassCode(u)
	b := h.initiate(u, "factorId", BypassCodeFactorID, "method", "BYPASSCODE")
	h.mustDo(http.StatusOK, http.MethodPatch, requestPath(b), map[string]any{"bypassCode": code, "requestState": b["requestState"]})
	h.expectError(404, "AUTH-1014", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": u, "userIdType": "USER_GUID", "factorId": BypassCodeFactorID, "method": "BYPASSCODE"})
}

func TestVerificationOfDisabledFactor(t *testing.T) {
	h := newHarness(t, Config{EnabledFactors: []string{MethodEmail, MethodSMS}})
	u := h.newUser("adam")
	h.emailSkip(u)
	h.s.SetEnabledFactors([]string{MethodSMS}) // the administrator disables EMAIL after enrollment
	h.expectError(401, "AUTH-1125", http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": "adam", "userIdType": "USER_NAME"})
}
