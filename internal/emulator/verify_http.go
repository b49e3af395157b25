package emulator

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// verification is one MFA-on-demand request (V1-V3).
type verification struct {
	ID         string
	userID     string
	factorID   string
	method     string
	otp        string
	otpExpires time.Time
	nonce      string
	questions  []string // security question ids asked
	approved   bool     // PUSH approved by the user (out of band)
	rejected   bool     // PUSH rejected by the user (out of band)
	done       bool     // verified; the requestState is spent
	created    time.Time
}

// handleInitiateVerification is V1: POST /mfa/v1/requests.
func (s *Server) handleInitiateVerification(r *http.Request) (reply, error) {
	var req initiateVerificationRequest
	if e := decodeRequest(r, &req); e != nil {
		return reply{}, e
	}
	if req.UserID == "" {
		return reply{}, errMissing("userId")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, e := s.resolveUserLocked(req.UserID, req.UserIDType)
	if e != nil {
		return reply{}, e
	}
	if u.Locked {
		return reply{}, errLocked()
	}
	factorID, method, e := s.pickFactorLocked(u, req.FactorID, strings.ToUpper(req.Method))
	if e != nil {
		return reply{}, e
	}
	if !s.enabled[method] {
		return reply{}, errFactorDisabled(method)
	}
	v := &verification{ID: s.rng.uuid(), userID: u.ID, factorID: factorID, method: method, created: s.now()}
	s.pruneRequestsLocked()
	body, e := s.startVerificationLocked(u, v, req.externalClient)
	if e != nil {
		return reply{}, e
	}
	s.requests[v.ID] = v
	return ok(body)
}

// pickFactorLocked chooses the factor to verify: the named backup factor, or the preferred one.
func (s *Server) pickFactorLocked(u *userState, factorID, method string) (string, string, *apiError) {
	if factorID == "" {
		if u.preferredID == "" {
			return "", "", errNotEnrolledInMFA()
		}
		return u.preferredID, u.preferredMeth, nil
	}
	if method == "" {
		return "", "", errMissing("method")
	}
	if factorID == BypassCodeFactorID {
		if len(u.bypassCodes) == 0 {
			return "", "", errDeviceNotFound(factorID)
		}
		if method != MethodBypassCode {
			return "", "", errInvalidRequest("The method of the BypassCode factor is BYPASSCODE.")
		}
		return factorID, method, nil
	}
	f := u.factors[factorID]
	if f == nil || f.Status != StatusEnrolled {
		return "", "", errDeviceNotFound(factorID)
	}
	if !f.hasMethod(method) {
		return "", "", errInvalidRequest("method " + truncate(method, maxEchoed) + " is not a method of factor " + truncate(factorID, maxEchoed) + ".")
	}
	return factorID, method, nil
}

// startVerificationLocked (re)starts a verification (V1, V2 resend): a passcode sent for
// SMS, EMAIL and PHONE_CALL, a question asked for SECURITY_QUESTIONS, and a new
// requestState. With Config.CountSentOTPs a passcode sent counts as a 2-step attempt
// (PM-VER); the one that would reach MaxFailedAttempts is not sent, locks the user and is
// 401 AUTH-1027.
func (s *Server) startVerificationLocked(u *userState, v *verification, ext externalClient) (map[string]any, *apiError) {
	body := map[string]any{
		"status":    "success",
		"requestId": v.ID,
		"userGUID":  u.ID,
		"factorId":  v.factorID,
		"method":    v.method,
	}
	f := u.factors[v.factorID]
	if f != nil && f.DisplayName != "" && v.method != MethodSecurityQuestions {
		body["displayName"] = f.DisplayName
	}
	switch v.method {
	case MethodSMS, MethodEmail, MethodPhoneCall:
		if s.cfg.CountSentOTPs {
			if e := s.failAttemptLocked(u, nil); e != nil {
				return nil, e
			}
		}
		otp, enc := s.sendOTPLocked(u, f, ext)
		v.otp, v.otpExpires = otp, s.now().Add(s.cfg.OTPValidity)
		if enc != nil {
			body["otp"] = enc
		}
	case MethodSecurityQuestions:
		ids := make([]string, 0, len(u.answers))
		for id := range u.answers {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		// Oracle asks the settings' numQuestionsToAns questions, drawn from those set up
		// (its samples ask one, the default).
		asked := []map[string]string{}
		for len(ids) > 0 && len(v.questions) < s.cfg.SecurityQuestionsToAnswer {
			i := int(s.rng.bytes(1)[0]) % len(ids)
			id := ids[i]
			ids = append(ids[:i:i], ids[i+1:]...)
			v.questions = append(v.questions, id)
			text, _ := questionText(id)
			q := map[string]string{"id": id, "localizedText": text}
			if h := u.answers[id].Hint; h != "" {
				q["hintText"] = h
			}
			asked = append(asked, q)
		}
		if len(asked) > 0 {
			body["securityQuestions"] = asked
		}
	}
	v.nonce = s.rng.hexID()
	body["requestState"] = s.newState(stateKindVerify, u.ID, v.factorID, v.ID, v.nonce)
	return body, nil
}

func errRequestNotFound(id string) *apiError {
	return &apiError{http.StatusNotFound, "AUTH-1111", "The request provided is invalid. Please look at the error message for validation error details. No request with ID " + truncate(id, maxEchoed) + "."}
}

// handleCompleteVerification is V2: submit a passcode, answers or bypass code, or resend.
func (s *Server) handleCompleteVerification(r *http.Request) (reply, error) {
	return decodeThenLock(s, r, func(req completeVerificationRequest) (reply, error) {
		v, u, f, e := s.pathRequestLocked(r)
		if e != nil {
			return reply{}, e
		}
		if e := s.checkState(req.RequestState, stateKindVerify, u.ID, v.factorID, v.ID, v.nonce); e != nil {
			return reply{}, e
		}
		if u.Locked {
			return reply{}, errLocked()
		}
		if req.ResendOtp.True() {
			if !isSentOTPMethod(v.method) {
				return reply{}, errInvalidRequest("resendOtp applies to SMS, EMAIL and PHONE_CALL only.")
			}
			return answer(s.startVerificationLocked(u, v, req.externalClient))
		}
		if e := s.verifyLocked(u, f, v, req); e != nil {
			return reply{}, e
		}
		v.done, v.nonce, v.otp = true, "", ""
		u.failedAttempts = 0
		return ok(success())
	})
}

// pathRequestLocked finds the verification request named in the path, its user and its
// factor (nil for BypassCode): 404 AUTH-1111 for an unknown request, 404 AUTH-3018 or
// AUTH-1014 when the user or the factor was deleted since V1. The caller holds s.mu.
func (s *Server) pathRequestLocked(r *http.Request) (*verification, *userState, *factor, *apiError) {
	id := r.PathValue("requestId")
	v := s.requests[id]
	if v == nil {
		return nil, nil, nil, errRequestNotFound(id)
	}
	u := s.users[v.userID]
	if u == nil {
		return nil, nil, nil, errUserNotFound()
	}
	f := u.factors[v.factorID]
	if f == nil && v.factorID != BypassCodeFactorID {
		return nil, nil, nil, errDeviceNotFound(v.factorID)
	}
	return v, u, f, nil
}

func (s *Server) verifyLocked(u *userState, f *factor, v *verification, req completeVerificationRequest) *apiError {
	if !s.enabled[v.method] {
		return errFactorDisabled(v.method) // disabled by the administrator since V1
	}
	switch v.method {
	case MethodSMS, MethodEmail, MethodPhoneCall:
		if req.OTPCode == "" {
			return errMissing("otpCode")
		}
		if !s.now().Before(v.otpExpires) || !otpMatches(strings.TrimSpace(string(req.OTPCode)), v.otp) {
			return s.failAttemptLocked(u, errInvalidPasscode())
		}
	case MethodTOTP:
		if req.OTPCode == "" {
			return errMissing("otpCode")
		}
		if !s.acceptTOTPLocked(f, string(req.OTPCode)) {
			return s.failAttemptLocked(u, errInvalidPasscode())
		}
	case MethodSecurityQuestions:
		if e := s.checkAnswersLocked(u, v.questions, req.SecurityQuestions); e != nil {
			return e
		}
	case MethodBypassCode:
		if req.BypassCode == "" {
			return errMissing("bypassCode")
		}
		code := strings.TrimSpace(string(req.BypassCode))
		for i, c := range u.bypassCodes {
			if otpMatches(code, c.Code) {
				u.bypassCodes = append(u.bypassCodes[:i:i], u.bypassCodes[i+1:]...) // one use only
				return nil
			}
		}
		return s.failAttemptLocked(u, errInvalidPasscode())
	case MethodPush:
		return errInvalidRequest("A PUSH request is approved in the app; poll it with GET.")
	}
	return nil
}

// pruneRequestsLocked forgets requests whose requestState can no longer be used.
func (s *Server) pruneRequestsLocked() {
	if len(s.requests) < 4096 {
		return
	}
	limit := s.now().Add(-2 * s.cfg.RequestStateTTL)
	for id, v := range s.requests {
		if v.created.Before(limit) {
			delete(s.requests, id)
		}
	}
}
