package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is an /mfa/v1 error: an HTTP status and one AUTH-xxxx cause.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s %s", e.Status, e.Code, e.Message) }

// Messages are Oracle's, from the Authentication/On-Demand MFA error code table.
func errUserNotFound() *apiError {
	return &apiError{http.StatusNotFound, "AUTH-3018", "User not found."}
}
func errLocked() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1010", "Your account is locked. Contact your system administrator."}
}
func errLockedNow() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1027", "You have exceeded the maximum number of 2-Step Verification attempts. Reset your password to unlock your account. Contact your system administrator if you can't reset your password."}
}
func errFactorDisabled(method string) *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1125", fmt.Sprintf("The %s factor has been disabled.", truncate(method, maxEchoed))}
}
func errUnsupportedFactor(supported string) *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1115", fmt.Sprintf("The authentication factor passed in the request is not supported. Supported factors are %s.", supported)}
}
func errDeviceNotFound(id string) *apiError {
	return &apiError{http.StatusNotFound, "AUTH-1014", fmt.Sprintf("The device with ID %s is not found. Contact your system administrator.", truncate(id, maxEchoed))}
}
func errMissing(param string) *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1001", fmt.Sprintf("Invalid request. The required parameter '%s' is missing from the request.", truncate(param, maxEchoed))}
}
func errInvalidRequest(detail string) *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1111", "The request provided is invalid. Please look at the error message for validation error details. " + detail}
}
func errBadSharedSecret() *apiError {
	return errInvalidRequest("sharedSecret must be a base32 string of at least 128 bits (26 characters).")
}
func errAlreadyEnrolled() *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1111", "Factor is already enrolled."}
}
func errEnrollFailed(reason string) *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1003", fmt.Sprintf("Your request to enroll failed because: %s. Contact your system administrator.", truncate(reason, maxEchoed))}
}
func errPhoneInvalid(number string) *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1030", fmt.Sprintf("Your phone number %s is not valid.", truncate(number, maxEchoed))}
}
func errPhoneEnrolled(number string) *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1031", fmt.Sprintf("The phone number %s is already enrolled for the user.", truncate(number, maxEchoed))}
}

// errMaxDevices is a new device for a user who has the domain's maximum of enrolled devices
// (endpointRestrictions.maxEnrolledDevices): Oracle's AUTH-1005 (its table's words).
func errMaxDevices() *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1005", "The maximum number of 2-Step Verification methods is already enrolled."}
}
func errInvalidPasscode() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1105", "Invalid passcode."}
}
func errWrongAnswer() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1026", "You have entered the wrong answer."}
}
func errExpiredState() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1117", "The requestState provided has expired. Please provide a valid requestState."}
}
func errInvalidState() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1120", "The requestState provided is either invalid or expired. Please provide a valid requestState."}
}
func errNotAuthorized() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1034", "You are not authorized to perform this action."}
}
func errNotEnrolledInMFA() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1013", "You are not authorized to use 2-Step Verification. Contact your system administrator."}
}
func errTokenExpired() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1110", "The authentication token has expired."}
}
func errPayload() *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1033", "Payload error. Either the payload in the request is null, or the payload couldn't be parsed."}
}
func errInvalidJSON() *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1121", "You provided an invalid request JSON payload."}
}
func errPreferredNeedsMethod() *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1113", "An authentication factor must be provided while configuring a preferred device."}
}
func errUnsupportedOp(supported string) *apiError {
	return &apiError{http.StatusBadRequest, "AUTH-1116", fmt.Sprintf("The op passed in the request is not supported. Supported operations are %s.", supported)}
}
func errUnexpected() *apiError {
	return &apiError{http.StatusInternalServerError, "AUTH-1112", "Unexpected error encountered while processing the request."}
}
func errTooManyRequests() *apiError {
	return &apiError{http.StatusTooManyRequests, "AUTH-429", "Too many requests"}
}

// errMFANotEmulated is the /mfa/v1 form of the "not emulated" answer (see errSCIMNotEmulated):
// 501, with the emulator's own code in place of an AUTH code.
func errMFANotEmulated(r *http.Request) (reply, error) {
	return reply{}, &apiError{http.StatusNotImplemented, notEmulatedCode,
		"idcs-emulator does not emulate " + r.Method + " " + truncate(r.URL.Path, 200) + " (see EMULATOR.md); a real identity domain may serve it."}
}

// writeMFAError writes the /mfa/v1 error body: {"status":"failed","ecId":..,"cause":[..]}.
func (s *Server) writeMFAError(w http.ResponseWriter, e *apiError) {
	ecid := s.ecid()
	w.Header().Set("X-Oracle-Dms-Ecid", ecid)
	if e.Code == notEmulatedCode {
		w.Header().Set(notEmulatedHeader, "true")
	}
	writeJSON(w, e.Status, map[string]any{
		"status": "failed",
		"ecId":   ecid,
		"cause":  []map[string]string{{"code": e.Code, "message": truncate(e.Message, maxMessage)}},
	})
}

// ecid mimics Oracle's execution-context id that support uses to find a request.
func (s *Server) ecid() string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_^"
	b := s.rng.bytes(14)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) { writeBody(w, status, jsonContentType, v) }

// writeBody writes v as JSON with the given status and Content-Type.
func writeBody(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
