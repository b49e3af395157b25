package client_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// fixture reads a file written by testdata/externalclient/gen.sh (openssl).
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "externalclient", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDecryptOpenSSLCiphertext: a passcode encrypted by openssl (RSAES-OAEP, SHA-1,
// MGF1-SHA-1) decrypts with the PKCS #8 and the PKCS #1 form of the key, and the thumbprint
// is the one openssl computes.
func TestDecryptOpenSSLCiphertext(t *testing.T) {
	cert := fixture(t, "cert.pem")
	otp := &client.EncryptedOTP{Value: strings.TrimSpace(fixture(t, "otp.b64")), Alg: "RSAES-OAEP"}
	for _, keyFile := range []string{"key.pem", "key_pkcs1.pem"} {
		k, err := client.ParseExternalClientKey(fixture(t, keyFile), cert)
		if err != nil {
			t.Fatalf("%s: %v", keyFile, err)
		}
		if want := strings.TrimSpace(fixture(t, "x5t.txt")); k.X5T() != want {
			t.Errorf("x5t %q, openssl says %q", k.X5T(), want)
		}
		got, err := k.DecryptOTP(otp)
		if err != nil || got != fixture(t, "otp.txt") {
			t.Errorf("%s: decrypted %q, %v; want %q", keyFile, got, err, fixture(t, "otp.txt"))
		}
	}
}

// TestExternalClientKeyErrors: each kind of bad key material has its own error, and no error
// text quotes key material.
func TestExternalClientKeyErrors(t *testing.T) {
	key, cert := fixture(t, "key.pem"), fixture(t, "cert.pem")
	for _, tc := range []struct {
		name      string
		key, cert string
		want      error
	}{
		{"key is not PEM", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", cert, client.ErrPrivateKeyPEM},
		{"key PEM is a certificate", cert, cert, client.ErrPrivateKeyPEM},
		{"key is encrypted", fixture(t, "key_encrypted.pem"), cert, client.ErrPrivateKeyPEM},
		{"key is EC", fixture(t, "ec_key.pem"), cert, client.ErrPrivateKeyPEM},
		{"key block is damaged", strings.Replace(key, "\nMII", "\nAAA", 1), cert, client.ErrPrivateKeyPEM},
		{"certificate is not PEM", key, "not a certificate", client.ErrCertificatePEM},
		{"certificate PEM is a key", key, key, client.ErrCertificatePEM},
		{"certificate is EC", key, fixture(t, "ec_cert.pem"), client.ErrCertificateNotRSA},
		{"key of another certificate", fixture(t, "other_key.pem"), cert, client.ErrKeyMismatch},
	} {
		_, err := client.ParseExternalClientKey(tc.key, tc.cert)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			continue
		}
		for _, line := range strings.Split(tc.key, "\n") {
			if len(line) > 20 && !strings.HasPrefix(line, "-----") && strings.Contains(err.Error(), line) {
				t.Errorf("%s: the error quotes the key: %v", tc.name, err)
			}
		}
	}

	k, err := client.ParseExternalClientKey(key, cert)
	if err != nil {
		t.Fatal(err)
	}
	other, err := client.ParseExternalClientKey(fixture(t, "other_key.pem"), fixture(t, "other_cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	value := strings.TrimSpace(fixture(t, "otp.b64"))
	for name, otp := range map[string]*client.EncryptedOTP{
		"no otp":              nil,
		"another algorithm":   {Value: value, Alg: "RSA1_5"},
		"not base64":          {Value: "%%%", Alg: "RSAES-OAEP"},
		"flipped ciphertext":  {Value: "A" + value[1:], Alg: "RSAES-OAEP"},
		"for another key":     {Value: value, Alg: "RSAES-OAEP", X5T: k.X5T()},
		"for another key too": {Value: value},
	} {
		dec := k
		if strings.HasPrefix(name, "for another key") {
			dec = other
		}
		got, err := dec.DecryptOTP(otp)
		if !errors.Is(err, client.ErrOTPDecrypt) || got != "" {
			t.Errorf("%s: %q, %v; want ErrOTPDecrypt", name, got, err)
		}
		if err != nil && strings.Contains(err.Error(), fixture(t, "otp.txt")) {
			t.Errorf("%s: the error holds the passcode: %v", name, err)
		}
	}
}

// TestDecryptEmulatorCiphertext: the emulator (an independent implementation) encrypts a
// verification passcode for the fixture certificate; the client decrypts what it issued, and
// the emulator recognises the client's x5t.
func TestDecryptEmulatorCiphertext(t *testing.T) {
	k, err := client.ParseExternalClientKey(fixture(t, "key.pem"), fixture(t, "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(fixture(t, "cert.pem")))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if emulator.X5T(cert) != k.X5T() {
		t.Fatalf("x5t: emulator %q, client %q", emulator.X5T(cert), k.X5T())
	}
	emu, _, em, v := encryptedVerification(t, cert, k.X5T())
	got, err := k.DecryptOTP(v.OTP)
	want, _ := emu.LastOTP(emulator.CarolID, em.FactorID)
	if err != nil || got != want || want == "" {
		t.Fatalf("decrypted %q, %v; the emulator issued %q", got, err, want)
	}
	if n := len(emu.Messages(emulator.CarolID)); n != 0 {
		t.Errorf("%d messages sent to the user, want none: the passcode went to the client", n)
	}
}
