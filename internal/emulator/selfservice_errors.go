package emulator

import (
	"net/http"
	"strings"
)

// SCIM messageIds of the self-service endpoints. The first five are Oracle's, seen in its
// samples (reference §6, PM-REST, D-SS); the others are the emulator's inference, in the same
// family, for situations Oracle's samples do not show (EMULATOR.md lists them).
const (
	msgInvalidPasscode      = "error.ssocommon.auth.invalidPasscode"
	msgInvalidPhoneNumber   = "error.ssocommon.auth.invalidPhoneNumber"
	msgInvalidReference     = "error.common.validation.invalidReferenceResource"
	msgOnlyDevice           = "error.ssocommon.ssoadmin.mfa.cannotDeleteOnlyExistingDevice"
	msgAuthStatusNotFound   = "error.ssocommon.ssoadmin.mfa.authenticationstatusnotfound"
	msgUserLocked           = "error.ssocommon.auth.userLocked"
	msgMaxAttempts          = "error.ssocommon.auth.maxAttemptsExceeded"
	msgFactorDisabled       = "error.ssocommon.auth.factorNotEnabled"
	msgPhoneEnrolled        = "error.ssocommon.auth.phoneNumberAlreadyEnrolled"
	msgAlreadyEnrolled      = "error.ssocommon.ssoadmin.mfa.factorAlreadyEnrolled"
	msgEnrollmentPending    = "error.ssocommon.ssoadmin.mfa.enrollmentPending"
	msgNeedsUserToken       = "error.common.common.userTokenRequired"
	msgInvalidRequestID     = "error.ssocommon.auth.invalidRequestId"
	msgDeviceNotFound       = "error.common.common.resourceNotFound"
	msgUnsupportedAuthnType = "error.ssocommon.auth.unsupportedFactor"
	msgWrongAnswer          = "error.ssocommon.auth.invalidSecurityAnswer"
	msgMaxDevices           = "error.ssocommon.ssoadmin.mfa.maxDevicesEnrolled"
	msgMaxBypassCodes       = "error.ssocommon.ssoadmin.mfa.maxBypassCodesActive"
	msgUserEnrollDisabled   = "error.ssocommon.auth.factorNotEnabledForUserEnrollment"
)

// mySCIMError converts an /mfa/v1 error of the shared factor logic into the SCIM error a
// self-service endpoint answers: same status and Oracle's message as the detail, with the
// messageId of the same situation.
func mySCIMError(e *apiError) *scimError {
	msg := map[string]string{
		"AUTH-1105": msgInvalidPasscode,
		"AUTH-1030": msgInvalidPhoneNumber,
		"AUTH-1010": msgUserLocked,
		"AUTH-1027": msgMaxAttempts,
		"AUTH-1125": msgFactorDisabled,
		"AUTH-1031": msgPhoneEnrolled,
		"AUTH-1109": msgEnrollmentPending,
		"AUTH-1026": msgWrongAnswer,
		"AUTH-1005": msgMaxDevices,
	}[e.Code]
	scimType := ""
	if msg == "" {
		msg = "error.common.validation.invalidValue"
		if e.Status == http.StatusBadRequest {
			scimType = "invalidValue"
		}
	}
	return newSCIMError(e.Status, scimType, e.Message, msg)
}

// errMyClientToken is a client's token (client credentials) on /admin/v1/Me or a My*
// endpoint: they act for the signed-in user, so they need a user's token.
func errMyClientToken() *scimError {
	return newSCIMError(http.StatusForbidden, "", "This operation acts for the signed-in user and needs a user's access token (password grant with an application that has the "+RoleMe+" app role); this is an application's token.", msgNeedsUserToken)
}

// errMyInvalidReference is a reference (user.value, deviceId, userName) to a resource that
// is not the caller's, or does not exist: Oracle's sample answers a wrong user id so.
func errMyInvalidReference(attr, value string) *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidValue", "The value "+truncate(value, 100)+" of "+attr+" does not reference a resource of the signed-in user.", msgInvalidReference)
}

func errMyDeviceNotFound(id string) *scimError {
	return newSCIMError(http.StatusNotFound, "", "Resource "+truncate(id, 100)+" of type MyDevice not found.", msgDeviceNotFound)
}

// errMyOnlyDevice is Oracle's refusal to delete the user's only enrolled device (PM-REST
// "Delete a device"), unless forceDelete is true.
func errMyOnlyDevice() *scimError {
	return newSCIMError(http.StatusBadRequest, "", "You cannot delete the device. At least one device is required for 2-Step Verification.", msgOnlyDevice)
}

// errMyPushPending is Oracle's answer to a PUSH validation poll before the user approved it.
func errMyPushPending() *scimError {
	return newSCIMError(http.StatusNotFound, "", "The device status was not found. Contact your system administrator.", msgAuthStatusNotFound)
}

func errMyAlreadyEnrolled() *scimError {
	return newSCIMError(http.StatusBadRequest, "", "Factor is already enrolled.", msgAlreadyEnrolled)
}

func errMyRequestID() *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidValue", "The requestId is not the one of the device's current enrollment; start again with MyAuthenticationFactorEnroller.", msgInvalidRequestID)
}

// errMyUnsupported is an authFactor or authnFactors value the endpoint does not take.
func errMyUnsupported(attr, value string, supported []string) *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidValue", attr+" "+truncate(value, 50)+" is not supported here; supported: "+strings.Join(supported, ", ")+".", msgUnsupportedAuthnType)
}

// errMyUserEnrollmentDisabled is a factor the domain lists in userEnrollmentDisabledFactors:
// users may not enroll it themselves. Oracle's answer is not documented; 401 as for a factor
// disabled in the domain (EMULATOR.md, inferences).
func errMyUserEnrollmentDisabled(factor string) *scimError {
	return newSCIMError(http.StatusUnauthorized, "", "Users of this domain may not enroll the "+factor+" factor themselves (userEnrollmentDisabledFactors); an administrator can.", msgUserEnrollDisabled)
}

// errMyNotEmulated is a self-service request Oracle serves and the emulator does not (for
// example the AUTHENTICATION scenario): the distinct 501 of errSCIMNotEmulated.
func errMyNotEmulated(what string) *scimError {
	e := errSCIMNotEmulated("", "")
	e.Detail = "idcs-emulator does not emulate " + what + " (see EMULATOR.md, \"Self-service\"); a real identity domain may serve it."
	return e
}
