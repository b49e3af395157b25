package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// DefaultPushPollInterval is the wait between two polls (V3) of a PUSH verification: long
// enough not to spend the domain's AuthN rate limit (10 requests a second on a free domain,
// API doc section 7.4) on one user's approval, short enough not to keep a person waiting.
const DefaultPushPollInterval = 3 * time.Second

// Errors of Verify beyond those of the calls it makes.
var (
	// ErrNotTrustedClient: V1 was asked to return the passcode encrypted (API doc 4.1) and
	// answered without it. Oracle's sample says the passcode is then sent to the user as
	// usual, so one may have been; the certificate is not registered as a Trusted Client
	// Certificate of the application. Nothing was submitted.
	ErrNotTrustedClient = errors.New("the identity domain returned no encrypted passcode: the certificate is not registered as a trusted client certificate, and a passcode may have been sent to the user")
	// ErrMissingAnswer: the verified factor needs something the request did not give. It is
	// wrapped in a *MissingAnswerError.
	ErrMissingAnswer = errors.New("the verification needs an answer the request does not give")
	// ErrPushRejected: V3 answered 401 to a PUSH verification: the user rejected it (API doc
	// section 4, V3). The 401 *APIError is wrapped too.
	ErrPushRejected = errors.New("the PUSH notification was rejected")
)

// MissingAnswerError says what a verification lacked. Nothing was submitted.
type MissingAnswerError struct {
	Method string // the method of the factor being verified
	// QuestionIDs are the security questions asked without an answer (SECURITY_QUESTIONS).
	QuestionIDs []string
	// Initiated: V1 was sent, so for SMS, EMAIL and PHONE_CALL a passcode may have gone to
	// the user.
	Initiated bool
}

func (e *MissingAnswerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the %s verification needs ", e.Method)
	switch e.Method {
	case MethodTOTP:
		b.WriteString("the factor's TOTP shared secret")
	case MethodSMS, MethodEmail, MethodPhoneCall:
		b.WriteString("a trusted client key and certificate to receive the passcode encrypted")
	case MethodBypassCode:
		b.WriteString("a bypass code")
	case MethodSecurityQuestions:
		b.WriteString("answers to the security questions")
		if len(e.QuestionIDs) > 0 {
			fmt.Fprintf(&b, " %s", strings.Join(e.QuestionIDs, ", "))
		}
	default:
		b.WriteString("an answer this client cannot give")
	}
	b.WriteString(", which the request does not give; nothing was submitted")
	if e.Initiated && isSentOTPMethod(e.Method) {
		b.WriteString(", and a passcode may have been sent to the user")
	}
	return b.String()
}

func (e *MissingAnswerError) Is(target error) bool { return target == ErrMissingAnswer }

// VerifyRequest is one whole verification of a user's factor answered with no person
// involved (API doc section 4: V1, then V2, or V3 for PUSH). Only what the verified factor's
// method needs is used; the rest may be empty. Every answer field is a secret.
type VerifyRequest struct {
	UserID     string
	UserIDType UserIDType // USER_GUID (default) or USER_NAME
	// FactorID and Method name a backup factor (both, or neither for the preferred one);
	// BYPASSCODE is FactorID "BypassCode", SECURITY_QUESTIONS is "SecurityQuestions".
	FactorID string
	Method   string

	// TOTP: the factor's base32 shared secret (ValidateTOTPSecret) and the domain's TOTP
	// settings (zero fields: Oracle's defaults).
	TOTPSecret string
	TOTP       TOTPParams
	// TOTPFreshStep waits for the start of the next time step (at most one period) and
	// answers with that step's code, which nothing can have used yet: the service accepts
	// each code once (RFC 6238 section 5.2), and a caller that verifies twice within a step
	// (Terraform opens an ephemeral resource during plan and again during apply) would
	// otherwise have its second answer refused.
	TOTPFreshStep bool
	// OnTOTPWait, when set, is told how long the wait for the next time step will be, before
	// it starts, so that the caller can say why nothing seems to happen (up to one period).
	OnTOTPWait func(wait time.Duration)
	// SMS, EMAIL, PHONE_CALL: the trusted client's PEM private key and PEM certificate (API
	// doc 4.1, ParseExternalClientKey). When set, V1 for one of these methods, or for the
	// preferred factor, asks for the passcode encrypted (userFlowControlledByExternalClient,
	// x5t), so the user is not notified. Without it, verifying a preferred factor that
	// turns out to be one of these sends the user a passcode that Verify cannot answer.
	ExternalClientKeyPEM         string
	ExternalClientCertificatePEM string
	// BYPASSCODE: one of the user's bypass codes (it is used up).
	BypassCode string
	// SECURITY_QUESTIONS: answers by question id (e.g. "FirstCar"); the service picks which
	// questions it asks.
	SecurityAnswers map[string]string

	// PushPollInterval is the wait between two V3 polls; 0 means DefaultPushPollInterval.
	// A PUSH verification lasts until approval, rejection or the context's deadline.
	PushPollInterval time.Duration
	// Clock is the time a TOTP code is computed for (RFC 6238's T) and the wait for the
	// next time step (TOTPFreshStep); nil means the real clock.
	Clock Clock
}

// Clock is the time TOTP codes are computed for and how a wait for a time step passes.
// Tests give an emulator's clock, whose Sleep moves it forward instead of waiting.
type Clock interface {
	Now() time.Time
	// Sleep returns after d, or with ctx's error when ctx ends first.
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time                                   { return time.Now() }
func (realClock) Sleep(ctx context.Context, d time.Duration) error { return sleep(ctx, d) }

// VerifyResult is what a successful verification verified.
type VerifyResult struct {
	RequestID   string
	UserGUID    string
	FactorID    string
	Method      string
	DisplayName string
}

// Verify runs a whole verification: V1 (POST /mfa/v1/requests) for the preferred factor or
// the named one, then the answer the factor's method needs: a TOTP code computed from the
// secret (RFC 6238); for SMS, EMAIL and PHONE_CALL the passcode V1 returned encrypted for
// the trusted client, decrypted (API doc 4.1); a bypass code; the answers to the questions
// asked; or, for PUSH, V3 polls until the user approves or rejects.
//
// Key material and the TOTP secret are checked before any request (errors wrap
// ErrPrivateKeyPEM, ErrCertificatePEM, ErrCertificateNotRSA, ErrKeyMismatch,
// ErrTOTPSecretNotBase32, ErrTOTPSecretTooShort, ErrTOTPParams), and so is a named method
// without its answer (*MissingAnswerError). After V1 it stops without submitting anything
// when the passcode did not come back encrypted (ErrNotTrustedClient), does not decrypt
// (ErrOTPDecrypt) or the service asked what the request does not answer
// (*MissingAnswerError). The answer (V2) is sent once: a failure that may hide its outcome
// is returned as it is (IsAmbiguous). No error holds a secret.
func (c *Client) Verify(ctx context.Context, req VerifyRequest) (*VerifyResult, error) {
	if req.UserID == "" {
		return nil, errors.New("verifying: the user id is empty")
	}
	if (req.FactorID == "") != (req.Method == "") {
		return nil, errors.New("verifying: a backup factor needs both its factor id and its method")
	}
	var key *ExternalClientKey
	if req.ExternalClientKeyPEM != "" || req.ExternalClientCertificatePEM != "" {
		var err error
		if key, err = ParseExternalClientKey(req.ExternalClientKeyPEM, req.ExternalClientCertificatePEM); err != nil {
			return nil, err
		}
	}
	if req.TOTPSecret != "" {
		if err := ValidateTOTPSecret(req.TOTPSecret); err != nil {
			return nil, err
		}
		if _, _, err := req.TOTP.withDefaults(); err != nil {
			return nil, err
		}
	}
	if method := strings.ToUpper(req.Method); method != "" {
		if miss := req.missing(method, key, nil); miss != nil {
			return nil, miss
		}
	}

	vr := VerificationRequest{UserID: req.UserID, UserIDType: req.UserIDType, FactorID: req.FactorID, Method: req.Method}
	// Oracle documents the flag for the methods whose passcode it sends; the preferred
	// factor's method is not known before V1, so it goes with every such request.
	if named := strings.ToUpper(req.Method); key != nil && (named == "" || isSentOTPMethod(named)) {
		vr.ExternalClientX5T = key.X5T()
	}
	v, err := c.InitiateVerification(ctx, vr)
	if err != nil {
		return nil, err
	}
	method := strings.ToUpper(v.Method)
	if miss := req.missing(method, key, v.SecurityQuestions); miss != nil {
		miss.Initiated = true
		return nil, miss
	}
	if method == MethodPush {
		err = c.awaitPush(ctx, v.RequestID, req.PushPollInterval)
	} else {
		var a VerificationAnswer
		if a, err = req.answer(ctx, method, key, v); err == nil {
			a.RequestState = v.RequestState
			err = c.CompleteVerification(ctx, v.RequestID, a)
		}
	}
	if err != nil {
		return nil, err
	}
	return &VerifyResult{RequestID: v.RequestID, UserGUID: v.UserGUID, FactorID: v.FactorID, Method: v.Method, DisplayName: v.DisplayName}, nil
}

// missing says what the request lacks to answer method (asked: the questions V1 asked).
func (req VerifyRequest) missing(method string, key *ExternalClientKey, asked []SecurityQuestion) *MissingAnswerError {
	lacks := false
	var ids []string
	switch method {
	case MethodTOTP:
		lacks = req.TOTPSecret == ""
	case MethodSMS, MethodEmail, MethodPhoneCall:
		lacks = key == nil
	case MethodBypassCode:
		lacks = strings.TrimSpace(req.BypassCode) == ""
	case MethodSecurityQuestions:
		for _, q := range asked {
			if strings.TrimSpace(req.SecurityAnswers[q.ID]) == "" {
				ids = append(ids, q.ID)
			}
		}
		sort.Strings(ids)
		lacks = len(ids) > 0 || len(req.SecurityAnswers) == 0
	case MethodPush:
	default:
		lacks = true
	}
	if !lacks {
		return nil
	}
	return &MissingAnswerError{Method: method, QuestionIDs: ids}
}

// answer builds the V2 body for an initiated verification v of method.
func (req VerifyRequest) answer(ctx context.Context, method string, key *ExternalClientKey, v *Verification) (VerificationAnswer, error) {
	switch method {
	case MethodTOTP:
		clock := req.Clock
		if clock == nil {
			clock = realClock{}
		}
		at := clock.Now()
		if req.TOTPFreshStep {
			p, _, err := req.TOTP.withDefaults()
			if err != nil {
				return VerificationAnswer{}, err
			}
			wait := p.Period - time.Duration(at.UnixNano())%p.Period
			if req.OnTOTPWait != nil {
				req.OnTOTPWait(wait)
			}
			if err := clock.Sleep(ctx, wait); err != nil {
				return VerificationAnswer{}, fmt.Errorf("waiting %s for the next TOTP time step: %w", wait.Round(time.Second), err)
			}
			at = at.Add(wait)
		}
		code, err := TOTPCode(req.TOTPSecret, at, req.TOTP)
		return VerificationAnswer{OTPCode: code}, err
	case MethodSMS, MethodEmail, MethodPhoneCall:
		if v.OTP == nil {
			return VerificationAnswer{}, fmt.Errorf("%w (x5t %s; %s factor %s)", ErrNotTrustedClient, key.X5T(), method, v.FactorID)
		}
		code, err := key.DecryptOTP(v.OTP)
		return VerificationAnswer{OTPCode: code}, err
	case MethodBypassCode:
		return VerificationAnswer{BypassCode: strings.TrimSpace(req.BypassCode)}, nil
	default: // MethodSecurityQuestions: missing checked that every question has an answer
		answers := make([]SecurityAnswer, 0, len(v.SecurityQuestions))
		for _, q := range v.SecurityQuestions {
			answers = append(answers, SecurityAnswer{ID: q.ID, Answer: req.SecurityAnswers[q.ID]})
		}
		return VerificationAnswer{SecurityQuestions: answers}, nil
	}
}

// awaitPush polls V3 until the user approves (nil), rejects (ErrPushRejected) or ctx ends.
func (c *Client) awaitPush(ctx context.Context, requestID string, every time.Duration) error {
	if every <= 0 {
		every = DefaultPushPollInterval
	}
	for {
		if err := sleep(ctx, every); err != nil {
			return fmt.Errorf("PUSH verification %s: not approved in time: %w", requestID, err)
		}
		st, err := c.GetVerification(ctx, requestID)
		var ae *APIError
		switch {
		case errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized && errors.Is(err, ErrUnauthorized) &&
			!strings.EqualFold(ae.Code, "AUTH-1110"): // an expired token is not the user's no
			return fmt.Errorf("%w: %w", ErrPushRejected, err)
		case err != nil:
			return err
		case strings.EqualFold(st.Status, "success"):
			return nil
		}
	}
}

// isSentOTPMethod: the methods whose passcode the service sends to the user.
func isSentOTPMethod(m string) bool {
	return m == MethodSMS || m == MethodEmail || m == MethodPhoneCall
}
