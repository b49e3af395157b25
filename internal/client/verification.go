package client

import (
	"context"
	"net/http"
)

type initiateVerificationBody struct {
	UserID                             string     `json:"userId"`
	UserIDType                         UserIDType `json:"userIdType"`
	FactorID                           string     `json:"factorId,omitempty"`
	Method                             string     `json:"method,omitempty"`
	UserFlowControlledByExternalClient bool       `json:"userFlowControlledByExternalClient,omitempty"`
	X5T                                string     `json:"x5t,omitempty"`
}

// InitiateVerification starts a verification of the preferred factor, or of FactorID (V1).
// It sends a passcode or a notification, so it is not retried after an ambiguous failure.
func (c *Client) InitiateVerification(ctx context.Context, req VerificationRequest) (*Verification, error) {
	idType := req.UserIDType
	if idType == "" {
		idType = UserIDTypeGUID
	}
	body := initiateVerificationBody{
		UserID:     req.UserID,
		UserIDType: idType,
		FactorID:   req.FactorID,
		Method:     req.Method,
	}
	if req.ExternalClientX5T != "" {
		body.UserFlowControlledByExternalClient = true
		body.X5T = req.ExternalClientX5T
	}
	var out Verification
	if err := c.do(ctx, request{method: http.MethodPost, path: "/mfa/v1/requests", body: body, out: &out, retry: retryUnprocessed}); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerificationAnswer completes a verification (V2): one of OTPCode, BypassCode or
// SecurityQuestions, with the latest RequestState. All of them are secrets.
type VerificationAnswer struct {
	OTPCode           string           `json:"otpCode,omitempty"`
	BypassCode        string           `json:"bypassCode,omitempty"`
	SecurityQuestions []SecurityAnswer `json:"securityQuestions,omitempty"`
	RequestState      string           `json:"requestState"`
}

// CompleteVerification submits the answer of a verification (V2). Like a passcode for an
// enrollment, it is sent once.
func (c *Client) CompleteVerification(ctx context.Context, requestID string, a VerificationAnswer) error {
	p, err := pathf("/mfa/v1/requests/%s", requestID)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodPatch, path: p, body: a, retry: retryUnprocessed})
}

// ResendVerification sends a new passcode for a verification (V2); the answer carries the new
// requestState.
func (c *Client) ResendVerification(ctx context.Context, requestID, requestState string) (*Verification, error) {
	p, err := pathf("/mfa/v1/requests/%s", requestID)
	if err != nil {
		return nil, err
	}
	var out Verification
	if err := c.do(ctx, request{method: http.MethodPatch, path: p, retry: retryUnprocessed,
		body: resendBody{ResendOTP: true, RequestState: requestState}, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetVerification polls a PUSH verification (V3): Status "success" (approved) or "pending".
func (c *Client) GetVerification(ctx context.Context, requestID string) (*VerificationStatus, error) {
	p, err := pathf("/mfa/v1/requests/%s", requestID)
	if err != nil {
		return nil, err
	}
	var out struct {
		Status string `json:"status"`
		Cause  []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"cause"`
	}
	if err := c.do(ctx, request{method: http.MethodGet, path: p, out: &out}); err != nil {
		return nil, err
	}
	vs := &VerificationStatus{Status: out.Status}
	if len(out.Cause) > 0 {
		vs.Code, vs.Message = out.Cause[0].Code, cleanText(out.Cause[0].Message, maxMessageLen)
	}
	return vs, nil
}
