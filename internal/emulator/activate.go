package emulator

import "strings"

// resendEnrollmentLocked is E5 {"resendOtp":true,"requestState"}: a new passcode for a
// pending SMS, EMAIL or PHONE_CALL factor, with a new requestState (reference §3, E5).
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
	kept := f.nonce
	body := s.startOrSkipLocked(u, f, req.externalClient, false)
	if s.cfg.ResendKeepsRequestState {
		// The enrollment goes on: its requestStates, old and new, name the same round trip.
		f.nonce = kept
		body["requestState"] = s.newState(stateKindEnroll, u.ID, f.ID, "", kept)
	}
	return body, nil
}

// activateLocked is E5 {"otpCode","requestState"}: the passcode sent for a pending SMS,
// EMAIL or PHONE_CALL factor, or a code of an offline TOTP app with the domain's settings.
// A wrong one is 401 AUTH-1105 and counts towards the lockout.
func (s *Server) activateLocked(u *userState, f *factor, req completeEnrollmentRequest) *apiError {
	if f.Status == StatusEnrolled {
		return errAlreadyEnrolled()
	}
	if f.ID == SecurityQuestionsFactorID {
		return errMissing("securityQuestions")
	}
	if !s.enabled[f.method()] {
		return errFactorDisabled(f.method())
	}
	if f.hasMethod(MethodTOTP) && !f.OfflineTOTP {
		return errInvalidRequest("This factor is enrolled from the Oracle Mobile Authenticator app; poll its status instead.")
	}
	if e := s.checkState(req.RequestState, stateKindEnroll, u.ID, f.ID, "", f.nonce); e != nil {
		return e
	}
	if !s.enrollmentCodeOKLocked(f, strings.TrimSpace(string(req.OTPCode))) {
		return s.failAttemptLocked(u, errInvalidPasscode())
	}
	s.markEnrolledLocked(u, f)
	return nil
}

// enrollmentCodeOKLocked checks the code that activates a pending factor: a current code of
// an offline TOTP app (spending its step), or the latest passcode sent, before it expires.
func (s *Server) enrollmentCodeOKLocked(f *factor, code string) bool {
	if f.OfflineTOTP {
		return s.acceptTOTPLocked(f, code)
	}
	return s.now().Before(f.otpExpires) && otpMatches(code, f.otp)
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

// renameLocked is E5 {"displayName"}: only authenticator-app devices (TOTP, PUSH) have a
// name of their own; phone numbers and e-mail addresses are not renamed.
func (s *Server) renameLocked(f *factor, name string) *apiError {
	if !f.hasMethod(MethodTOTP) {
		return errInvalidRequest("Only authenticator-app devices (TOTP, PUSH) can be renamed.")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return errInvalidRequest("displayName must not be blank.")
	}
	if len(name) > 255 {
		return errInvalidRequest("displayName is longer than 255 characters.")
	}
	f.DisplayName = name
	return nil
}
