package emulator

import (
	"net/http"
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

// handleListFactors is E1: GET /mfa/v1/users/{id}/factors. Only enrolled factors are listed
// (ARCHITECTURE.md decision 1).
func (s *Server) handleListFactors(w http.ResponseWriter, r *http.Request, _ *token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.pathUserLocked(w, r, false)
	if u == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.userFactorsBodyLocked(u))
}

// pathUserLocked finds the user named in the request path, or answers 404 AUTH-3018 and
// returns nil. With active, a locked user is refused too (401 AUTH-1010): reads and
// deletions stay open to a locked user so that Terraform can refresh and destroy.
// The caller holds s.mu.
func (s *Server) pathUserLocked(w http.ResponseWriter, r *http.Request, active bool) *userState {
	u := s.users[r.PathValue("id")]
	switch {
	case u == nil:
		s.writeMFAError(w, errUserNotFound())
		return nil
	case active && u.Locked:
		s.writeMFAError(w, errLocked())
		return nil
	}
	return u
}

// handleFindUser is E2: GET /mfa/v1/users?userId=&userIdType=&attributes=factors.
func (s *Server) handleFindUser(w http.ResponseWriter, r *http.Request, _ *token) {
	q := r.URL.Query()
	userID := q.Get("userId")
	if userID == "" {
		s.writeMFAError(w, errMissing("userId"))
		return
	}
	if a := q.Get("attributes"); a != "" && a != "factors" {
		s.writeMFAError(w, errInvalidRequest("The only supported value of attributes is factors."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, e := s.resolveUserLocked(userID, q.Get("userIdType"))
	if e != nil {
		s.writeMFAError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, s.userFactorsBodyLocked(u))
}

// resolveUserLocked finds a user by GUID or user name; Oracle assumes USER_NAME by default.
func (s *Server) resolveUserLocked(userID, idType string) (*userState, *apiError) {
	var u *userState
	switch idType {
	case "", "USER_NAME":
		u = s.userByNameLocked(userID)
	case "USER_GUID":
		u = s.users[userID]
	default:
		return nil, errInvalidRequest("userIdType must be USER_NAME or USER_GUID.")
	}
	if u == nil {
		return nil, errUserNotFound()
	}
	return u, nil
}

func (s *Server) userFactorsBodyLocked(u *userState) map[string]any {
	body := map[string]any{
		"userGUID": u.ID,
		"status":   "success",
		"factors":  s.enrolledFactorsLocked(u),
	}
	if u.preferredID != "" {
		body["preferredFactorId"] = u.preferredID
		body["preferredMethod"] = u.preferredMeth
	}
	return body
}

// handleEnroll is E3: POST /mfa/v1/users/{id}/factors.
func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request, _ *token) {
	var req enrollRequest
	if e := decodeRequest(r, &req); e != nil {
		s.writeMFAError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.pathUserLocked(w, r, true)
	if u == nil {
		return
	}
	body, e := s.enrollLocked(u, req)
	if e != nil {
		s.writeMFAError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

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
	cc := strings.TrimSpace(req.CountryCode)
	if !strings.HasPrefix(cc, "+") {
		cc = "+" + cc
	}
	num := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(req.MobileNumber)
	if !countryCodeRE.MatchString(cc) || !mobileNumberRE.MatchString(num) || len(cc)-1+len(num) > 15 {
		return nil, errPhoneInvalid(cc + req.MobileNumber)
	}
	// The same number enrolled again: refused when enrolled, restarted when pending
	// (ARCHITECTURE.md decision 3).
	for _, id := range u.factorOrder {
		f := u.factors[id]
		if f.method() == method && f.CountryCode == cc && f.MobileNumber == num {
			if f.Status == StatusEnrolled {
				return nil, errPhoneEnrolled(cc + num)
			}
			return s.startOrSkipLocked(u, f, req.externalClient, skip), nil
		}
	}
	f := s.newFactorLocked(u, []string{method}, maskPhone(cc, num))
	f.CountryCode, f.MobileNumber = cc, num
	return s.startOrSkipLocked(u, f, req.externalClient, skip), nil
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
	f := s.newFactorLocked(u, []string{MethodEmail}, u.Email)
	return s.startOrSkipLocked(u, f, req.externalClient, skip), nil
}

// startOrSkipLocked either enrolls an SMS/EMAIL factor at once (skipFactorVerification) or
// (re)starts its passcode round trip: a new OTP and a new requestState, the old one void.
func (s *Server) startOrSkipLocked(u *userState, f *factor, ext externalClient, skip bool) map[string]any {
	if skip {
		s.markEnrolledLocked(u, f)
		return enrollmentBody(f)
	}
	otp, enc := s.issueOTPLocked(u, f, ext)
	f.otp, f.otpExpires = otp, s.now().Add(s.cfg.OTPValidity)
	f.nonce = s.rng.hexID()
	body := enrollmentBody(f)
	body["requestState"] = s.newState(stateKindEnroll, u.ID, f.ID, "", f.nonce)
	if enc != nil {
		body["otp"] = enc
	}
	return body
}

func (s *Server) enrollAppLocked(u *userState, method string, req enrollRequest, offline, skip bool) (map[string]any, *apiError) {
	methods := []string{MethodTOTP}
	if method == MethodPush {
		methods = []string{MethodPush, MethodTOTP} // PUSH always co-enrolls TOTP
		offline = false
	}
	name := deviceName(u)
	if skip {
		secret := strings.TrimSpace(req.SharedSecret)
		if secret == "" {
			return nil, errMissing("sharedSecret")
		}
		if code := string(req.OTPCode); code != "" {
			if _, err := decodeBase32(secret); err != nil {
				return nil, errInvalidRequest("sharedSecret is not a base32 string.")
			}
			if !totpValid(secret, code, s.now(), s.cfg.OTPLength) {
				return nil, errInvalidPasscode()
			}
		}
		f := s.newFactorLocked(u, methods, name)
		f.OfflineTOTP, f.SharedSecret = true, secret
		s.markEnrolledLocked(u, f)
		return enrollmentBody(f), nil
	}
	f := s.newFactorLocked(u, methods, name)
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

func (s *Server) qrContent(u *userState, f *factor) string {
	q := "issuer=" + url.QueryEscape(s.cfg.Issuer) + "&period=30&algorithm=SHA1&digits=" + strconv.Itoa(s.cfg.OTPLength) +
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

// handleGetFactor is E4: GET /mfa/v1/users/{id}/factors/{factorId}; pending factors too.
func (s *Server) handleGetFactor(w http.ResponseWriter, r *http.Request, _ *token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.pathUserLocked(w, r, false)
	if u == nil {
		return
	}
	fid := r.PathValue("factorId")
	f := u.factors[fid]
	if f == nil {
		s.writeMFAError(w, errDeviceNotFound(fid))
		return
	}
	if f.Status != StatusEnrolled {
		writeJSON(w, http.StatusOK, map[string]any{"status": "pending", "factorId": f.ID, "factorStatus": f.Status})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "factorId": f.ID, "factorStatus": f.Status, "methods": append([]string(nil), f.Methods...)})
}

// handlePatchFactor is E5: activate with a passcode, resend it, set security questions, or
// rename an authenticator-app device.
func (s *Server) handlePatchFactor(w http.ResponseWriter, r *http.Request, _ *token) {
	var req completeEnrollmentRequest
	if e := decodeRequest(r, &req); e != nil {
		s.writeMFAError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.pathUserLocked(w, r, false)
	if u == nil {
		return
	}
	fid := r.PathValue("factorId")
	f := u.factors[fid]
	if f == nil {
		s.writeMFAError(w, errDeviceNotFound(fid))
		return
	}
	if u.Locked {
		s.writeMFAError(w, errLocked())
		return
	}
	var body map[string]any
	var e *apiError
	switch {
	case len(req.SecurityQuestions) > 0:
		e = s.setSecurityQuestionsLocked(u, f, req.SecurityQuestions)
	case req.ResendOtp.True():
		body, e = s.resendEnrollmentLocked(u, f, req)
	case req.OTPCode != "":
		e = s.activateLocked(u, f, req)
	case req.DisplayName != "":
		e = s.renameLocked(f, req.DisplayName)
	default:
		e = errMissing("otpCode")
	}
	if e != nil {
		s.writeMFAError(w, e)
		return
	}
	if body == nil {
		body = map[string]any{"status": "success"}
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) resendEnrollmentLocked(u *userState, f *factor, req completeEnrollmentRequest) (map[string]any, *apiError) {
	if f.Status == StatusEnrolled {
		return nil, errAlreadyEnrolled()
	}
	if !isSentOTPMethod(f.method()) {
		return nil, errInvalidRequest("resendOtp applies to SMS, EMAIL and PHONE_CALL factors only.")
	}
	if e := s.checkState(req.RequestState, stateKindEnroll, u.ID, f.ID, "", f.nonce); e != nil {
		return nil, e
	}
	return s.startOrSkipLocked(u, f, req.externalClient, false), nil
}

func (s *Server) activateLocked(u *userState, f *factor, req completeEnrollmentRequest) *apiError {
	if f.Status == StatusEnrolled {
		return errAlreadyEnrolled()
	}
	if f.ID == SecurityQuestionsFactorID {
		return errMissing("securityQuestions")
	}
	if f.hasMethod(MethodTOTP) && !f.OfflineTOTP {
		return errInvalidRequest("This factor is enrolled from the Oracle Mobile Authenticator app; poll its status instead.")
	}
	if e := s.checkState(req.RequestState, stateKindEnroll, u.ID, f.ID, "", f.nonce); e != nil {
		return e
	}
	code := strings.TrimSpace(string(req.OTPCode))
	var ok bool
	if f.OfflineTOTP {
		ok = totpValid(f.SharedSecret, code, s.now(), s.cfg.OTPLength)
	} else {
		ok = s.now().Before(f.otpExpires) && otpMatches(code, f.otp)
	}
	if !ok {
		return s.failAttemptLocked(u, errInvalidPasscode())
	}
	s.markEnrolledLocked(u, f)
	return nil
}

// failAttemptLocked counts a wrong passcode or answer; the attempt that reaches the
// maximum locks the user (AUTH-1027), later ones see AUTH-1010 (decision 5).
func (s *Server) failAttemptLocked(u *userState, e *apiError) *apiError {
	u.failedAttempts++
	u.modified = s.now()
	if u.failedAttempts >= s.cfg.MaxFailedAttempts {
		u.Locked = true
		return errLockedNow()
	}
	return e
}

func (s *Server) renameLocked(f *factor, name string) *apiError {
	if !f.hasMethod(MethodTOTP) {
		return errInvalidRequest("Only authenticator-app devices (TOTP, PUSH) can be renamed.")
	}
	name = strings.TrimSpace(name)
	if len(name) > 255 {
		return errInvalidRequest("displayName is longer than 255 characters.")
	}
	f.DisplayName = name
	return nil
}

// handleDeleteFactor is E6: DELETE /mfa/v1/users/{id}/factors/{factorId}, 204 on success.
func (s *Server) handleDeleteFactor(w http.ResponseWriter, r *http.Request, _ *token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.pathUserLocked(w, r, false)
	if u == nil {
		return
	}
	fid := r.PathValue("factorId")
	if !s.deleteFactorLocked(u, fid) {
		s.writeMFAError(w, errDeviceNotFound(fid))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handlePatchUser is E7: change the preferred factor or disable MFA.
func (s *Server) handlePatchUser(w http.ResponseWriter, r *http.Request, _ *token) {
	var req changeDefaultFactorRequest
	if e := decodeRequest(r, &req); e != nil {
		s.writeMFAError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.pathUserLocked(w, r, true)
	if u == nil {
		return
	}
	var e *apiError
	switch {
	case req.DisableMFA.True():
		e = s.disableMFALocked(u)
	case req.PreferredFactorID != "":
		e = s.setPreferredLocked(u, req.PreferredFactorID, strings.ToUpper(req.PreferredMethod))
	case req.PreferredMethod != "":
		e = &apiError{http.StatusBadRequest, "AUTH-1114", "You must provide the deviceId when configuring " + req.PreferredMethod + " as the preferred authentication factor."}
	default:
		e = errMissing("preferredFactorId")
	}
	if e != nil {
		s.writeMFAError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
}

// disableMFALocked removes every factor, as Oracle documents; a user with none is not
// enrolled in MFA, which Oracle answers with 401.
func (s *Server) disableMFALocked(u *userState) *apiError {
	if len(u.factors) == 0 && len(u.bypassCodes) == 0 {
		return errNotEnrolledInMFA()
	}
	u.factors = map[string]*factor{}
	u.factorOrder = nil
	u.answers = nil
	u.bypassCodes = nil
	u.preferredID, u.preferredMeth = "", ""
	u.modified = s.now()
	return nil
}

func (s *Server) setPreferredLocked(u *userState, factorID, method string) *apiError {
	if method == "" {
		return errPreferredNeedsMethod()
	}
	f := u.factors[factorID]
	if f == nil {
		return errDeviceNotFound(factorID)
	}
	if f.Status != StatusEnrolled {
		return &apiError{http.StatusBadRequest, "AUTH-1109", "Enrollment in the One-Time Passcode authentication method is pending verification."}
	}
	if !f.hasMethod(method) {
		return errInvalidRequest("preferredMethod " + method + " is not a method of factor " + factorID + ".")
	}
	u.preferredID, u.preferredMeth = f.ID, method
	u.modified = s.now()
	return nil
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
