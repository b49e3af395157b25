package emulator

import (
	"net/http"
	"strings"
)

// handleListFactors is E1: GET /mfa/v1/users/{id}/factors. Only enrolled factors are listed
// (ARCHITECTURE.md decision 1).
func (s *Server) handleListFactors(r *http.Request) (reply, error) {
	return s.onPathUser(r, false, func(u *userState) (reply, error) {
		return ok(s.userFactorsBodyLocked(u))
	})
}

// onPathUser runs do holding s.mu, with the user named in the request path (pathUserLocked,
// so active refuses a locked user): the preamble of every E-call on one user.
func (s *Server) onPathUser(r *http.Request, active bool, do func(u *userState) (reply, error)) (reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, e := s.pathUserLocked(r, active)
	if e != nil {
		return reply{}, e
	}
	return do(u)
}

// decodeOnPathUser decodes the request body into a T and then runs do as onPathUser does:
// a malformed body is refused before the user is looked up, as Oracle answers it.
func decodeOnPathUser[T any](s *Server, r *http.Request, active bool, do func(u *userState, req T) (reply, error)) (reply, error) {
	var req T
	if e := decodeRequest(r, &req); e != nil {
		return reply{}, e
	}
	return s.onPathUser(r, active, func(u *userState) (reply, error) { return do(u, req) })
}

// decodeThenLock decodes the request body into a T, refusing a malformed one before anything
// is looked up, and runs do with it holding s.mu.
func decodeThenLock[T any](s *Server, r *http.Request, do func(req T) (reply, error)) (reply, error) {
	var req T
	if e := decodeRequest(r, &req); e != nil {
		return reply{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return do(req)
}

// pathUserLocked finds the user named in the request path: 404 AUTH-3018 when there is
// none. With active, a locked user is refused too (401 AUTH-1010): reads and deletions stay
// open to a locked user so that Terraform can refresh and destroy. The caller holds s.mu.
func (s *Server) pathUserLocked(r *http.Request, active bool) (*userState, *apiError) {
	u := s.users[r.PathValue("id")]
	switch {
	case u == nil:
		return nil, errUserNotFound()
	case active && u.Locked:
		return nil, errLocked()
	}
	return u, nil
}

// pathFactorLocked finds the user and the factor named in the request path: 404 AUTH-3018
// for an unknown user, then 404 AUTH-1014 for a factor the user does not have (reference
// §5, decision 2), then, with active, 401 AUTH-1010 for a locked user. The caller holds s.mu.
func (s *Server) pathFactorLocked(r *http.Request, active bool) (*userState, *factor, *apiError) {
	u, e := s.pathUserLocked(r, false)
	if e != nil {
		return nil, nil, e
	}
	fid := r.PathValue("factorId")
	f := u.factors[fid]
	switch {
	case f == nil:
		return nil, nil, errDeviceNotFound(fid)
	case active && u.Locked:
		return nil, nil, errLocked()
	}
	return u, f, nil
}

// handleFindUser is E2: GET /mfa/v1/users?userId=&userIdType=&attributes=factors.
func (s *Server) handleFindUser(r *http.Request) (reply, error) {
	q := r.URL.Query()
	userID := q.Get("userId")
	if userID == "" {
		return reply{}, errMissing("userId")
	}
	if a := q.Get("attributes"); a != "" && a != "factors" {
		return reply{}, errInvalidRequest("The only supported value of attributes is factors.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, e := s.resolveUserLocked(userID, q.Get("userIdType"))
	if e != nil {
		return reply{}, e
	}
	return ok(s.userFactorsBodyLocked(u))
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
func (s *Server) handleEnroll(r *http.Request) (reply, error) {
	return decodeOnPathUser(s, r, true, func(u *userState, req enrollRequest) (reply, error) {
		return answer(s.enrollLocked(u, req))
	})
}

// handleGetFactor is E4: GET /mfa/v1/users/{id}/factors/{factorId}; pending factors too.
func (s *Server) handleGetFactor(r *http.Request) (reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, f, e := s.pathFactorLocked(r, false)
	if e != nil {
		return reply{}, e
	}
	if f.Status != StatusEnrolled {
		return ok(map[string]any{"status": "pending", "factorId": f.ID, "factorStatus": f.Status})
	}
	return ok(map[string]any{"status": "success", "factorId": f.ID, "factorStatus": f.Status, "methods": append([]string(nil), f.Methods...)})
}

// handlePatchFactor is E5: activate with a passcode, resend it, set security questions, or
// rename an authenticator-app device.
func (s *Server) handlePatchFactor(r *http.Request) (reply, error) {
	return decodeThenLock(s, r, func(req completeEnrollmentRequest) (reply, error) {
		u, f, e := s.pathFactorLocked(r, true)
		if e != nil {
			return reply{}, e
		}
		switch {
		case len(req.SecurityQuestions) > 0:
			e = s.setSecurityQuestionsLocked(u, f, req.SecurityQuestions)
		case req.ResendOtp.True():
			return answer(s.resendEnrollmentLocked(u, f, req))
		case req.OTPCode != "":
			e = s.activateLocked(u, f, req)
		case req.DisplayName != "":
			e = s.renameLocked(f, req.DisplayName)
		default:
			e = errMissing("otpCode")
		}
		return answer(success(), e)
	})
}

// handleDeleteFactor is E6: DELETE /mfa/v1/users/{id}/factors/{factorId}, 204 on success.
// It does not use pathFactorLocked: BypassCode is not a stored factor but can be deleted.
func (s *Server) handleDeleteFactor(r *http.Request) (reply, error) {
	return s.onPathUser(r, false, func(u *userState) (reply, error) {
		fid := r.PathValue("factorId")
		if !s.deleteFactorLocked(u, fid) {
			return reply{}, errDeviceNotFound(fid)
		}
		return noContent()
	})
}

// handlePatchUser is E7: change the preferred factor or disable MFA.
func (s *Server) handlePatchUser(r *http.Request) (reply, error) {
	return decodeOnPathUser(s, r, true, func(u *userState, req changeDefaultFactorRequest) (reply, error) {
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
		return answer(success(), e)
	})
}
