package emulator

import (
	"net/http"
	"strings"
)

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

// preferableMethods are E7's preferredMethod values (reference §3 E7 and §10 #1).
var preferableMethods = []string{MethodSMS, MethodPhoneCall, MethodTOTP, MethodPush, MethodSecurityQuestions, MethodEmail}

// setPreferredLocked is E7 {"preferredFactorId","preferredMethod"}. Refusals, in order:
// no method 400 AUTH-1113; a method E7 does not take (BYPASSCODE included) 400 AUTH-1111;
// a factor the user does not have 404 AUTH-1014; a factor still ENROLLMENT_INITIATED 400
// AUTH-1015 for security questions, AUTH-1109 otherwise; a method the factor does not
// have 400 AUTH-1111.
func (s *Server) setPreferredLocked(u *userState, factorID, method string) *apiError {
	if method == "" {
		return errPreferredNeedsMethod()
	}
	if !contains(preferableMethods, method) {
		return errInvalidRequest("preferredMethod must be one of " + strings.Join(preferableMethods, ", ") + ".")
	}
	f := u.factors[factorID]
	switch {
	case f == nil:
		return errDeviceNotFound(factorID)
	case f.Status != StatusEnrolled && f.ID == SecurityQuestionsFactorID:
		return &apiError{http.StatusBadRequest, "AUTH-1015", "User has not selected any security questions."}
	case f.Status != StatusEnrolled:
		return &apiError{http.StatusBadRequest, "AUTH-1109", "Enrollment in the One-Time Passcode authentication method is pending verification."}
	case !f.hasMethod(method):
		return errInvalidRequest("preferredMethod " + truncate(method, maxEchoed) + " is not a method of factor " + truncate(factorID, maxEchoed) + ".")
	}
	u.preferredID, u.preferredMeth = f.ID, method
	u.modified = s.now()
	return nil
}
