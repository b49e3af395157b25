package emulator

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// The schemas of the self-service enrollment requests. Oracle's samples send the names
// without "My" (reference §6.3); the "My" names are accepted too.
const (
	schemaEnroller  = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorEnroller"
	schemaInitiator = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorInitiator"
	schemaValidator = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorValidator"
	schemaRemover   = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorsRemover"
	scenarioEnroll  = "ENROLLMENT"
	scenarioAuthn   = "AUTHENTICATION"
)

// myEnrollableFactors are the authnFactors values the enroller takes.
var myEnrollableFactors = []string{MethodSMS, MethodEmail, MethodTOTP, MethodPush}

// hasMySchema accepts Oracle's schema name or its "My" form.
func hasMySchema(schemas []string, name string) bool {
	return hasSchema(schemas, name) || hasSchema(schemas, strings.Replace(name, "idcs:", "idcs:My", 1))
}

type myRef struct {
	Value string `json:"value"`
}

// myEnrollerRequest is MyAuthenticationFactorEnroller's body (reference §6.3).
type myEnrollerRequest struct {
	mySchemas
	User            myRef    `json:"user"`
	AuthnFactors    []string `json:"authnFactors"`
	DisplayName     string   `json:"displayName"`
	CountryCode     string   `json:"countryCode"`
	PhoneNumber     string   `json:"phoneNumber"`
	IsDeviceOffline flexBool `json:"isDeviceOffline"`
}

// handleMyEnroller is POST /admin/v1/MyAuthenticationFactorEnroller: it creates a pending
// device (a factor in ENROLLMENT_INITIATED, which /mfa/v1 E4 shows too) and answers 201 with
// its deviceId and a requestId. No passcode is sent: MyAuthenticationFactorInitiator sends it.
// SMS needs countryCode and phoneNumber; EMAIL uses the primary address; TOTP with
// isDeviceOffline true is an offline authenticator app (its secret is in qrCodeContent);
// TOTP online and PUSH are enrolled by the Oracle Mobile Authenticator app (out of band).
func (s *Server) handleMyEnroller(r *http.Request, userID string) (reply, error) {
	var req myEnrollerRequest
	if e := decodeMyRequest(r, &req, schemaEnroller); e != nil {
		return reply{}, e
	}
	if req.User.Value == "" {
		return reply{}, errSCIMMissingAttribute("user.value")
	}
	if len(req.AuthnFactors) == 0 {
		return reply{}, errSCIMMissingAttribute("authnFactors")
	}
	method := strings.ToUpper(strings.TrimSpace(req.AuthnFactors[0]))
	if len(req.AuthnFactors) > 1 || !contains(myEnrollableFactors, method) {
		return reply{}, errMyUnsupported("authnFactors", strings.Join(req.AuthnFactors, ","), myEnrollableFactors)
	}
	if e := checkText("displayName", req.DisplayName, 255); e != nil {
		return reply{}, e
	}
	return s.asMe(userID, func(u *userState) (reply, error) {
		return s.myEnrollerLocked(r, u, method, req)
	})
}

// myEnrollerLocked is the enroller's work once the request is read.
func (s *Server) myEnrollerLocked(r *http.Request, u *userState, method string, req myEnrollerRequest) (reply, error) {
	if !strings.EqualFold(req.User.Value, u.ID) {
		return reply{}, errMyInvalidReference("user.value", req.User.Value)
	}
	if u.Locked {
		return reply{}, mySCIMError(errLocked())
	}
	if !s.enabled[method] {
		return reply{}, mySCIMError(errFactorDisabled(method))
	}
	if name, off := s.userEnrollmentDisabled(method, method == MethodTOTP && req.IsDeviceOffline.True()); off {
		return reply{}, errMyUserEnrollmentDisabled(name)
	}
	f, e := s.myEnrollLocked(u, method, req)
	if e != nil {
		return reply{}, e
	}
	f.requestID = s.rng.uuid()
	f.otp, f.nonce = "", ""
	base := baseURL(r)
	body := map[string]any{
		"schemas":      []string{schemaEnroller},
		"user":         map[string]any{"value": u.ID, "$ref": base + "/admin/v1/Users/" + u.ID},
		"authnFactors": append([]string(nil), f.Methods...),
		"meta":         map[string]any{"resourceType": "MyAuthenticationFactorEnroller", "location": base + "/admin/v1/MyAuthenticationFactorEnroller"},
		"deviceId":     f.ID,
		"requestId":    f.requestID,
	}
	if req.DisplayName != "" || f.hasMethod(MethodTOTP) {
		body["displayName"] = f.DisplayName
	}
	switch {
	case method == MethodSMS:
		body["countryCode"] = f.CountryCode
		body["phoneNumber"] = strings.TrimPrefix(maskPhone(f.CountryCode, f.MobileNumber), f.CountryCode)
	case f.hasMethod(MethodTOTP):
		// Oracle wraps the QR content in base64 and the (already base64) PNG once more
		// (reference §6.3, §10 #11).
		body["isDeviceOffline"] = f.OfflineTOTP
		body["qrCodeContent"] = base64.StdEncoding.EncodeToString([]byte(s.qrContent(u, f)))
		body["qrCodeImgContent"] = base64.StdEncoding.EncodeToString([]byte(qrPlaceholderPNG))
		body["qrCodeImgType"] = "PNG"
	}
	return scimOK(http.StatusCreated, body)
}

// myEnrollLocked finds or creates the pending device of an enroller request. An SMS number
// or the EMAIL factor already pending is restarted (same deviceId), as E3 does; one already
// enrolled is refused.
func (s *Server) myEnrollLocked(u *userState, method string, req myEnrollerRequest) (*factor, *scimError) {
	switch method {
	case MethodSMS:
		if req.CountryCode == "" {
			return nil, errSCIMMissingAttribute("countryCode")
		}
		if req.PhoneNumber == "" {
			return nil, errSCIMMissingAttribute("phoneNumber")
		}
		f, e := s.phoneFactorLocked(u, MethodSMS, req.CountryCode, req.PhoneNumber)
		if e != nil {
			return nil, mySCIMError(e)
		}
		if req.DisplayName != "" {
			f.DisplayName = req.DisplayName
		}
		return f, nil
	case MethodEmail:
		if u.Email == "" {
			return nil, errSCIMInvalidValue("The user has no primary e-mail address to enroll.")
		}
		for _, id := range u.factorOrder {
			if f := u.factors[id]; f.method() == MethodEmail {
				if f.Status == StatusEnrolled {
					return nil, errMyAlreadyEnrolled()
				}
				return f, nil
			}
		}
		if e := s.checkDeviceLimitLocked(u); e != nil {
			return nil, mySCIMError(e)
		}
		return s.newFactorLocked(u, []string{MethodEmail}, u.Email), nil
	}
	if e := s.checkDeviceLimitLocked(u); e != nil {
		return nil, mySCIMError(e)
	}
	methods, offline := []string{MethodTOTP}, req.IsDeviceOffline.True()
	if method == MethodPush {
		methods, offline = []string{MethodPush, MethodTOTP}, false
	}
	name := req.DisplayName
	if name == "" {
		name = deviceName(u)
	}
	f := s.newFactorLocked(u, methods, name)
	f.OfflineTOTP = offline
	f.SharedSecret = s.rng.totpSecret()
	return f, nil
}

// myInitiatorRequest is MyAuthenticationFactorInitiator's body (reference §6.4).
type myInitiatorRequest struct {
	mySchemas
	DeviceID   string `json:"deviceId"`
	RequestID  string `json:"requestId"`
	UserName   string `json:"userName"`
	AuthFactor string `json:"authFactor"`
	Scenario   string `json:"scenario"`
}

// handleMyInitiator is POST /admin/v1/MyAuthenticationFactorInitiator: it sends a new
// passcode for a pending SMS or EMAIL device (to the outbox); sending it again is the resend,
// and only the latest passcode works. 201 with deviceId, requestId, authFactor, userName and
// displayName, as Oracle's sample (which has no meta).
func (s *Server) handleMyInitiator(r *http.Request, userID string) (reply, error) {
	var req myInitiatorRequest
	if e := decodeMyRequest(r, &req, schemaInitiator); e != nil {
		return reply{}, e
	}
	if e := checkScenario(req.Scenario, false); e != nil {
		return reply{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, f, method, e := s.myDeviceRequestLocked(userID, req.DeviceID, req.RequestID, req.AuthFactor)
	if e != nil {
		return reply{}, e
	}
	if req.UserName != "" && !strings.EqualFold(req.UserName, u.UserName) {
		return reply{}, errMyInvalidReference("userName", req.UserName)
	}
	if !isSentOTPMethod(method) {
		return reply{}, errMyUnsupported("authFactor", method, []string{MethodSMS, MethodEmail})
	}
	if f.Status == StatusEnrolled {
		return reply{}, errMyAlreadyEnrolled()
	}
	if u.Locked {
		return reply{}, mySCIMError(errLocked())
	}
	if !s.enabled[method] {
		return reply{}, mySCIMError(errFactorDisabled(method))
	}
	f.otp, _ = s.sendOTPLocked(u, f, externalClient{})
	f.otpExpires = s.now().Add(s.cfg.OTPValidity)
	return scimOK(http.StatusCreated, map[string]any{
		"schemas":     []string{schemaInitiator},
		"deviceId":    f.ID,
		"requestId":   f.requestID,
		"authFactor":  method,
		"userName":    u.UserName,
		"displayName": f.DisplayName,
	})
}

// checkScenario accepts ENROLLMENT (and, unless required, no scenario); AUTHENTICATION is
// Oracle's but not emulated (501).
func checkScenario(scenario string, required bool) *scimError {
	switch strings.ToUpper(strings.TrimSpace(scenario)) {
	case scenarioEnroll:
		return nil
	case "":
		if required {
			return errSCIMMissingAttribute("scenario")
		}
		return nil
	case scenarioAuthn:
		return errMyNotEmulated("the AUTHENTICATION scenario of the self-service authentication factor endpoints")
	}
	return errSCIMInvalidValue("scenario must be ENROLLMENT or AUTHENTICATION.")
}

// myDeviceRequestLocked resolves the caller, the device a request names and its authFactor
// (upper case): deviceId and authFactor are required; the device must be the caller's and
// have that method; a requestId, when sent, must be the one of the device's enrollment.
func (s *Server) myDeviceRequestLocked(userID, deviceID, requestID, authFactor string) (*userState, *factor, string, *scimError) {
	u, e := s.myUserLocked(userID)
	if e != nil {
		return nil, nil, "", e
	}
	if deviceID == "" {
		return nil, nil, "", errSCIMMissingAttribute("deviceId")
	}
	if authFactor == "" {
		return nil, nil, "", errSCIMMissingAttribute("authFactor")
	}
	f := u.factors[deviceID]
	if f == nil || f.ID == SecurityQuestionsFactorID {
		return nil, nil, "", errMyInvalidReference("deviceId", deviceID)
	}
	method := strings.ToUpper(strings.TrimSpace(authFactor))
	if !f.hasMethod(method) {
		return nil, nil, "", errMyUnsupported("authFactor", method, f.Methods)
	}
	if f.requestID == "" {
		// A device enrolled through /mfa/v1 gets its requestId when self-service first names it.
		f.requestID = s.rng.uuid()
	}
	if requestID != "" && requestID != f.requestID {
		return nil, nil, "", errMyRequestID()
	}
	return u, f, method, nil
}

// myValidatorRequest is MyAuthenticationFactorValidator's body (reference §6.5).
type myValidatorRequest struct {
	mySchemas
	DeviceID   string     `json:"deviceId"`
	RequestID  string     `json:"requestId"`
	OTPCode    flexString `json:"otpCode"`
	AuthFactor string     `json:"authFactor"`
	Scenario   string     `json:"scenario"`
	// SecurityQuestions are the answers of a SECURITY_QUESTIONS validation ({id, answer}).
	SecurityQuestions []securityQuestionItem `json:"securityQuestions"`
}

// handleMyValidator is POST /admin/v1/MyAuthenticationFactorValidator with scenario
// ENROLLMENT: the passcode of a pending SMS or EMAIL device (sent by the initiator) or the
// code of an offline TOTP app enrolls the device; a wrong one is 401 invalidPasscode and
// counts towards the lockout, like /mfa/v1's. For PUSH and online TOTP (no otpCode) it is
// the poll: 404 authenticationstatusnotfound until the app finished the enrollment. With
// authFactor SECURITY_QUESTIONS (no deviceId) it confirms the answers set with PATCH Me.
// 201 with the user's MFA summary.
func (s *Server) handleMyValidator(r *http.Request, userID string) (reply, error) {
	var req myValidatorRequest
	if e := decodeMyRequest(r, &req, schemaValidator); e != nil {
		return reply{}, e
	}
	if e := checkScenario(req.Scenario, true); e != nil {
		return reply{}, e
	}
	if strings.EqualFold(req.AuthFactor, MethodSecurityQuestions) {
		return s.asMe(userID, func(u *userState) (reply, error) {
			return s.myValidateSecurityQuestionsLocked(r, u, req.SecurityQuestions)
		})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, f, method, e := s.myDeviceRequestLocked(userID, req.DeviceID, req.RequestID, req.AuthFactor)
	if e != nil {
		return reply{}, e
	}
	if e := s.myValidateLocked(u, f, strings.TrimSpace(string(req.OTPCode))); e != nil {
		return reply{}, e
	}
	body := s.myValidatorSummaryLocked(r, u, method)
	body["deviceId"], body["requestId"], body["displayName"] = f.ID, f.requestID, f.DisplayName
	return scimOK(http.StatusCreated, body)
}

// myValidatorSummaryLocked is the validator's answer after a success: the request's factor and
// scenario, and the user's MFA summary as Oracle's samples show it.
func (s *Server) myValidatorSummaryLocked(r *http.Request, u *userState, method string) map[string]any {
	return map[string]any{
		"schemas":                          []string{schemaValidator},
		"authFactor":                       method,
		"scenario":                         scenarioEnroll,
		"meta":                             map[string]any{"resourceType": "MyAuthenticationFactorValidator", "location": baseURL(r) + "/admin/v1/MyAuthenticationFactorValidator"},
		"status":                           "SUCCESS",
		"mfaStatus":                        mfaStatus(u),
		"mfaPreferredDevice":               u.preferredID,
		"mfaPreferredAuthenticationFactor": u.preferredMeth,
		"securityQuestionsPresent":         u.answers != nil,
		"devicesCount":                     u.enrolledDeviceCount(),
		"emailFactorEnrolled":              u.emailEnrolled(),
	}
}

// myValidateLocked checks and applies one validation of a device's enrollment. The device
// validated becomes the preferred one, whatever the user had before: Oracle's samples (Offline
// OTP Step 2, PUSH Step 2, SMS Step 3) answer it as mfaPreferredDevice / the factor as
// mfaPreferredAuthenticationFactor, "the factor set as the preferred method". /mfa/v1 keeps
// its own rule (the first device enrolled), which its samples show.
func (s *Server) myValidateLocked(u *userState, f *factor, code string) *scimError {
	appEnrolled := f.hasMethod(MethodTOTP) && !f.OfflineTOTP
	switch {
	case appEnrolled && f.Status == StatusEnrolled && code == "":
		u.preferredID, u.preferredMeth = f.ID, f.method()
		return nil // the poll after the app finished: success
	case f.Status == StatusEnrolled:
		return errMyAlreadyEnrolled()
	case u.Locked:
		return mySCIMError(errLocked())
	case !s.enabled[f.method()]:
		return mySCIMError(errFactorDisabled(f.method()))
	case appEnrolled && code == "":
		return errMyPushPending()
	case appEnrolled:
		return errSCIMInvalidValue("This device is enrolled from the Oracle Mobile Authenticator app; poll without otpCode.")
	case code == "":
		return errSCIMMissingAttribute("otpCode")
	}
	if !s.enrollmentCodeOKLocked(f, code) {
		return mySCIMError(s.failAttemptLocked(u, errInvalidPasscode()))
	}
	s.markEnrolledLocked(u, f)
	u.preferredID, u.preferredMeth = f.ID, f.method()
	return nil
}

// enrolledDeviceCount counts the user's enrolled devices (security questions are not one).
func (u *userState) enrolledDeviceCount() int {
	n := 0
	for _, f := range u.factors {
		if f.Status == StatusEnrolled && f.ID != SecurityQuestionsFactorID {
			n++
		}
	}
	return n
}

func (u *userState) emailEnrolled() bool {
	for _, f := range u.factors {
		if f.Status == StatusEnrolled && f.hasMethod(MethodEmail) {
			return true
		}
	}
	return false
}
