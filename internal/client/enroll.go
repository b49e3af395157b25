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
// After an ambiguous failure (5xx, timeout, dropped answer):
//   - with SkipVerification (SMS, EMAIL), the user's enrolled factors are read first and a
//     factor matching the request is adopted, so the enrollment is never made twice;
//   - otherwise the POST is sent again: a new enrollment of the same device restarts the
//     pending one with the same factorId (ARCHITECTURE.md decision 3), so nothing is duplicated.
//
// A one-step enrollment of another method (offline TOTP) cannot be recognised in the factor
// list, so its ambiguous failure is returned as it is.
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
		s.lookup = func() (*Enrollment, bool) {
			f, err := c.findEnrolled(ctx, userGUID, req)
			if err != nil || f == nil {
				return nil, false
			}
			return &Enrollment{FactorID: f.FactorID, FactorStatus: FactorStatusEnrolled, Methods: f.Methods, DisplayName: f.DisplayName}, true
		}
	}
	return settle(ctx, c, s)
}

// findEnrolled returns the user's enrolled factor that req would have created, if any.
func (c *Client) findEnrolled(ctx context.Context, userGUID string, req EnrollRequest) (*Factor, error) {
	uf, err := c.ListFactors(ctx, userGUID)
	if err != nil {
		return nil, err
	}
	for i := range uf.Factors {
		f := &uf.Factors[i]
		if !hasMethod(f.Methods, req.Method) {
			continue
		}
		switch req.Method {
		case MethodEmail:
			return f, nil
		case MethodSMS, MethodPhoneCall:
			if MaskedNumberMatches(f.DisplayName, req.CountryCode, req.MobileNumber) {
				return f, nil
			}
		}
	}
	return nil, nil
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
