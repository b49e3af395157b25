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
	done       bool     // verified; the requestState is spent
	created    time.Time
}

// handleInitiateVerification is V1: POST /mfa/v1/requests.
func (s *Server) handleInitiateVerification(w http.ResponseWriter, r *http.Request, _ *token) {
	var req initiateVerificationRequest
	if e := decodeRequest(r, &req); e != nil {
		s.writeMFAError(w, e)
		return
	}
	if req.UserID == "" {
		s.writeMFAError(w, errMissing("userId"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, e := s.resolveUserLocked(req.UserID, req.UserIDType)
	if e != nil {
		s.writeMFAError(w, e)
		return
	}
	if u.Locked {
		s.writeMFAError(w, errLocked())
		return
	}
	factorID, method, e := s.pickFactorLocked(u, req.FactorID, strings.ToUpper(req.Method))
	if e != nil {
		s.writeMFAError(w, e)
		return
	}
	if !s.enabled[method] {
		s.writeMFAError(w, errFactorDisabled(method))
		return
	}
	v := &verification{ID: s.rng.uuid(), userID: u.ID, factorID: factorID, method: method, created: s.now()}
	s.pruneRequestsLocked()
	s.requests[v.ID] = v
	body := s.startVerificationLocked(u, v, req.externalClient)
	writeJSON(w, http.StatusOK, body)
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
		return "", "", errInvalidRequest("method " + method + " is not a method of factor " + factorID + ".")
	}
	return factorID, method, nil
}

func (s *Server) startVerificationLocked(u *userState, v *verification, ext externalClient) map[string]any {
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
		otp, enc := s.issueOTPLocked(u, f, ext)
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
		if len(ids) > 0 {
			// Oracle asks a policy-driven number of questions; its samples ask one.
			id := ids[int(s.rng.bytes(1)[0])%len(ids)]
			v.questions = []string{id}
			text, _ := questionText(id)
			q := map[string]string{"id": id, "localizedText": text}
			if h := u.answers[id].Hint; h != "" {
				q["hintText"] = h
			}
			body["securityQuestions"] = []map[string]string{q}
		}
	}
	v.nonce = s.rng.hexID()
	body["requestState"] = s.newState(stateKindVerify, u.ID, v.factorID, v.ID, v.nonce)
	return body
}

func errRequestNotFound(id string) *apiError {
	return &apiError{http.StatusNotFound, "AUTH-1111", "The request provided is invalid. Please look at the error message for validation error details. No request with ID " + id + "."}
}

// handleCompleteVerification is V2: submit a passcode, answers or bypass code, or resend.
func (s *Server) handleCompleteVerification(w http.ResponseWriter, r *http.Request, _ *token) {
	var req completeVerificationRequest
	if e := decodeRequest(r, &req); e != nil {
		s.writeMFAError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("requestId")
	v := s.requests[id]
	if v == nil {
		s.writeMFAError(w, errRequestNotFound(id))
		return
	}
	u := s.users[v.userID]
	if u == nil {
		s.writeMFAError(w, errUserNotFound())
		return
	}
	f := u.factors[v.factorID]
	if f == nil && v.factorID != BypassCodeFactorID {
		s.writeMFAError(w, errDeviceNotFound(v.factorID))
		return
	}
	if e := s.checkState(req.RequestState, stateKindVerify, u.ID, v.factorID, v.ID, v.nonce); e != nil {
		s.writeMFAError(w, e)
		return
	}
	if u.Locked {
		s.writeMFAError(w, errLocked())
		return
	}
	if req.ResendOtp.True() {
		if !isSentOTPMethod(v.method) {
			s.writeMFAError(w, errInvalidRequest("resendOtp applies to SMS, EMAIL and PHONE_CALL only."))
			return
		}
		writeJSON(w, http.StatusOK, s.startVerificationLocked(u, v, req.externalClient))
		return
	}
	if e := s.verifyLocked(u, f, v, req); e != nil {
		s.writeMFAError(w, e)
		return
	}
	v.done, v.nonce, v.otp = true, "", ""
	u.failedAttempts = 0
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
}

func (s *Server) verifyLocked(u *userState, f *factor, v *verification, req completeVerificationRequest) *apiError {
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
		if !totpValid(f.SharedSecret, strings.TrimSpace(string(req.OTPCode)), s.now(), s.cfg.OTPLength) {
			return s.failAttemptLocked(u, errInvalidPasscode())
		}
	case MethodSecurityQuestions:
		if len(req.SecurityQuestions) == 0 {
			return errMissing("securityQuestions")
		}
		given := map[string]string{}
		for _, q := range req.SecurityQuestions {
			given[q.ID] = q.Answer
		}
		for _, id := range v.questions {
			a, ok := given[id]
			if !ok {
				return &apiError{http.StatusBadRequest, "AUTH-1038", "Please provide your answer for the \"" + id + "\" security question."}
			}
			if !strings.EqualFold(strings.TrimSpace(a), u.answers[id].Answer) {
				return s.failAttemptLocked(u, errWrongAnswer())
			}
		}
	case MethodBypassCode:
		if req.BypassCode == "" {
			return errMissing("bypassCode")
		}
		code := strings.TrimSpace(string(req.BypassCode))
		for i, c := range u.bypassCodes {
			if otpMatches(code, c) {
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

// handleGetVerification is V3: GET /mfa/v1/requests/{requestId}, used to poll PUSH.
func (s *Server) handleGetVerification(w http.ResponseWriter, r *http.Request, _ *token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("requestId")
	v := s.requests[id]
	if v == nil {
		s.writeMFAError(w, errRequestNotFound(id))
		return
	}
	if v.done || v.approved {
		writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
		return
	}
	body := map[string]any{"status": "pending"}
	if v.method == MethodPush {
		body["cause"] = []map[string]string{{"code": "AUTH-1108", "message": "Push Notification approval is pending."}}
	}
	writeJSON(w, http.StatusOK, body)
}

// ApproveRequest approves a pending PUSH verification as the user would in the app.
func (s *Server) ApproveRequest(requestID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.requests[requestID]
	if v == nil {
		return ErrRequestNotFound
	}
	if v.method != MethodPush {
		return ErrNotPushRequest
	}
	v.approved, v.done, v.nonce = true, true, ""
	if u := s.users[v.userID]; u != nil {
		u.failedAttempts = 0
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
