package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // RSAES-OAEP with SHA-1 and x5t (SHA-1 thumbprint) are what Oracle uses.
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// X5T returns the thumbprint clients send for cert: base64url (no padding) of the SHA-1 of
// its DER encoding, the JOSE "x5t" form.
func X5T(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// ParseCertificatesPEM reads every CERTIFICATE block of PEM text (other blocks, such as a
// private key kept in the same file, are skipped). No certificate at all is an error.
func ParseCertificatesPEM(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errNoCertificate
	}
	return certs, nil
}

var errNoCertificate = errors.New("no PEM CERTIFICATE block")

// TrustedCerts returns the application's trusted client certificates.
func (s *Server) TrustedCerts() []*x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.trusted)
}

// SetTrustedCerts replaces the trusted client certificates, as an administrator would in
// the application's settings; nil removes them all.
func (s *Server) SetTrustedCerts(certs []*x509.Certificate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trusted = slices.Clone(certs)
}

// AddTrustedCerts trusts more certificates; one already trusted is not added twice, so
// tests sharing an emulator can each add theirs.
func (s *Server) AddTrustedCerts(certs ...*x509.Certificate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range certs {
		if !slices.ContainsFunc(s.trusted, c.Equal) {
			s.trusted = append(s.trusted, c)
		}
	}
}

// encryptForLocked encrypts the passcode for the trusted certificate that x5t names, as
// {"value": base64 RSAES-OAEP (SHA-1, MGF1-SHA-1) ciphertext, "alg":"RSAES-OAEP", "x5t"}
// (reference §4.1); nil when no trusted RSA certificate has that thumbprint.
func (s *Server) encryptForLocked(x5t, otp string) map[string]string {
	cert := s.trustedCert(x5t)
	if cert == nil {
		return nil
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil
	}
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, []byte(otp), nil)
	if err != nil {
		return nil
	}
	return map[string]string{"value": base64.StdEncoding.EncodeToString(ct), "alg": "RSAES-OAEP", "x5t": x5t}
}

// trustedCert finds the certificate an x5t names. Oracle only says "SHA-1 thumbprint", so
// the JOSE base64url form, padded base64 and hex (with or without colons) are all accepted.
// The caller holds s.mu.
func (s *Server) trustedCert(x5t string) *x509.Certificate {
	want := strings.TrimSpace(x5t)
	for _, c := range s.trusted {
		sum := sha1.Sum(c.Raw)
		forms := []string{
			base64.RawURLEncoding.EncodeToString(sum[:]),
			base64.URLEncoding.EncodeToString(sum[:]),
			base64.StdEncoding.EncodeToString(sum[:]),
			base64.RawStdEncoding.EncodeToString(sum[:]),
		}
		if slices.Contains(forms, want) || strings.EqualFold(strings.ReplaceAll(want, ":", ""), hex.EncodeToString(sum[:])) {
			return c
		}
	}
	return nil
}
