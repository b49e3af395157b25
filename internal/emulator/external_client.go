package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // RSAES-OAEP with SHA-1 is what Oracle's external-client OTP uses.
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// issueOTP makes a new passcode for the factor. It goes to the outbox as the SMS or e-mail
// the real service would send, unless the client asked for it back encrypted for one of the
// trusted certificates; then the user is not notified and the ciphertext is returned.
// Oracle's sample says an OTP that cannot be encrypted is sent normally, so an unknown x5t
// falls back to sending.
func (s *Server) issueOTPLocked(u *userState, f *factor, ext externalClient) (string, map[string]string) {
	otp := s.rng.digits(s.cfg.OTPLength)
	s.lastOTP[u.ID+"/"+f.ID] = otp
	if ext.UserFlowControlledByExternalClient.True() && ext.X5T != "" {
		if cert := s.trustedCert(ext.X5T); cert != nil {
			if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok {
				ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, []byte(otp), nil)
				if err == nil {
					return otp, map[string]string{"value": base64.StdEncoding.EncodeToString(ct), "alg": "RSAES-OAEP", "x5t": ext.X5T}
				}
			}
		}
	}
	channel, recipient := f.method(), f.DisplayName
	switch {
	case f.hasMethod(MethodEmail):
		channel, recipient = MethodEmail, u.Email
	case f.hasMethod(MethodSMS), f.hasMethod(MethodPhoneCall):
		recipient = f.CountryCode + f.MobileNumber
	}
	s.outbox = append(s.outbox, Message{Channel: channel, Recipient: recipient, UserID: u.ID, FactorID: f.ID, OTP: otp, SentAt: s.now().UTC()})
	return otp, nil
}

// X5T returns the thumbprint clients send for cert: base64url (no padding) of the SHA-1 of
// its DER encoding, the JOSE "x5t" form.
func X5T(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// trustedCert finds the certificate an x5t names. Oracle only says "SHA-1 thumbprint", so
// the JOSE base64url form, padded base64 and hex (with or without colons) are all accepted.
func (s *Server) trustedCert(x5t string) *x509.Certificate {
	want := strings.TrimSpace(x5t)
	for _, c := range s.cfg.TrustedCerts {
		sum := sha1.Sum(c.Raw)
		forms := []string{
			base64.RawURLEncoding.EncodeToString(sum[:]),
			base64.URLEncoding.EncodeToString(sum[:]),
			base64.StdEncoding.EncodeToString(sum[:]),
			base64.RawStdEncoding.EncodeToString(sum[:]),
		}
		for _, f := range forms {
			if want == f {
				return c
			}
		}
		h := strings.ReplaceAll(want, ":", "")
		if strings.EqualFold(h, hex.EncodeToString(sum[:])) {
			return c
		}
	}
	return nil
}
