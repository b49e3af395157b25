package client

import (
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP algorithms, as the identity domain's totpSettings.hashingAlgorithm names them.
const (
	TOTPAlgorithmSHA1   = "SHA1"
	TOTPAlgorithmSHA256 = "SHA256"
	TOTPAlgorithmSHA512 = "SHA512"
)

// Oracle's defaults for the domain's TOTP settings (totpSettings.timeStepInSecs,
// passcodeLength, hashingAlgorithm; API doc section 3, "TOTP QR details": period=30,
// digits=6, algorithm=SHA1).
const (
	DefaultTOTPPeriod    = 30 * time.Second
	DefaultTOTPDigits    = 6
	DefaultTOTPAlgorithm = TOTPAlgorithmSHA1
)

// MinTOTPSecretBytes is the shortest shared secret accepted: RFC 4226 section 4, requirement
// R6, asks for at least 128 bits (RFC 6238 section 5.1 refers to it for TOTP).
const MinTOTPSecretBytes = 16

// Errors of ValidateTOTPSecret and TOTPCode. Their texts never hold the secret.
var (
	ErrTOTPSecretNotBase32 = errors.New("the TOTP shared secret is not base32 (RFC 4648 alphabet A-Z and 2-7)")
	ErrTOTPSecretTooShort  = fmt.Errorf("the TOTP shared secret is shorter than %d bits (RFC 4226 section 4, R6)", 8*MinTOTPSecretBytes)
	ErrTOTPParams          = errors.New("invalid TOTP parameters")
)

// TOTPParams are the parameters of an RFC 6238 code, set domain-wide in the identity
// domain's totpSettings. A zero field takes Oracle's default.
type TOTPParams struct {
	// Period is the time step, a whole number of seconds (timeStepInSecs). Default 30 s.
	Period time.Duration
	// Digits is the code's length, 6 to 10 (passcodeLength): RFC 4226 section 5.3 asks for
	// at least 6, and the 31-bit truncated value has at most 10. Default 6.
	Digits int
	// Algorithm is the HMAC hash: "SHA1", "SHA256" or "SHA512" (hashingAlgorithm), in any
	// case. Default "SHA1".
	Algorithm string
}

// DefaultTOTPParams returns Oracle's defaults: 30 s, 6 digits, SHA1.
func DefaultTOTPParams() TOTPParams {
	return TOTPParams{Period: DefaultTOTPPeriod, Digits: DefaultTOTPDigits, Algorithm: DefaultTOTPAlgorithm}
}

// withDefaults fills the zero fields and checks the others.
func (p TOTPParams) withDefaults() (TOTPParams, otp.Algorithm, error) {
	d := DefaultTOTPParams()
	if p.Period == 0 {
		p.Period = d.Period
	}
	if p.Digits == 0 {
		p.Digits = d.Digits
	}
	if p.Algorithm == "" {
		p.Algorithm = d.Algorithm
	}
	if p.Period < time.Second || p.Period%time.Second != 0 {
		return p, 0, fmt.Errorf("%w: the period %v is not a whole number of seconds", ErrTOTPParams, p.Period)
	}
	if p.Digits < 6 || p.Digits > 10 {
		return p, 0, fmt.Errorf("%w: %d digits, want 6 to 10", ErrTOTPParams, p.Digits)
	}
	var alg otp.Algorithm
	switch strings.ToUpper(p.Algorithm) {
	case TOTPAlgorithmSHA1:
		alg = otp.AlgorithmSHA1
	case TOTPAlgorithmSHA256:
		alg = otp.AlgorithmSHA256
	case TOTPAlgorithmSHA512:
		alg = otp.AlgorithmSHA512
	default:
		return p, 0, fmt.Errorf("%w: algorithm %q, want SHA1, SHA256 or SHA512", ErrTOTPParams, p.Algorithm)
	}
	return p, alg, nil
}

// NormalizeTOTPSecret returns secret as authenticator apps read a typed-in key: white space
// removed (keys are shown in groups of four), upper case, without "=" padding. It does not
// check the result.
func NormalizeTOTPSecret(secret string) string {
	s := strings.Join(strings.Fields(secret), "")
	return strings.TrimRight(strings.ToUpper(s), "=")
}

// ValidateTOTPSecret checks a shared secret as NormalizeTOTPSecret reads it: base32 (RFC
// 4648 section 6) of at least MinTOTPSecretBytes bytes. The error wraps
// ErrTOTPSecretNotBase32 or ErrTOTPSecretTooShort and never quotes the secret.
func ValidateTOTPSecret(secret string) error {
	_, err := decodeTOTPSecret(secret)
	return err
}

func decodeTOTPSecret(secret string) ([]byte, error) {
	s := NormalizeTOTPSecret(secret)
	if s == "" {
		return nil, fmt.Errorf("%w: it is empty", ErrTOTPSecretTooShort)
	}
	// A character outside the alphabet is named by its position (which is no secret) before
	// the length is judged, so that the message points at the real mistake.
	if i := strings.IndexFunc(s, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '2' || r > '7') }); i >= 0 {
		return nil, fmt.Errorf("%w: character %d (not counting white space) is not in the alphabet", ErrTOTPSecretNotBase32, i+1)
	}
	// A last group of 1, 3 or 6 characters encodes no whole byte (RFC 4648 section 6);
	// Go's unpadded decoder lets such a tail through, so it is refused here.
	switch len(s) % 8 {
	case 1, 3, 6:
		return nil, fmt.Errorf("%w: %d characters, a length base32 cannot have", ErrTOTPSecretNotBase32, len(s))
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		// The decoder's error gives the offset of the first bad character, which is no secret.
		var bad base32.CorruptInputError
		if errors.As(err, &bad) {
			return nil, fmt.Errorf("%w: wrong character or length at character %d, not counting white space", ErrTOTPSecretNotBase32, int64(bad)+1)
		}
		return nil, ErrTOTPSecretNotBase32
	}
	if len(key) < MinTOTPSecretBytes {
		return nil, fmt.Errorf("%w: it has %d bits", ErrTOTPSecretTooShort, 8*len(key))
	}
	return key, nil
}

// TOTPCode returns the RFC 6238 code of a base32 shared secret at time at, with p (zero
// fields take Oracle's defaults). The secret is normalised and validated first
// (ValidateTOTPSecret); errors wrap ErrTOTPSecretNotBase32, ErrTOTPSecretTooShort or
// ErrTOTPParams and never hold the secret.
func TOTPCode(secret string, at time.Time, p TOTPParams) (string, error) {
	if _, err := decodeTOTPSecret(secret); err != nil {
		return "", err
	}
	p, alg, err := p.withDefaults()
	if err != nil {
		return "", err
	}
	code, err := totp.GenerateCodeCustom(NormalizeTOTPSecret(secret), at, totp.ValidateOpts{
		Period:    uint(p.Period / time.Second),
		Digits:    otp.Digits(p.Digits),
		Algorithm: alg,
	})
	if err != nil {
		// Only a secret the library cannot decode fails here, and it was decoded above.
		return "", ErrTOTPSecretNotBase32
	}
	return code, nil
}
