package emulator

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Methods E3 can enroll, in the order Oracle lists them.
var enrollableMethods = []string{MethodSMS, MethodPhoneCall, MethodTOTP, MethodPush, MethodEmail, MethodSecurityQuestions}

var (
	countryCodeRE  = regexp.MustCompile(`^\+[1-9][0-9]{0,3}$`)
	mobileNumberRE = regexp.MustCompile(`^[0-9]{4,14}$`)
)

func (s *Server) enrollLocked(u *userState, req enrollRequest) (map[string]any, *apiError) {
	method := strings.ToUpper(strings.TrimSpace(req.Method))
	if method == "" {
		return nil, errMissing("method")
	}
	if !contains(enrollableMethods, method) {
		return nil, errUnsupportedFactor(strings.Join(enrollableMethods, ", "))
	}
	if !s.enabled[method] {
		return nil, errFactorDisabled(method)
	}
	skip := req.SkipFactorVerification.True()
	offline := req.OfflineTOTP.True()
	if skip && method != MethodSMS && method != MethodEmail && (method != MethodTOTP || !offline) {
		return nil, errInvalidRequest("skipFactorVerification applies to SMS, EMAIL and offline TOTP only.")
	}
	switch method {
	case MethodSMS, MethodPhoneCall:
		return s.enrollPhoneLocked(u, method, req, skip)
	case MethodEmail:
		return s.enrollEmailLocked(u, req, skip)
	case MethodTOTP, MethodPush:
		return s.enrollAppLocked(u, method, req, offline, skip)
	default:
		return s.enrollSecurityQuestionsLocked(u)
	}
}

func (s *Server) enrollPhoneLocked(u *userState, method string, req enrollRequest, skip bool) (map[string]any, *apiError) {
	if req.CountryCode == "" {
		return nil, errMissing("countryCode")
	}
	if req.MobileNumber == "" {
		return nil, errMissing("mobileNumber")
	}
	f, e := s.phoneFactorLocked(u, method, req.CountryCode, req.MobileNumber)
	if e != nil {
		return nil, e
	}
	return s.startOrSkipLocked(u, f, req.externalClient, skip), nil
}

// phoneFactorLocked checks a phone number (normalizePhone) and finds the user's factor of
// this method and number (phoneFactorFor), or makes a new pending one when the device limit
// allows: what E3 and the self-service enroller do alike with a number.
func (s *Server) phoneFactorLocked(u *userState, method, countryCode, number string) (*factor, *apiError) {
	cc, num, e := normalizePhone(countryCode, number)
	if e != nil {
		return nil, e
	}
	f, e := u.phoneFactorFor(method, cc, num)
	if e != nil {
		return nil, e
	}
	if f == nil {
		if e := s.checkDeviceLimitLocked(u); e != nil {
			return nil, e
		}
		f = s.newFactorLocked(u, []string{method}, maskPhone(cc, num))
		f.CountryCode, f.MobileNumber = cc, num
	}
	return f, nil
}

// normalizePhone checks a phone number as E3 and the self-service enroller take it (country
// code with or without "+", number with spaces, dashes or parentheses): E.164, at most 15
// digits. A bad one is 400 AUTH-1030.
func normalizePhone(countryCode, number string) (string, string, *apiError) {
	cc := strings.TrimSpace(countryCode)
	if !strings.HasPrefix(cc, "+") {
		cc = "+" + cc
	}
	num := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(number)
	if !countryCodeRE.MatchString(cc) || !mobileNumberRE.MatchString(num) || len(cc)-1+len(num) > 15 {
		return "", "", errPhoneInvalid(cc + number)
	}
	return cc, num, nil
}

// phoneFactorFor finds the user's factor of this method and number: the same number enrolled
// again is refused when enrolled (AUTH-1031) and restarts the pending enrollment otherwise
// (ARCHITECTURE.md decision 3). Nil and no error: a new number.
func (u *userState) phoneFactorFor(method, cc, num string) (*factor, *apiError) {
	for _, id := range u.factorOrder {
		f := u.factors[id]
		if f.method() == method && f.CountryCode == cc && f.MobileNumber == num {
			if f.Status == StatusEnrolled {
				return nil, errPhoneEnrolled(cc + num)
			}
			return f, nil
		}
	}
	return nil, nil
}

func (s *Server) enrollEmailLocked(u *userState, req enrollRequest, skip bool) (map[string]any, *apiError) {
	if u.Email == "" {
		return nil, errEnrollFailed("the user has no primary email address")
	}
	for _, id := range u.factorOrder {
		f := u.factors[id]
		if f.method() == MethodEmail {
			if f.Status == StatusEnrolled {
				return nil, errEnrollFailed("the EMAIL factor is already enrolled")
			}
			return s.startOrSkipLocked(u, f, req.externalClient, skip), nil
		}
	}
	if e := s.checkDeviceLimitLocked(u); e != nil {
		return nil, e
	}
	f := s.newFactorLocked(u, []string{MethodEmail}, u.Email)
	return s.startOrSkipLocked(u, f, req.externalClient, skip), nil
}

// startOrSkipLocked either enrolls an SMS/EMAIL factor at once (skipFactorVerification) or
// (re)starts its passcode round trip: a new OTP and a new requestState, the old one void.
func (s *Server) startOrSkipLocked(u *userState, f *factor, ext externalClient, skip bool) map[string]any {
	if f.otp != "" {
		// A restart (or a resend) of an enrollment that already sent a passcode changes the
		// device: its meta.lastModified moves past meta.created (decision 3, EMULATOR.md).
		f.modified = s.now()
	}
	if skip {
		s.markEnrolledLocked(u, f)
		return enrollmentBody(f)
	}
	otp, enc := s.sendOTPLocked(u, f, ext)
	f.otp, f.otpExpires = otp, s.now().Add(s.cfg.OTPValidity)
	f.nonce = s.rng.hexID()
	body := enrollmentBody(f)
	body["requestState"] = s.newState(stateKindEnroll, u.ID, f.ID, "", f.nonce)
	if enc != nil {
		body["otp"] = enc
	}
	return body
}

// enrollAppLocked is E3 for authenticator-app factors: offline TOTP (secret and otpauth://
// QR code, activated with E5), online TOTP and PUSH (Oracle Mobile Authenticator QR code,
// polled with E4), or, with skipFactorVerification, an existing token's sharedSecret.
func (s *Server) enrollAppLocked(u *userState, method string, req enrollRequest, offline, skip bool) (map[string]any, *apiError) {
	methods := []string{MethodTOTP}
	if method == MethodPush {
		methods = []string{MethodPush, MethodTOTP} // PUSH always co-enrolls TOTP
		offline = false
	}
	// A new device each time, so the domain's device limit applies to every one.
	if e := s.checkDeviceLimitLocked(u); e != nil {
		return nil, e
	}
	if skip {
		return s.enrollSharedSecretLocked(u, req)
	}
	f := s.newFactorLocked(u, methods, deviceName(u))
	f.OfflineTOTP = offline
	// Online factors get a secret too: it stands for the key the Oracle Mobile Authenticator
	// app would hold, so LastOTP can answer for TOTP verification.
	f.SharedSecret = s.rng.totpSecret()
	f.nonce = s.rng.hexID()
	body := enrollmentBody(f)
	body["requestState"] = s.newState(stateKindEnroll, u.ID, f.ID, "", f.nonce)
	body["qrCode"] = map[string]string{"content": s.qrContent(u, f), "imageData": qrPlaceholderPNG, "imageType": "image/png"}
	if offline {
		body["sharedSecret"] = f.SharedSecret
		body["offlineTOTP"] = "true"
	}
	return body, nil
}

// qrContent is qrCode.content: the URI shape of Oracle's samples (reference §3, "TOTP QR
// details"), with the domain's TOTP period, algorithm and digits, which the app will use.
func (s *Server) qrContent(u *userState, f *factor) string {
	q := "issuer=" + url.QueryEscape(s.cfg.Issuer) + "&period=" + strconv.FormatInt(s.totp.period, 10) +
		"&algorithm=" + s.totp.algorithm + "&digits=" + strconv.Itoa(s.totp.digits) +
		"&RSA=SHA256withRSA&Deviceid=" + f.ID + "&RequestId=" + s.rng.uuid()
	if f.OfflineTOTP {
		return "otpauth://totp/" + url.PathEscape(u.UserName) + "?" + q + "&secret=" + f.SharedSecret +
			"&ServiceType=TOTP&KeyPairLength=2048&SSE=Base32"
	}
	service := "TOTP"
	if f.hasMethod(MethodPush) {
		service = "TOTP%2BPUSH"
	}
	return "oraclemobileauthenticator://totp/" + url.PathEscape(u.UserName) + "?" + q +
		"&LoginURL=" + url.QueryEscape("https://emulator.invalid/sso/v1/") + "&OTP=" + s.rng.hexID() +
		"&ServiceType=" + service + "&KeyPairLength=2048&SSE=Base32"
}

func (s *Server) enrollSecurityQuestionsLocked(u *userState) (map[string]any, *apiError) {
	f := u.factors[SecurityQuestionsFactorID]
	if f != nil && f.Status == StatusEnrolled {
		return nil, errEnrollFailed("security questions are already set up; update them with PATCH on the SecurityQuestions factor")
	}
	if f == nil {
		f = &factor{ID: SecurityQuestionsFactorID, Methods: []string{MethodSecurityQuestions}, Status: StatusInitiated, created: s.now()}
		u.factors[f.ID] = f
		u.factorOrder = append(u.factorOrder, f.ID)
	}
	qs := make([]map[string]string, 0, len(securityQuestionCatalog))
	for _, q := range securityQuestionCatalog {
		qs = append(qs, map[string]string{"id": q.ID, "localizedText": q.Text})
	}
	body := enrollmentBody(f)
	body["securityQuestions"] = qs
	return body, nil
}

func (s *Server) newFactorLocked(u *userState, methods []string, displayName string) *factor {
	f := &factor{ID: s.rng.hexID(), Methods: methods, Status: StatusInitiated, DisplayName: displayName, created: s.now()}
	u.factors[f.ID] = f
	u.factorOrder = append(u.factorOrder, f.ID)
	u.modified = s.now()
	return f
}

func enrollmentBody(f *factor) map[string]any {
	body := map[string]any{
		"status":       "success",
		"factorId":     f.ID,
		"factorStatus": f.Status,
		"methods":      append([]string(nil), f.Methods...),
	}
	if f.DisplayName != "" {
		body["displayName"] = f.DisplayName
	}
	return body
}

// maskPhone shows the country code and the last three digits, as Oracle does
// ("+44XXXXXXX455" for +44 1122334455).
func maskPhone(cc, num string) string {
	keep := 3
	if len(num) <= keep {
		return cc + num
	}
	return cc + strings.Repeat("X", len(num)-keep) + num[len(num)-keep:]
}

func deviceName(u *userState) string {
	name := u.GivenName
	if name == "" {
		name = u.UserName
		if i := strings.IndexByte(name, '@'); i > 0 {
			name = name[:i]
		}
	}
	return name + "'s Phone"
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// isSentOTPMethod says whether the method's passcode is sent to the user (and can be resent).
func isSentOTPMethod(m string) bool {
	return m == MethodSMS || m == MethodEmail || m == MethodPhoneCall
}
