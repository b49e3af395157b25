package emulator

import "strings"

// minSharedSecretBytes is RFC 4226 §4 requirement R6: a shared secret of at least 128 bits.
const minSharedSecretBytes = 16

// acceptTOTPLocked checks a code of the factor's TOTP app against the domain's settings
// (previous, current or next step) and spends the step it matches, so that neither it nor an
// earlier step's code is accepted again (RFC 6238 §5.2). The caller holds s.mu.
func (s *Server) acceptTOTPLocked(f *factor, code string) bool {
	key, err := decodeBase32(f.SharedSecret)
	if err != nil {
		return false
	}
	st, ok := s.totp.match(key, strings.TrimSpace(code), s.now(), f.totpSpent)
	if ok {
		f.totpSpent = st
	}
	return ok
}

// appCodeLocked is the code to type for the factor's TOTP app now: the current step's, or,
// when that step is spent, the first unspent step's. The next step's code is accepted
// already (one step of tolerance), so a test can verify again at once instead of waiting.
func (s *Server) appCodeLocked(f *factor) (string, bool) {
	key, err := decodeBase32(f.SharedSecret)
	if err != nil {
		return "", false
	}
	return s.totp.code(key, max(s.totp.step(s.now()), f.totpSpent+1)), true
}

// enrollSharedSecretLocked is E3's one-step offline TOTP enrollment of an existing token
// (skipFactorVerification + sharedSecret [+ otpCode], reference §3). Oracle's sample
// enrolls the secret "QYV81R" without an otpCode unchecked, so the secret is checked only
// when an otpCode comes with it: it must then be base32 of at least 128 bits (400
// AUTH-1111), and the code must be one of its codes now (401 AUTH-1105, counted towards the
// lockout, nothing enrolled).
func (s *Server) enrollSharedSecretLocked(u *userState, req enrollRequest) (map[string]any, *apiError) {
	secret := strings.TrimSpace(req.SharedSecret)
	if secret == "" {
		return nil, errMissing("sharedSecret")
	}
	var spent int64
	if code := strings.TrimSpace(string(req.OTPCode)); code != "" {
		key, err := decodeBase32(secret)
		if err != nil || len(key) < minSharedSecretBytes {
			return nil, errBadSharedSecret()
		}
		st, ok := s.totp.match(key, code, s.now(), 0)
		if !ok {
			return nil, s.failAttemptLocked(u, errInvalidPasscode())
		}
		spent = st
	}
	f := s.newFactorLocked(u, []string{MethodTOTP}, deviceName(u))
	f.OfflineTOTP, f.SharedSecret, f.totpSpent = true, secret, spent
	s.markEnrolledLocked(u, f)
	return enrollmentBody(f), nil
}
