package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

type enrollBody struct {
	Method       string `json:"method"`
	CountryCode  string `json:"countryCode,omitempty"`
	MobileNumber string `json:"mobileNumber,omitempty"`
	// A *bool, or the string "true" for the one-step offline enrollment (see newEnrollBody).
	OfflineTOTP any `json:"offlineTOTP,omitempty"`
	// Oracle documents this flag as a string, and every sample sends "true".
	SkipFactorVerification string `json:"skipFactorVerification,omitempty"`
	SharedSecret           string `json:"sharedSecret,omitempty"`
	OTPCode                string `json:"otpCode,omitempty"`
}

func newEnrollBody(req EnrollRequest) enrollBody {
	b := enrollBody{
		Method:       req.Method,
		CountryCode:  req.CountryCode,
		MobileNumber: req.MobileNumber,
		SharedSecret: req.SharedSecret,
		OTPCode:      req.OTPCode,
	}
	if req.OfflineTOTP != nil {
		b.OfflineTOTP = *req.OfflineTOTP
	}
	if req.SkipVerification {
		b.SkipFactorVerification = "true"
		// The one-step offline TOTP enrollment is sent as the API doc's last E3 row (and
		// Oracle's sample) sends it, every flag a string; the other rows send a boolean.
		if req.OfflineTOTP != nil && *req.OfflineTOTP {
			b.OfflineTOTP = "true"
		}
	}
	return b
}

// OfflineTOTPEnrollRequest builds the one-step enrollment of an offline TOTP device whose
// shared secret is already known (a hardware token, or a secret from another system): the
// API doc's last E3 row, {"method":"TOTP","offlineTOTP":"true","skipFactorVerification":"true",
// "sharedSecret":…,"otpCode":…}. The secret is normalised (NormalizeTOTPSecret) and must pass
// ValidateTOTPSecret; otpCode is optional, and when given the service checks it against the
// secret before enrolling (a wrong one is refused with ErrInvalidPasscode and nothing is
// enrolled). Such an enrollment cannot be recognised in the factor list, so Enroll returns
// its ambiguous failures as they are.
func OfflineTOTPEnrollRequest(sharedSecret, otpCode string) (EnrollRequest, error) {
	if err := ValidateTOTPSecret(sharedSecret); err != nil {
		return EnrollRequest{}, err
	}
	offline := true
	return EnrollRequest{
		Method:           MethodTOTP,
		OfflineTOTP:      &offline,
		SkipVerification: true,
		SharedSecret:     NormalizeTOTPSecret(sharedSecret),
		OTPCode:          strings.TrimSpace(otpCode),
	}, nil
}

// Enroll starts an enrollment, or completes it in one step with SkipVerification (E3).
//
// The POST is not idempotent, so it is never blindly retried. 429 is retried (not processed).
// After an ambiguous failure (5xx, timeout, dropped answer) of an SMS or e-mail enrollment,
// the client finds out what the request did before it returns (lost_answer.go):
//   - with SkipVerification, the user's enrolled factors are read and the one factor that
//     matches the request and is not among req.Before is this request's; finding none, the
//     POST is sent again (a factor that existed before makes it fail as it would have without
//     the loss: already enrolled), so the enrollment is never made twice;
//   - otherwise the POST is sent again: a new enrollment of the same device restarts the
//     pending one with the same factorId (ARCHITECTURE.md decision 3), so nothing is
//     duplicated; when every sending lost its answer, the user's devices in SCIM are read for
//     a pending factor of the device that is not among req.Before.
//
// The returned Enrollment's Lost says what was checked when an answer was lost on the way; a
// look-up that did not settle it returns a *LostAnswerError. A one-step enrollment of another
// method (offline TOTP) cannot be recognised in the factor list, so its ambiguous failure is
// returned as it is.
func (c *Client) Enroll(ctx context.Context, userGUID string, req EnrollRequest) (*Enrollment, error) {
	p, err := pathf("/mfa/v1/users/%s/factors", userGUID)
	if err != nil {
		return nil, err
	}
	ctx, cancel, err := c.commit(ctx, "POST "+p)
	if err != nil {
		return nil, err
	}
	defer cancel()
	adoptable := req.SkipVerification && (req.Method == MethodSMS || req.Method == MethodEmail)
	if adoptable && req.Before == nil {
		// What existed before is what a look-up must never take as this request's result.
		if req.Before, err = c.enrolledIDs(ctx, userGUID); err != nil {
			return nil, err
		}
	}
	body := newEnrollBody(req)
	s := settler[*Enrollment]{
		call: func() (*Enrollment, error) {
			var out Enrollment
			if err := c.do(ctx, request{method: http.MethodPost, path: p, body: body, out: &out, retry: retryUnprocessed}); err != nil {
				return nil, err
			}
			return &out, nil
		},
		look: func(err error, attempt int) bool {
			if isAmbiguous(err) {
				return !req.SkipVerification || adoptable
			}
			// An earlier, ambiguous attempt may have enrolled it after all (it was still being
			// processed when the factors were listed).
			return attempt > 0 && adoptable && errors.Is(err, ErrAlreadyEnrolled)
		},
		again: func(err error) bool { return !adoptable || !errors.Is(err, ErrAlreadyEnrolled) },
	}
	if adoptable {
		s.lookup = func() (*Enrollment, LostAnswer) { return c.lookEnrolled(ctx, userGUID, req) }
	}
	e, lost, err := settle(ctx, c, s)
	if err != nil && isAmbiguous(err) && !req.SkipVerification && req.recognisable() && ctx.Err() == nil {
		var la *LostAnswerError
		if !errors.As(err, &la) {
			return c.lookPending(ctx, userGUID, req, err)
		}
	}
	if e != nil {
		e.Lost = lost
	}
	return e, err
}

// enrolledIDs lists the ids of the user's enrolled factors.
func (c *Client) enrolledIDs(ctx context.Context, userGUID string) ([]string, error) {
	uf, err := c.ListFactors(ctx, userGUID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(uf.Factors))
	for _, f := range uf.Factors {
		ids = append(ids, f.FactorID)
	}
	return ids, nil
}

// lookEnrolled looks, after a lost answer, for the enrolled factor a one-step enrollment made.
func (c *Client) lookEnrolled(ctx context.Context, userGUID string, req EnrollRequest) (*Enrollment, LostAnswer) {
	la := LostAnswer{Checked: "the user's enrolled factors"}
	uf, err := c.ListFactors(ctx, userGUID)
	if err != nil {
		la.Found, la.LookErr, la.Detail = FoundAmbiguous, err, "listing them failed too ("+err.Error()+")"
		return nil, la
	}
	seen := make([]candidate, 0, len(uf.Factors))
	for _, f := range uf.Factors {
		seen = append(seen, candidate{id: f.FactorID, display: f.DisplayName, status: FactorStatusEnrolled, methods: f.Methods})
	}
	var e *Enrollment
	e, la.Found, la.Detail = settleCandidates(req, req.Before, seen)
	return e, la
}

// lookPending follows an enrollment with a passcode every sending of which lost its answer:
// the user's SCIM devices (pending factors show only there) are read for a pending factor of
// the device that did not exist before the request. Found, it is the result, without the
// requestState the lost answer carried.
func (c *Client) lookPending(ctx context.Context, userGUID string, req EnrollRequest, sendErr error) (*Enrollment, error) {
	la := LostAnswer{Err: sendErr, Checked: "the user's devices in SCIM (pending and enrolled factors)"}
	devices, err := c.UserDevices(ctx, userGUID)
	if err != nil {
		la.Checked = "nothing: the MFA API does not list pending factors, and reading the user's devices in SCIM failed"
		la.Found, la.LookErr, la.Detail = FoundAmbiguous, err, err.Error()
		return nil, &LostAnswerError{la}
	}
	seen := make([]candidate, 0, len(devices))
	for _, d := range devices {
		if !d.Enrolled() {
			seen = append(seen, candidate{id: d.Value, display: d.Display, status: FactorStatusInitiated, methods: []string{d.FactorType}})
		}
	}
	var e *Enrollment
	e, la.Found, la.Detail = settleCandidates(req, req.Before, seen)
	if la.Found != FoundOwn {
		return nil, &LostAnswerError{la}
	}
	e.Lost = &la
	return e, nil
}

func hasMethod(methods []string, m string) bool {
	for _, x := range methods {
		if strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// maskRunes are the characters the service shows in place of hidden digits of a phone number.
const maskRunes = "Xx*#•"

// IsMaskedNumber reports whether s is a phone number as the service masks it (a factor's
// displayName, e.g. "+44XXXXXXX123"), rather than a number written in full.
func IsMaskedNumber(s string) bool { return strings.ContainsAny(s, maskRunes) }

// MaskedNumberMatches reports whether a phone factor's displayName, as the service masks it
// ("+44XXXXXXX455", "91******0143"), can be the number countryCode+mobileNumber: the visible
// leading digits must start the full number and the visible trailing digits must end it.
func MaskedNumberMatches(displayName, countryCode, mobileNumber string) bool {
	full := digits(countryCode) + digits(mobileNumber)
	if full == "" || displayName == "" {
		return false
	}
	var lead, tail strings.Builder
	masked := false
	for _, r := range displayName {
		switch {
		case r >= '0' && r <= '9':
			if masked {
				tail.WriteRune(r)
			} else {
				lead.WriteRune(r)
			}
		case strings.ContainsRune(maskRunes, r):
			if masked && tail.Len() > 0 {
				// A second masked run: fold what was between into the tail check.
				tail.Reset()
			}
			masked = true
		}
	}
	if !masked {
		return lead.String() == full
	}
	if tail.Len() == 0 || !strings.HasPrefix(full, lead.String()) || !strings.HasSuffix(full, tail.String()) {
		return false
	}
	// The masked run hides at least one digit.
	return lead.Len()+tail.Len() < len(full)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
