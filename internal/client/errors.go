package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinels for errors.Is. An *APIError matches the ones its status and code imply.
var (
	ErrNotFound        = errors.New("not found")
	ErrUserNotFound    = errors.New("user not found")
	ErrUnauthorized    = errors.New("unauthorized")
	ErrForbidden       = errors.New("forbidden")
	ErrRateLimited     = errors.New("rate limited")
	ErrInvalidPasscode = errors.New("invalid passcode")
	// ErrWrongAnswer: a wrong security answer (AUTH-1026; SCIM invalidSecurityAnswer), which
	// counts towards the lockout like a wrong passcode.
	ErrWrongAnswer     = errors.New("wrong security answer")
	ErrRequestState    = errors.New("requestState expired or invalid")
	ErrAlreadyEnrolled = errors.New("already enrolled")
	ErrFactorDisabled  = errors.New("factor not enabled")
	ErrUserLocked      = errors.New("user locked")
	ErrTooManyAttempts = errors.New("too many attempts")
	ErrTokenRefused    = errors.New("token request refused")
	// ErrOnlyDevice: the self-service API refuses to delete the caller's only device (SCIM 400
	// error.ssocommon.ssoadmin.mfa.cannotDeleteOnlyExistingDevice, API doc 6.6).
	ErrOnlyDevice = errors.New("the only device cannot be deleted")
	// ErrTokenRequest matches every failure of the OAuth token request (POST
	// /oauth2/v1/token): refused credentials (then ErrTokenRefused matches too), an error
	// answer, or no answer at all. It tells such an error from one of the API call the token
	// was for.
	ErrTokenRequest = errors.New("token request failed")
)

// tokenOperation is the Operation of every token-request error.
const tokenOperation = "POST /oauth2/v1/token"

type errorKind int

const (
	kindAPI          errorKind = iota // an answer of /mfa/v1 or /admin/v1
	kindTokenRefused                  // /oauth2/v1/token said no to the credentials
	kindTokenFailed                   // /oauth2/v1/token failed for another reason (5xx, 429 after retries)
)

// APIError is every error the service answers with. Its text holds only what the service
// said: the operation, the HTTP status, the service's code and message, and the ecId (the
// id Oracle support asks for). What to do about it is for the caller to say.
type APIError struct {
	StatusCode int
	Code       string // AUTH-xxxx, SCIM messageId, or OAuth error code
	Message    string
	ECID       string
	// Operation is the call that failed, "METHOD /path" with the path as sent (ids escaped,
	// no query), e.g. "POST /mfa/v1/users/<userGUID>/factors"; "POST /oauth2/v1/token" for
	// the token request. Empty only for an APIError built by hand.
	Operation string
	// Attempts is how many times the request was sent, retries included (1 when it was not
	// retried; 0 for an APIError built by hand), and Elapsed the time from the first sending
	// to this answer: a 5xx after retries says the client gave up, not that it tried once.
	Attempts int
	Elapsed  time.Duration
	// Grant is, for an error of the token request, the grant the provider asked with
	// (GrantClientCredentials, GrantPassword); empty for an API call's error.
	Grant string

	kind errorKind
}

// Error gives "<Operation>: HTTP <status> <code>: <message> (ecId <ecId>)", leaving out the
// parts that are empty.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.ECID != "" {
		fmt.Fprintf(&b, " (ecId %s)", e.ECID)
	}
	return b.String()
}

// scimSentinels maps the last part of a SCIM messageId (lower case) to a sentinel. Oracle's
// documentation shows invalidPasscode, invalidPhoneNumber and cannotDeleteOnlyExistingDevice
// (API doc section 6); the others are the emulator's names for situations Oracle's samples do
// not show (EMULATOR.md, self-service errors), matched by their last part so that Oracle's
// own prefix does not matter.
var scimSentinels = map[string]error{
	"invalidpasscode":                ErrInvalidPasscode,
	"invalidsecurityanswer":          ErrWrongAnswer,
	"cannotdeleteonlyexistingdevice": ErrOnlyDevice,
	"invalidrequestid":               ErrRequestState,
	"phonenumberalreadyenrolled":     ErrAlreadyEnrolled,
	"factoralreadyenrolled":          ErrAlreadyEnrolled,
	"maxattemptsexceeded":            ErrTooManyAttempts,
	"userlocked":                     ErrUserLocked,
	"factornotenabled":               ErrFactorDisabled,
	// Users may not enroll the factor themselves (userEnrollmentDisabledFactors).
	"factornotenabledforuserenrollment": ErrFactorDisabled,
}

// scimSentinel returns the sentinel of a SCIM messageId ("error.ssocommon.auth.invalidPasscode"), or nil.
func scimSentinel(code string) error {
	i := strings.LastIndexByte(code, '.')
	if i < 0 || !strings.HasPrefix(code, "error.") {
		return nil
	}
	return scimSentinels[strings.ToLower(code[i+1:])]
}

// Is maps the status and code to the sentinels, so callers branch with errors.Is.
func (e *APIError) Is(target error) bool {
	code := strings.ToUpper(e.Code)
	msg := strings.ToLower(e.Message)
	if s := scimSentinel(e.Code); s != nil && s == target {
		return true
	}
	switch target {
	case ErrTokenRefused:
		return e.kind == kindTokenRefused
	case ErrTokenRequest:
		return e.kind != kindAPI
	case ErrNotFound:
		return e.kind == kindAPI && (e.StatusCode == http.StatusNotFound || code == "AUTH-3018" || code == "AUTH-1014")
	case ErrUserNotFound:
		return code == "AUTH-3018"
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden || code == "AUTH-1034" || code == "AUTH-1013"
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrInvalidPasscode:
		return code == "AUTH-1105"
	case ErrWrongAnswer:
		return code == "AUTH-1026"
	case ErrRequestState:
		return code == "AUTH-1117" || code == "AUTH-1120"
	case ErrAlreadyEnrolled:
		return code == "AUTH-1031" ||
			((code == "AUTH-1003" || code == "AUTH-1111") && strings.Contains(msg, "already enrolled"))
	case ErrFactorDisabled:
		switch code {
		case "AUTH-1002", "AUTH-1011", "AUTH-1100", "AUTH-1101", "AUTH-1102", "AUTH-1103", "AUTH-1104", "AUTH-1125":
			return true
		}
		return false
	case ErrUserLocked:
		return code == "AUTH-1010" || code == "AUTH-3002"
	case ErrTooManyAttempts:
		return code == "AUTH-1027" || code == "AUTH-1028"
	case ErrUnauthorized:
		// A 401 that is about the caller (token, role), not about the user's input.
		if e.kind == kindTokenRefused {
			return true
		}
		if e.StatusCode != http.StatusUnauthorized {
			return false
		}
		for _, specific := range []error{ErrInvalidPasscode, ErrWrongAnswer, ErrRequestState, ErrUserLocked, ErrTooManyAttempts, ErrFactorDisabled, ErrForbidden} {
			if e.Is(specific) {
				return false
			}
		}
		return true
	}
	return false
}

// ambiguous reports whether the request may or may not have been carried out.
func (e *APIError) ambiguous() bool {
	return e.kind == kindAPI && (e.StatusCode >= 500 || e.StatusCode == http.StatusRequestTimeout)
}

// NoAnswerError is a request that was sent, in part or in whole, and got no complete answer:
// the connection dropped or timed out after the request went out. The identity domain may
// have carried it out.
type NoAnswerError struct {
	Operation string // "METHOD /path", as in APIError
	Err       error  // the transport's error, with any secret of the request scrubbed
}

func (e *NoAnswerError) Error() string {
	return e.Operation + ": the request was sent and no complete answer came back, so it may have been carried out: " + e.Err.Error()
}

func (e *NoAnswerError) Unwrap() error { return e.Err }

// IsAmbiguous reports whether a failed call may have been carried out all the same: no
// complete answer (*NoAnswerError), or an API answer of 5xx or 408. The token request is
// never ambiguous: it changes nothing on the server.
func IsAmbiguous(err error) bool {
	var na *NoAnswerError
	if errors.As(err, &na) {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.ambiguous()
}

// isAmbiguous is IsAmbiguous under the name the package's code and tests use.
func isAmbiguous(err error) bool { return IsAmbiguous(err) }
