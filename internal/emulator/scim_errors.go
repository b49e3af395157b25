package emulator

import (
	"fmt"
	"net/http"
	"strconv"
)

// SCIM error schemas as Oracle returns them (reference §6).
const (
	scimErrorSchema     = "urn:ietf:params:scim:api:messages:2.0:Error"
	scimOracleErrSchema = "urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error"
)

// scimError is an /admin/v1 error: RFC 7644 §3.12's body with Oracle's messageId extension,
// {"schemas":[…],"detail":…,"status":"404","scimType":…,"urn:…:messages:Error":{"messageId":…}}.
// Note that Oracle sends status as a string.
type scimError struct {
	Status    int
	ScimType  string // RFC 7644 scimType; "" omits it
	Detail    string
	MessageID string // Oracle's messageId, e.g. error.common.common.resourceNotFound
}

func (e *scimError) Error() string { return fmt.Sprintf("%d %s %s", e.Status, e.MessageID, e.Detail) }

func (e *scimError) write(w http.ResponseWriter) {
	body := map[string]any{
		"schemas":           []string{scimErrorSchema, scimOracleErrSchema},
		"detail":            e.Detail,
		"status":            strconv.Itoa(e.Status),
		scimOracleErrSchema: map[string]any{"messageId": e.MessageID},
	}
	if e.ScimType != "" {
		body["scimType"] = e.ScimType
	}
	writeBody(w, e.Status, scimContentType, body)
}

func errSCIMUserNotFound(id string) *scimError {
	return &scimError{http.StatusNotFound, "", "Resource " + id + " of type User not found.", "error.common.common.resourceNotFound"}
}
func errSCIMNotEmulated() *scimError {
	return &scimError{http.StatusNotFound, "", "The requested resource is not emulated.", "error.common.common.resourceNotFound"}
}
func errSCIMInvalidFilter(filter string) *scimError {
	return &scimError{http.StatusBadRequest, "invalidFilter", "The filter " + strconv.Quote(truncate(filter, 200)) + " is invalid or uses an attribute the emulator does not filter on.", "error.common.common.invalidFilter"}
}

// errSCIMNotInteger is a query parameter (startIndex, count) that is not an integer.
func errSCIMNotInteger(param string) *scimError {
	return &scimError{http.StatusBadRequest, "invalidValue", param + " must be an integer.", "error.common.common.invalidValue"}
}
func errSCIMInvalidJSON() *scimError {
	return &scimError{http.StatusBadRequest, "invalidSyntax", "The request body is not a valid JSON object of the User schema.", "error.common.common.invalidJSON"}
}
func errSCIMMissingAttribute(attr string) *scimError {
	return &scimError{http.StatusBadRequest, "invalidValue", "Missing required attribute: " + attr + ".", "error.common.validation.missingRequiredAttribute"}
}
func errSCIMInvalidValue(detail string) *scimError {
	return &scimError{http.StatusBadRequest, "invalidValue", detail, "error.common.validation.invalidValue"}
}
func errSCIMUserNameTaken(userName string) *scimError {
	return &scimError{http.StatusConflict, "uniqueness", "A user with userName " + strconv.Quote(userName) + " already exists.", "error.common.validation.uniquenessConstraintViolation"}
}
func errSCIMInvalidToken() *scimError {
	return &scimError{http.StatusUnauthorized, "", "Invalid or expired access token.", "error.common.common.invalidToken"}
}
func errSCIMForbidden() *scimError {
	return &scimError{http.StatusForbidden, "", "You do not have the required privileges to perform this operation.", "error.common.common.insufficientPrivileges"}
}

// errSCIMFault is an injected fault (429 or 500) in SCIM's format.
func errSCIMFault(e *apiError) *scimError {
	msg := "error.common.common.serviceUnavailable"
	if e.Status == http.StatusTooManyRequests {
		msg = "error.common.common.tooManyRequests"
	}
	return &scimError{e.Status, "", e.Message, msg}
}
