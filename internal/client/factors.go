package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// ListFactors returns the user's enrolled factors (E1).
func (c *Client) ListFactors(ctx context.Context, userGUID string) (*UserFactors, error) {
	p, err := pathf("/mfa/v1/users/%s/factors", userGUID)
	if err != nil {
		return nil, err
	}
	return getJSON[UserFactors](ctx, c, p, nil)
}

// FindUserFactors looks a user up by name or GUID and returns the enrolled factors and the
// user's GUID (E2).
func (c *Client) FindUserFactors(ctx context.Context, userID string, idType UserIDType) (*UserFactors, error) {
	if idType == "" {
		idType = UserIDTypeName
	}
	q := url.Values{"userId": {userID}, "userIdType": {string(idType)}, "attributes": {"factors"}}
	return getJSON[UserFactors](ctx, c, "/mfa/v1/users", q)
}

// getJSON reads the resource at path (with query, if any) into a new T: a GET, retried as
// every read is.
func getJSON[T any](ctx context.Context, c *Client, path string, query url.Values) (*T, error) {
	var out T
	if err := c.do(ctx, request{method: http.MethodGet, path: path, query: query, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetFactor returns the state of one factor, pending or enrolled (E4).
func (c *Client) GetFactor(ctx context.Context, userGUID, factorID string) (*FactorState, error) {
	p, err := pathf("/mfa/v1/users/%s/factors/%s", userGUID, factorID)
	if err != nil {
		return nil, err
	}
	return getJSON[FactorState](ctx, c, p, nil)
}

type activateBody struct {
	OTPCode      string `json:"otpCode"`
	RequestState string `json:"requestState"`
}

// ActivateFactor submits the passcode of a pending enrollment (E5). The passcode is sent once:
// after an answer that judged it, it is never resubmitted. After an ambiguous failure (5xx,
// dropped answer) the factor's status decides: ENROLLED means the passcode was accepted (nil);
// still pending, or a status that cannot be read, comes back as a *LostAnswerError saying so.
func (c *Client) ActivateFactor(ctx context.Context, userGUID, factorID, otpCode, requestState string) error {
	p, err := pathf("/mfa/v1/users/%s/factors/%s", userGUID, factorID)
	if err != nil {
		return err
	}
	ctx, cancel, err := c.commit(ctx, "PATCH "+p)
	if err != nil {
		return err
	}
	defer cancel()
	_, _, err = settle(ctx, c, settler[struct{}]{
		call: func() (struct{}, error) {
			return struct{}{}, c.do(ctx, request{method: http.MethodPatch, path: p, retry: retryUnprocessed,
				body: activateBody{OTPCode: otpCode, RequestState: requestState}})
		},
		look: func(err error, _ int) bool { return isAmbiguous(err) },
		lookup: func() (struct{}, LostAnswer) {
			la := c.lookStatus(ctx, userGUID, factorID)
			switch la.Status {
			case FactorStatusEnrolled:
				la.Found, la.Detail = FoundOwn, "ENROLLED, so the passcode was accepted"
			case FactorStatusInitiated:
				la.Found, la.Detail = FoundNothing, "still ENROLLMENT_INITIATED, so the passcode was not accepted"
			}
			return struct{}{}, la
		},
		again: func(error) bool { return false }, // a passcode is judged once
	})
	return err
}

// lookStatus reads a factor's status after a lost answer. A status other than pending or
// enrolled, or none, is ambiguous.
func (c *Client) lookStatus(ctx context.Context, userGUID, factorID string) LostAnswer {
	la := LostAnswer{Checked: "the factor's status", Found: FoundAmbiguous}
	st, err := c.GetFactor(ctx, userGUID, factorID)
	switch {
	case err != nil:
		la.LookErr, la.Detail = err, "that failed too ("+err.Error()+")"
	case st.FactorStatus == "":
		la.Detail = "no status"
	default:
		la.Status, la.Detail = st.FactorStatus, st.FactorStatus
	}
	return la
}

type resendBody struct {
	ResendOTP    bool   `json:"resendOtp"`
	RequestState string `json:"requestState"`
}

// ResendOTP sends a new passcode for a pending SMS/EMAIL enrollment (E5). The answer carries
// the new requestState; the old one may stop working, so this call is not sent again after an
// ambiguous failure. The factor's status is read instead, and the failure comes back as a
// *LostAnswerError: still pending, a new passcode may have been sent (FoundAmbiguous);
// ENROLLED, nothing was sent (it then matches ErrAlreadyEnrolled too).
func (c *Client) ResendOTP(ctx context.Context, userGUID, factorID, requestState string) (*Enrollment, error) {
	p, err := pathf("/mfa/v1/users/%s/factors/%s", userGUID, factorID)
	if err != nil {
		return nil, err
	}
	var out Enrollment
	err = c.do(ctx, request{method: http.MethodPatch, path: p, retry: retryUnprocessed,
		body: resendBody{ResendOTP: true, RequestState: requestState}, out: &out})
	switch {
	case err == nil:
		return &out, nil
	case !isAmbiguous(err):
		return nil, err
	}
	la := c.lookStatus(ctx, userGUID, factorID)
	la.Err = err
	switch la.Status {
	case FactorStatusEnrolled:
		la.Found, la.Detail = FoundNothing, "ENROLLED, so no passcode was sent"
	case FactorStatusInitiated:
		la.Detail = "still ENROLLMENT_INITIATED"
	}
	return nil, &LostAnswerError{la}
}

type renameBody struct {
	DisplayName string `json:"displayName"`
}

// RenameFactor sets the displayName of an authenticator-app device (TOTP, PUSH) with E5's
// {"displayName": ...} (API doc section 3, E5 table, "Rename a TOTP/PUSH device"; documented
// without an example). Setting a name is idempotent, so it is retried like a read. An empty
// name is refused before any request.
func (c *Client) RenameFactor(ctx context.Context, userGUID, factorID, displayName string) error {
	if strings.TrimSpace(displayName) == "" {
		return errors.New("renaming a factor: the display name is empty")
	}
	p, err := pathf("/mfa/v1/users/%s/factors/%s", userGUID, factorID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodPatch, path: p, body: renameBody{DisplayName: displayName}})
}

type securityQuestionsBody struct {
	SecurityQuestions []SecurityAnswer `json:"securityQuestions"`
}

// SetSecurityQuestions sets, adds, replaces or removes the user's security answers (E5 on the
// fixed factor id SecurityQuestions).
func (c *Client) SetSecurityQuestions(ctx context.Context, userGUID string, answers []SecurityAnswer) error {
	p, err := pathf("/mfa/v1/users/%s/factors/SecurityQuestions", userGUID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodPatch, path: p, retry: retryUnprocessed,
		body: securityQuestionsBody{SecurityQuestions: answers}})
}

// DeleteFactor removes one factor (E6). A factor that is already gone gives an error matching
// ErrNotFound, which callers removing it may treat as success.
func (c *Client) DeleteFactor(ctx context.Context, userGUID, factorID string) error {
	p, err := pathf("/mfa/v1/users/%s/factors/%s", userGUID, factorID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodDelete, path: p})
}

type preferredBody struct {
	PreferredFactorID string `json:"preferredFactorId"`
	PreferredMethod   string `json:"preferredMethod"`
}

// SetPreferredFactor makes factorID (with method) the user's preferred factor (E7).
func (c *Client) SetPreferredFactor(ctx context.Context, userGUID, factorID, method string) error {
	p, err := pathf("/mfa/v1/users/%s", userGUID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodPatch, path: p,
		body: preferredBody{PreferredFactorID: factorID, PreferredMethod: method}})
}

type disableMFABody struct {
	DisableMFA bool `json:"disableMFA"`
}

// DisableMFA removes all of the user's factors (E7).
func (c *Client) DisableMFA(ctx context.Context, userGUID string) error {
	p, err := pathf("/mfa/v1/users/%s", userGUID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodPatch, path: p, body: disableMFABody{DisableMFA: true}})
}
