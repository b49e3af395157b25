package client

import (
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // the x5t thumbprint and RSAES-OAEP of API doc section 4.1 are SHA-1 by definition
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Key material errors of ParseExternalClientKey and DecryptOTP, one per thing the caller
// can get wrong, so that it can name the input at fault. Their texts never hold key
// material, ciphertext or passcode.
var (
	ErrPrivateKeyPEM     = errors.New("the private key is not an unencrypted PEM RSA private key (PKCS #1 \"RSA PRIVATE KEY\" or PKCS #8 \"PRIVATE KEY\")")
	ErrCertificatePEM    = errors.New("the certificate is not a PEM X.509 certificate (\"CERTIFICATE\")")
	ErrCertificateNotRSA = errors.New("the certificate's public key is not an RSA key")
	ErrKeyMismatch       = errors.New("the private key does not belong to the certificate")
	ErrOTPDecrypt        = errors.New("the encrypted passcode does not decrypt with the private key (RSAES-OAEP, SHA-1)")
)

// otpAlgorithm is the otp.alg the identity domain names its encryption with (API doc 4.1).
const otpAlgorithm = "RSAES-OAEP"

// ExternalClientKey is the key pair of a trusted client (API doc section 4.1): an RSA private
// key and the self-signed certificate imported as a Trusted Client Certificate of the
// application. With it, V1 returns the passcode of an SMS, EMAIL or PHONE_CALL factor
// encrypted instead of sending it to the user. It holds the private key: never log it.
type ExternalClientKey struct {
	key *rsa.PrivateKey
	x5t string
}

// ParseExternalClientKey reads a PEM private key (PKCS #1 or PKCS #8, unencrypted) and a PEM
// certificate, and checks that the key is RSA and belongs to the certificate. Errors wrap
// ErrPrivateKeyPEM, ErrCertificatePEM, ErrCertificateNotRSA or ErrKeyMismatch.
func ParseExternalClientKey(privateKeyPEM, certificatePEM string) (*ExternalClientKey, error) {
	cert, err := parseCertificatePEM(certificatePEM)
	if err != nil {
		return nil, err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w (it is %s)", ErrCertificateNotRSA, cert.PublicKeyAlgorithm)
	}
	key, err := parsePrivateKeyPEM(privateKeyPEM)
	if err != nil {
		return nil, err
	}
	if !key.PublicKey.Equal(pub) {
		return nil, ErrKeyMismatch
	}
	return &ExternalClientKey{key: key, x5t: thumbprint(cert)}, nil
}

// X5T is the certificate's thumbprint as sent in V1's x5t: base64url without padding of the
// SHA-1 of the DER certificate, the JOSE "x5t" form (RFC 7515 section 4.1.7; API doc 4.1
// says "SHA-1 thumbprint").
func (k *ExternalClientKey) X5T() string { return k.x5t }

func thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw) //nolint:gosec // see the import
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// DecryptOTP decrypts otp.value, the base64 RSAES-OAEP ciphertext (SHA-1 and MGF1-SHA-1,
// PKCS #1 v2.0; API doc 4.1) of a passcode, and returns the passcode. Errors wrap
// ErrOTPDecrypt.
func (k *ExternalClientKey) DecryptOTP(otp *EncryptedOTP) (string, error) {
	if otp == nil || otp.Value == "" {
		return "", fmt.Errorf("%w: the answer holds no ciphertext", ErrOTPDecrypt)
	}
	if otp.Alg != "" && !strings.EqualFold(otp.Alg, otpAlgorithm) {
		return "", fmt.Errorf("%w: the answer names the algorithm %q", ErrOTPDecrypt, otp.Alg)
	}
	ct, err := decodeBase64(otp.Value)
	if err != nil {
		return "", fmt.Errorf("%w: the ciphertext is not base64", ErrOTPDecrypt)
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, k.key, ct, nil) //nolint:gosec // see the import
	if err != nil {
		if otp.X5T != "" && otp.X5T != k.x5t {
			return "", fmt.Errorf("%w: it was encrypted for the certificate with x5t %s, not %s", ErrOTPDecrypt, otp.X5T, k.x5t)
		}
		return "", ErrOTPDecrypt
	}
	passcode := strings.TrimSpace(string(pt))
	if passcode == "" {
		return "", fmt.Errorf("%w: the plaintext is empty", ErrOTPDecrypt)
	}
	return passcode, nil
}

// decodeBase64 reads Oracle's standard base64 and, in case a layer rewrote it, the URL-safe
// and unpadded forms.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		var b []byte
		if b, err = enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, err
}

// pemBlocks returns the blocks of a PEM text, in order.
func pemBlocks(text string) []*pem.Block {
	var out []*pem.Block
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		out = append(out, b)
	}
}

func parseCertificatePEM(text string) (*x509.Certificate, error) {
	for _, b := range pemBlocks(text) {
		if b.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			// A certificate is public: the parser's words may be shown.
			return nil, fmt.Errorf("%w: %v", ErrCertificatePEM, err)
		}
		return cert, nil
	}
	return nil, fmt.Errorf("%w: no CERTIFICATE block found", ErrCertificatePEM)
}

// parsePrivateKeyPEM reads the first private key block. The parsers' own errors are not
// passed on: they speak of the key's structure, and the key is a secret.
func parsePrivateKeyPEM(text string) (*rsa.PrivateKey, error) {
	for _, b := range pemBlocks(text) {
		switch {
		case b.Type == "ENCRYPTED PRIVATE KEY" || b.Headers["Proc-Type"] != "":
			return nil, fmt.Errorf("%w: the key is encrypted with a passphrase", ErrPrivateKeyPEM)
		case b.Type == "RSA PRIVATE KEY":
			key, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: the RSA PRIVATE KEY block does not parse", ErrPrivateKeyPEM)
			}
			return key, nil
		case b.Type == "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: the PRIVATE KEY block does not parse", ErrPrivateKeyPEM)
			}
			key, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("%w: the key is not an RSA key", ErrPrivateKeyPEM)
			}
			return key, nil
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			return nil, fmt.Errorf("%w: a %q block is not an RSA key", ErrPrivateKeyPEM, b.Type)
		}
	}
	return nil, fmt.Errorf("%w: no private key block found", ErrPrivateKeyPEM)
}
