package emulator

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A 160-bit secret (RFC 4226's recommended size) and an 80-bit one, shorter than §4 allows.
const (
	secret160 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	secret80  = "JBSWY3DPEHPK3PXP"
)

// otpauthParams reads an otpauth:// or oraclemobileauthenticator:// URI's query.
func otpauthParams(t *testing.T, content string) url.Values {
	t.Helper()
	u, err := url.Parse(content)
	if err != nil {
		t.Fatalf("QR content %q: %v", content, err)
	}
	return u.Query()
}

// paramsOf is the TOTP an app would run from a QR code's period, digits and algorithm.
func paramsOf(t *testing.T, q url.Values) totpParams {
	t.Helper()
	period, err1 := strconv.Atoi(q.Get("period"))
	digits, err2 := strconv.Atoi(q.Get("digits"))
	if err1 != nil || err2 != nil || !validTOTPAlgorithm(q.Get("algorithm")) {
		t.Fatalf("QR parameters period=%q digits=%q algorithm=%q", q.Get("period"), q.Get("digits"), q.Get("algorithm"))
	}
	return newTOTPParams(time.Duration(period)*time.Second, digits, q.Get("algorithm"))
}

// codeAt is p's code of a base32 secret at t.
func codeAt(t *testing.T, p totpParams, secret string, at time.Time) string {
	t.Helper()
	key, err := decodeBase32(secret)
	if err != nil {
		t.Fatal(err)
	}
	return p.code(key, p.step(at))
}

// acceptedNow are the codes the server's settings accept at now (previous, current, next).
func (h *harness) acceptedNow(secret string) map[string]bool {
	period := time.Duration(h.s.totp.period) * time.Second
	out := map[string]bool{}
	for d := -1; d <= 1; d++ {
		out[h.totpAt(secret, h.clock.Now().Add(time.Duration(d)*period))] = true
	}
	return out
}

func TestTOTPSettingsReachTheQRCodeAndTheVerifier(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{TOTPPeriod: 60 * time.Second, TOTPDigits: 8, TOTPAlgorithm: "SHA256"},
		{TOTPPeriod: 300 * time.Second, TOTPDigits: 10, TOTPAlgorithm: "sha512"},
		{TOTPPeriod: 45 * time.Second, TOTPDigits: 4, TOTPAlgorithm: "SHA384"},
		{TOTPPeriod: 30 * time.Second, TOTPDigits: 7, TOTPAlgorithm: "Sha1"},
	} {
		t.Run(cfg.TOTPAlgorithm+"/"+cfg.TOTPPeriod.String()+"/"+strconv.Itoa(cfg.TOTPDigits), func(t *testing.T) {
			cfg.MaxFailedAttempts = 20
			h := newHarness(t, cfg)
			u := h.newUser("tara")
			m := h.enroll(u, map[string]any{"method": "TOTP", "offlineTOTP": true})
			q := otpauthParams(t, m["qrCode"].(map[string]any)["content"].(string))
			want := withDefaults(cfg)
			if q.Get("period") != strconv.Itoa(int(want.TOTPPeriod/time.Second)) || q.Get("digits") != strconv.Itoa(want.TOTPDigits) ||
				q.Get("algorithm") != strings.ToUpper(want.TOTPAlgorithm) || q.Get("secret") != m["sharedSecret"] {
				t.Fatalf("otpauth URI does not carry the domain's settings %v/%d/%s and the secret: %v", want.TOTPPeriod, want.TOTPDigits, want.TOTPAlgorithm, q)
			}
			secret, now := q.Get("secret"), h.clock.Now()
			app := paramsOf(t, q)
			path := factorsPath(u) + "/" + m["factorId"].(string)
			accepted := h.acceptedNow(secret)
			// An app set up with any other period, length or hash computes codes the domain refuses.
			for _, other := range []totpParams{
				newTOTPParams(time.Duration(app.period+30)*time.Second, app.digits, app.algorithm),
				newTOTPParams(time.Duration(app.period)*time.Second, otherDigits(app.digits), app.algorithm),
				newTOTPParams(time.Duration(app.period)*time.Second, app.digits, otherAlgorithm(app.algorithm)),
			} {
				wrong := codeAt(t, other, secret, now)
				if accepted[wrong] {
					t.Fatalf("the %d s/%d/%s code %s happens to be valid now; pick another clock", other.period, other.digits, other.algorithm, wrong)
				}
				h.expectError(401, "AUTH-1105", http.MethodPatch, path, map[string]any{"otpCode": wrong, "requestState": m["requestState"]})
			}
			h.mustDo(http.StatusOK, http.MethodPatch, path, map[string]any{"otpCode": codeAt(t, app, secret, now), "requestState": m["requestState"]})

			online := h.enroll(u, map[string]any{"method": "PUSH"})
			oq := otpauthParams(t, online["qrCode"].(map[string]any)["content"].(string))
			if oq.Get("period") != q.Get("period") || oq.Get("digits") != q.Get("digits") || oq.Get("algorithm") != q.Get("algorithm") {
				t.Fatalf("the Oracle Mobile Authenticator QR code does not carry the settings: %v", oq)
			}
		})
	}
}

func otherDigits(d int) int {
	if d > minPasscodeLen {
		return d - 1
	}
	return d + 1
}

func otherAlgorithm(a string) string {
	if a == "SHA1" {
		return "SHA256"
	}
	return "SHA1"
}

// TOTP verification (V2) accepts the previous, current and next step and nothing further.
func TestTOTPVerificationAcceptsOneStepOfTolerance(t *testing.T) {
	h := newHarness(t, Config{TOTPPeriod: time.Minute, TOTPDigits: 8, TOTPAlgorithm: "SHA512", MaxFailedAttempts: 20})
	u := h.newUser("ursa")
	h.enroll(u, map[string]any{"method": "TOTP", "offlineTOTP": "true", "skipFactorVerification": "true", "sharedSecret": secret160})
	at := func(steps int) string {
		return h.totpAt(secret160, h.clock.Now().Add(time.Duration(steps)*time.Minute))
	}
	verify := func(code string) (int, string) {
		v1 := h.initiate(u)
		st, m, _ := h.do(http.MethodPatch, requestPath(v1), map[string]any{"otpCode": code, "requestState": v1["requestState"]})
		return st, causeCode(m)
	}
	if len(at(0)) != 8 {
		t.Fatalf("code %q is not 8 digits", at(0))
	}
	for _, d := range []int{-2, 2, 3} {
		if st, code := verify(at(d)); st != 401 || code != "AUTH-1105" {
			t.Fatalf("code %+d steps away: %d %s, want 401 AUTH-1105", d, st, code)
		}
	}
	for _, d := range []int{-1, 0, 1} {
		if st, code := verify(at(d)); st != 200 {
			t.Fatalf("code %+d steps away: %d %s, want 200", d, st, code)
		}
	}
}

// RFC 6238 §5.2: a code accepted once is refused afterwards, whichever call accepted it.
// The emulator also refuses codes of steps before the last accepted one.
func TestTOTPCodesCannotBeReplayed(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 20})
	verify := func(u, code string) (int, string) {
		v1 := h.initiate(u)
		st, m, _ := h.do(http.MethodPatch, requestPath(v1), map[string]any{"otpCode": code, "requestState": v1["requestState"]})
		return st, causeCode(m)
	}
	refused := func(what, u, code string) {
		t.Helper()
		if st, c := verify(u, code); st != 401 || c != "AUTH-1105" {
			t.Fatalf("%s: replayed code got %d %s, want 401 AUTH-1105", what, st, c)
		}
	}

	// E3 with sharedSecret + otpCode, then V2 with the same code in the same step.
	a := h.newUser("ada")
	code := h.totpAt(secret160, h.clock.Now())
	h.enroll(a, map[string]any{"method": "TOTP", "offlineTOTP": true, "skipFactorVerification": true, "sharedSecret": secret160, "otpCode": code})
	refused("E3 then V2", a, code)

	// E5 activation, then V2 with the same code.
	b := h.newUser("bea")
	m := h.enroll(b, map[string]any{"method": "TOTP", "offlineTOTP": true})
	fid, secret := m["factorId"].(string), m["sharedSecret"].(string)
	code = h.totpAt(secret, h.clock.Now())
	h.mustDo(http.StatusOK, http.MethodPatch, factorsPath(b)+"/"+fid, map[string]any{"otpCode": code, "requestState": m["requestState"]})
	refused("E5 then V2", b, code)

	// V2, then V2 again; then the previous step's code, older than the one spent.
	h.clock.Advance(90 * time.Second)
	code = h.totpAt(secret, h.clock.Now())
	if st, c := verify(b, code); st != 200 {
		t.Fatalf("fresh code: %d %s", st, c)
	}
	refused("V2 then V2", b, code)
	refused("an older step after a newer one", b, h.totpAt(secret, h.clock.Now().Add(-30*time.Second)))

	// The test hook hands out a code that is not spent: the next step's, accepted at once.
	next := h.otp(b, fid)
	if next == code || next != h.totpAt(secret, h.clock.Now().Add(30*time.Second)) {
		t.Fatalf("LastOTP after the current step was spent: %s (current %s)", next, code)
	}
	if st, c := verify(b, next); st != 200 {
		t.Fatalf("LastOTP's code: %d %s", st, c)
	}
	// A new step brings new codes: nothing stays blocked.
	h.clock.Advance(60 * time.Second)
	if st, c := verify(b, h.otp(b, fid)); st != 200 {
		t.Fatalf("a later step's code: %d %s", st, c)
	}
}

func TestSharedSecretEnrollmentChecksSecretAndCode(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 3})
	u := h.newUser("cleo")
	body := func(secret, code string) map[string]any {
		return map[string]any{"method": "TOTP", "offlineTOTP": "true", "skipFactorVerification": "true", "sharedSecret": secret, "otpCode": code}
	}
	now := h.clock.Now()
	h.expectError(400, "AUTH-1111", http.MethodPost, factorsPath(u), body("QYV81R0!", "123456"))
	h.expectError(400, "AUTH-1111", http.MethodPost, factorsPath(u), body(secret80, h.totpAt(secret80, now)))
	h.expectError(400, "AUTH-1001", http.MethodPost, factorsPath(u), body("  ", "123456"))
	if n := len(h.s.Factors(u)); n != 0 {
		t.Fatalf("refused secrets enrolled %d factors", n)
	}

	// A wrong code enrolls nothing (its counting is TestWrongSharedSecretCodesLockTheUser's).
	wrong := h.totpAt(secret160, now.Add(5*time.Minute))
	if h.acceptedNow(secret160)[wrong] {
		t.Fatal("the 'wrong' code is valid now")
	}
	h.expectError(401, "AUTH-1105", http.MethodPost, factorsPath(u), body(secret160, wrong))
	h.expectError(401, "AUTH-1105", http.MethodPost, factorsPath(u), body(secret160, wrong))
	if n := len(h.s.Factors(u)); n != 0 {
		t.Fatalf("a wrong otpCode enrolled %d factors", n)
	}
	// Apps show secrets in lower case, in groups: both are the same secret.
	spaced := strings.ToLower(secret160[:8] + " " + secret160[8:])
	m := h.enroll(u, body(spaced, h.totpAt(secret160, now)))
	if m["factorStatus"] != StatusEnrolled || m["requestState"] != nil {
		t.Fatalf("one-step enrollment: %v", m)
	}

	// Without otpCode Oracle's own sample enrolls "QYV81R" unchecked; so does the emulator.
	v := h.newUser("vic")
	if m := h.enroll(v, map[string]any{"method": "TOTP", "sharedSecret": "QYV81R", "skipFactorVerification": "true", "offlineTOTP": "true"}); m["factorStatus"] != StatusEnrolled {
		t.Fatalf("Oracle's sample request: %v", m)
	}
}

func TestWrongSharedSecretCodesLockTheUser(t *testing.T) {
	h := newHarness(t, Config{MaxFailedAttempts: 2})
	u := h.newUser("dina")
	wrong := h.totpAt(secret160, h.clock.Now().Add(10*time.Minute))
	body := map[string]any{"method": "TOTP", "offlineTOTP": true, "skipFactorVerification": true, "sharedSecret": secret160, "otpCode": wrong}
	h.expectError(401, "AUTH-1105", http.MethodPost, factorsPath(u), body)
	h.expectError(401, "AUTH-1027", http.MethodPost, factorsPath(u), body)
	h.expectError(401, "AUTH-1010", http.MethodPost, factorsPath(u), body)
}

func TestDisabledTOTPIsRefusedEverywhere(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("edda")
	fid := h.totpSkip(u)
	pending := h.enroll(u, map[string]any{"method": "TOTP", "offlineTOTP": true})
	h.s.SetEnabledFactors([]string{MethodSMS, MethodEmail})
	check := func(method, path string, body any) {
		t.Helper()
		st, m, raw := h.do(method, path, body)
		cause, _ := m["cause"].([]any)
		if st != 401 || causeCode(m) != "AUTH-1125" || len(cause) != 1 || cause[0].(map[string]any)["message"] != "The TOTP factor has been disabled." {
			t.Fatalf("%s %s: %d %s", method, path, st, raw)
		}
	}
	check(http.MethodPost, factorsPath(u), map[string]any{"method": "TOTP", "offlineTOTP": true})
	check(http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": "edda", "userIdType": "USER_NAME", "factorId": fid, "method": "TOTP"})
	check(http.MethodPatch, factorsPath(u)+"/"+pending["factorId"].(string), map[string]any{"otpCode": h.otp(u, pending["factorId"].(string)), "requestState": pending["requestState"]})
	// Disabled between V1 and V2: the answer is refused too.
	h.s.SetEnabledFactors(DefaultEnabledFactors)
	v1 := h.initiate(u, "factorId", fid, "method", "TOTP")
	h.s.SetEnabledFactors([]string{MethodSMS})
	check(http.MethodPatch, requestPath(v1), map[string]any{"otpCode": h.otp(u, fid), "requestState": v1["requestState"]})
}

func TestRenameAuthenticatorDevices(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("fay")
	totp, push, sms := h.totpSkip(u), h.pushEnrolled(u), h.enrolledSMS(u, "7700900300")
	h.mustDo(http.StatusOK, http.MethodPatch, factorsPath(u)+"/"+totp, map[string]any{"displayName": "  YubiKey 5  "})
	h.mustDo(http.StatusOK, http.MethodPatch, factorsPath(u)+"/"+push, map[string]any{"displayName": "Fay's iPhone"})
	h.expectError(400, "AUTH-1111", http.MethodPatch, factorsPath(u)+"/"+sms, map[string]any{"displayName": "my phone"})
	h.expectError(400, "AUTH-1111", http.MethodPatch, factorsPath(u)+"/"+totp, map[string]any{"displayName": "   "})
	h.expectError(400, "AUTH-1111", http.MethodPatch, factorsPath(u)+"/"+totp, map[string]any{"displayName": strings.Repeat("x", 256)})
	want := map[string]string{totp: "YubiKey 5", push: "Fay's iPhone", sms: "+44XXXXXXX300"}
	for _, path := range []string{factorsPath(u), "/mfa/v1/users?userId=fay&userIdType=USER_NAME&attributes=factors"} {
		got := map[string]string{}
		for _, f := range h.mustDo(http.StatusOK, http.MethodGet, path, nil)["factors"].([]any) {
			f := f.(map[string]any)
			got[f["factorId"].(string)], _ = f["displayName"].(string)
		}
		for id, name := range want {
			if got[id] != name {
				t.Fatalf("%s: factor %s is named %q, want %q", path, id, got[id], name)
			}
		}
	}
	// Verification shows the new name too.
	if v1 := h.initiate(u, "factorId", totp, "method", "TOTP"); v1["displayName"] != "YubiKey 5" {
		t.Fatalf("V1 displayName %v", v1["displayName"])
	}
}

func TestInvalidTOTPSettingsAreRefused(t *testing.T) {
	for _, cfg := range []Config{
		{TOTPPeriod: 29 * time.Second}, {TOTPPeriod: 301 * time.Second}, {TOTPPeriod: 30500 * time.Millisecond},
		{TOTPDigits: 3}, {TOTPDigits: 11}, {TOTPAlgorithm: "SHA3"}, {TOTPAlgorithm: "MD5"}, {OTPLength: 2},
	} {
		if err := cfg.Validate(); err == nil {
			t.Errorf("%+v validated", cfg)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%+v) did not panic", cfg)
				}
			}()
			New(cfg)
		}()
	}
	for _, cfg := range []Config{{}, {TOTPPeriod: 30 * time.Second, TOTPDigits: 4, TOTPAlgorithm: "sha384"}, {TOTPPeriod: 300 * time.Second, TOTPDigits: 10, OTPLength: 10}} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}
