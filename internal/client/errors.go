package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinels for errors.Is. An *APIError matches the ones its status and code imply.
var (
	ErrNotFound        = errors.New("not found")
	ErrUserNotFound    = errors.New("user not found")
	ErrUnauthorized    = errors.New("unauthorized")
	ErrForbidden       = errors.New("forbidden")
	ErrRateLimited     = errors.New("rate limited")
	ErrInvalidPasscode = errors.New("invalid passcode")
	ErrRequestState    = errors.New("requestState expired or invalid")
	ErrAlreadyEnrolled = errors.New("already enrolled")
	ErrFactorDisabled  = errors.New("factor not enabled")
	ErrUserLocked      = errors.New("user locked")
	ErrTooManyAttempts = errors.New("too many attempts")
	ErrTokenRefused    = errors.New("token request refused")
)

type errorKind int

const (
	kindAPI          errorKind = iota // an answer of /mfa/v1 or /admin/v1
	kindTokenRefused                  // /oauth2/v1/token said no to the credentials
	kindTokenFailed                   // /oauth2/v1/token failed for another reason (5xx, 429 after retries)
)

// APIError is every error the service answers with.
type APIError struct {
	StatusCode int
	Code       string // AUTH-xxxx, SCIM messageId, or OAuth error code
	Message    string
	ECID       string

	op   string // "METHOD /path", for the message
	kind errorKind
}

func (e *APIError) Error() string {
	var b strings.Builder
	switch e.kind {
	case kindTokenRefused:
		fmt.Fprintf(&b, "the token request was refused by the identity domain (HTTP %d", e.StatusCode)
		if e.Code != "" {
			fmt.Fprintf(&b, ", OAuth error %q", e.Code)
		}
		if e.Message != "" {
			fmt.Fprintf(&b, ": %s", e.Message)
		}
		b.WriteString("): check client_id and client_secret; the confidential application must be activated, allow the client credentials grant and have the \"MFA Client\" app role")
		return b.String()
	case kindTokenFailed:
		b.WriteString("the token request to the identity domain failed: ")
	default:
		if e.op != "" {
			b.WriteString(e.op)
			b.WriteString(": ")
		}
		b.WriteString("identity domain answered ")
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
		fmt.Fprintf(&b, " (ecid %s)", e.ECID)
	}
	return b.String()
}

// Is maps the status and code to the sentinels, so callers branch with errors.Is.
func (e *APIError) Is(target error) bool {
	code := strings.ToUpper(e.Code)
	msg := strings.ToLower(e.Message)
	switch target {
	case ErrTokenRefused:
		return e.kind == kindTokenRefused
	case ErrNotFound:
		return e.kind == kindAPI && (e.StatusCode == http.StatusNotFound || code == "AUTH-3018" || code == "AUTH-1014")
	case ErrUserNotFound:
		return code == "AUTH-3018"
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden || code == "AUTH-1034" || code == "AUTH-1013"
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrInvalidPasscode:
		return code == "AUTH-1105" || strings.HasSuffix(strings.ToLower(e.Code), ".invalidpasscode")
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
		for _, specific := range []error{ErrInvalidPasscode, ErrRequestState, ErrUserLocked, ErrTooManyAttempts, ErrFactorDisabled, ErrForbidden} {
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

// noAnswerError is a request that was sent (or may have been) and got no complete answer.
type noAnswerError struct {
	op  string
	err error
}

func (e *noAnswerError) Error() string {
	return e.op + ": no complete answer from the identity domain: " + e.err.Error()
}
func (e *noAnswerError) Unwrap() error { return e.err }

// isAmbiguous reports whether a failed call may have changed something on the server.
func isAmbiguous(err error) bool {
	var na *noAnswerError
	if errors.As(err, &na) {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.ambiguous()
}
