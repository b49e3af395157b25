package emulator

import "net/http"

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
