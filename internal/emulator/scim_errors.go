package emulator

import (
	"errors"
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
	allow     string // Allow header of a 405
	// notEmulated marks the emulator's own "not emulated" answer (see errSCIMNotEmulated).
	notEmulated bool
}

func newSCIMError(status int, scimType, detail, messageID string) *scimError {
	return &scimError{Status: status, ScimType: scimType, Detail: detail, MessageID: messageID}
}

func (e *scimError) Error() string { return fmt.Sprintf("%d %s %s", e.Status, e.MessageID, e.Detail) }

func (e *scimError) write(w http.ResponseWriter) {
	body := map[string]any{
		"schemas":           []string{scimErrorSchema, scimOracleErrSchema},
		"detail":            truncate(e.Detail, maxMessage),
		"status":            strconv.Itoa(e.Status),
		scimOracleErrSchema: map[string]any{"messageId": e.MessageID},
	}
	if e.ScimType != "" {
		body["scimType"] = e.ScimType
	}
	if e.allow != "" {
		w.Header().Set("Allow", e.allow)
	}
	if e.notEmulated {
		// "code" and "message" are what the OCI SDKs read from an error body (their
		// ServiceError's GetCode and GetMessage); SCIM clients read detail and messageId.
		body["code"] = ociNotImplementedCode
		body["message"] = body["detail"]
		w.Header().Set(notEmulatedHeader, "true")
	}
	writeBody(w, e.Status, scimContentType, body)
}

func errSCIMUserNotFound(id string) *scimError {
	return errSCIMResourceNotFound(id, "User")
}

// errSCIMResourceNotFound is an id that names no resource of the type.
func errSCIMResourceNotFound(id, resourceType string) *scimError {
	return newSCIMError(http.StatusNotFound, "", "Resource "+truncate(id, maxEchoed)+" of type "+resourceType+" not found.", "error.common.common.resourceNotFound")
}

// The emulator's own answer to a request for an Oracle endpoint it does not emulate: 501 Not
// Implemented (RFC 7644 §3.12: "Service provider does not support the request operation"),
// never 404, so that no client takes it for "not found" or "already deleted". EMULATOR.md says why.
const (
	notEmulatedCode      = "NotEmulated"          // the /mfa/v1 cause code
	notEmulatedMessageID = "emulator.notEmulated" // the SCIM messageId
	notEmulatedHeader    = "X-Idcs-Emulator-Not-Emulated"
	// ociNotImplementedCode is OCI's own error code for a 501, which the OCI SDKs' default
	// retry policies do not retry (they retry every other 5xx).
	ociNotImplementedCode = "MethodNotImplemented"
)

func errSCIMNotEmulated(method, path string) *scimError {
	return &scimError{Status: http.StatusNotImplemented,
		Detail:    "idcs-emulator does not emulate " + method + " " + truncate(path, 200) + " (see EMULATOR.md, \"What it does not emulate\"); a real identity domain may serve it.",
		MessageID: notEmulatedMessageID, notEmulated: true}
}

// errSCIMMethodNotAllowed is a method the resource does not have (PUT or DELETE on the Users
// collection): 405 with an Allow header (RFC 9110 §15.5.6).
func errSCIMMethodNotAllowed(method, allow string) *scimError {
	return &scimError{Status: http.StatusMethodNotAllowed, Detail: "The " + method + " method is not allowed on this resource. Allowed: " + allow + ".",
		MessageID: "error.common.common.methodNotAllowed", allow: allow}
}

func errSCIMInvalidFilter(filter string, reason error) *scimError {
	detail := "The filter " + strconv.Quote(truncate(filter, 200)) + " is invalid or uses an attribute the emulator does not filter on."
	switch {
	case errors.Is(reason, errFilterTooLong):
		detail = fmt.Sprintf("The filter is %d bytes long; the emulator accepts at most %d.", len(filter), maxFilterBytes)
	case errors.Is(reason, errFilterTooDeep):
		detail = fmt.Sprintf("The filter nests parentheses or \"not\" more than %d deep.", maxFilterDepth)
	case errors.Is(reason, errFilterEmpty):
		detail = "The filter is empty."
	}
	return newSCIMError(http.StatusBadRequest, "invalidFilter", detail, "error.common.common.invalidFilter")
}

func errSCIMInvalidAttributeSet(v string) *scimError {
	return errSCIMInvalidValue("attributeSets value " + strconv.Quote(truncate(v, 100)) + " is not one of all, always, default, never, request.")
}

// errSCIMUnsupportedMediaType is a body that is not JSON (RFC 7644 §3.1, §8.1).
func errSCIMUnsupportedMediaType(ct string) *scimError {
	return &scimError{Status: http.StatusUnsupportedMediaType, Detail: "Content-Type " + strconv.Quote(truncate(ct, 100)) + " is not supported; send application/scim+json or application/json.",
		MessageID: "error.common.common.unsupportedMediaType"}
}

// errSCIMPayloadTooLarge is a body over MaxBodyBytes (RFC 7644 §3.12: 413).
func errSCIMPayloadTooLarge() *scimError {
	return &scimError{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("The request body is larger than %d bytes.", MaxBodyBytes),
		MessageID: "error.common.common.payloadTooLarge"}
}

// errSCIMNotInteger is a query parameter (startIndex, count) that is not an integer.
func errSCIMNotInteger(param string) *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidValue", param+" must be an integer.", "error.common.common.invalidValue")
}
func errSCIMEmptyBody() *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidSyntax", "The request body is empty.", "error.common.common.invalidJSON")
}
func errSCIMInvalidJSON() *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidSyntax", "The request body is not a valid JSON object, or an attribute in it has the wrong type.", "error.common.common.invalidJSON")
}
func errSCIMMissingAttribute(attr string) *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidValue", "Missing required attribute: "+attr+".", "error.common.validation.missingRequiredAttribute")
}
func errSCIMInvalidValue(detail string) *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidValue", detail, "error.common.validation.invalidValue")
}
func errSCIMUserNameTaken(userName string) *scimError {
	return newSCIMError(http.StatusConflict, "uniqueness", "A user with userName "+strconv.Quote(truncate(userName, maxEchoed))+" already exists.", "error.common.validation.uniquenessConstraintViolation")
}
func errSCIMInvalidToken() *scimError {
	return newSCIMError(http.StatusUnauthorized, "", "Invalid or expired access token.", "error.common.common.invalidToken")
}
func errSCIMForbidden() *scimError {
	return newSCIMError(http.StatusForbidden, "", "You do not have the required privileges to perform this operation.", "error.common.common.insufficientPrivileges")
}

// errSCIMFault is an injected fault (429 or 500) in SCIM's format.
func errSCIMFault(e *apiError) *scimError {
	msg := "error.common.common.serviceUnavailable"
	if e.Status == http.StatusTooManyRequests {
		msg = "error.common.common.tooManyRequests"
	}
	return newSCIMError(e.Status, "", e.Message, msg)
}
