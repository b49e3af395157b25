package client_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

func TestEmulatorOfflineTOTPEnrollmentIsParsedAndRedacted(t *testing.T) {
	_, host := startEmulator(t, emulator.Config{})
	log := &captureLog{}
	c := newClient(t, host, func(c *client.Config) { c.Logger = log })
	off := true
	e, err := c.Enroll(context.Background(), emulator.BobID, client.EnrollRequest{Method: client.MethodTOTP, OfflineTOTP: &off})
	if err != nil {
		t.Fatal(err)
	}
	if e.SharedSecret == "" || e.QRCode == nil || !strings.HasPrefix(e.QRCode.Content, "otpauth://totp/") || e.QRCode.ImageData == "" || e.RequestState == "" {
		t.Fatalf("offline TOTP enrollment %+v", e)
	}
	text := log.String()
	for _, s := range []string{e.SharedSecret, e.QRCode.ImageData[:32], e.RequestState} {
		if strings.Contains(text, s) {
			t.Errorf("log holds %q", s)
		}
	}
}

// TestEmulatorEncryptedOTP: with ExternalClientX5T the OTP comes back encrypted for the
// trusted certificate (RSA-OAEP, SHA-1) and decrypts to the passcode the server issued.
func TestEmulatorEncryptedOTP(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "custom sign-in"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	emu, c, em, v := encryptedVerification(t, cert, emulator.X5T(cert))
	ctx := context.Background()
	if v.OTP == nil || v.OTP.Alg != "RSAES-OAEP" || v.OTP.X5T != emulator.X5T(cert) {
		t.Fatalf("encrypted otp %+v", v.OTP)
	}
	ct, err := base64.StdEncoding.DecodeString(v.OTP.Value)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, key, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := emu.LastOTP(emulator.CarolID, em.FactorID)
	if string(pt) != want {
		t.Errorf("decrypted %q, server issued %q", pt, want)
	}
	if err := c.CompleteVerification(ctx, v.RequestID, client.VerificationAnswer{OTPCode: string(pt), RequestState: v.RequestState}); err != nil {
		t.Errorf("complete with the decrypted OTP: %v", err)
	}
}

// encryptedVerification starts an emulator that trusts cert, enrolls an EMAIL factor for
// Carol and initiates its verification asking for the passcode encrypted for x5t.
func encryptedVerification(t *testing.T, cert *x509.Certificate, x5t string) (*emulator.Server, *client.Client, *client.Enrollment, *client.Verification) {
	t.Helper()
	emu, c := startEmulatorClient(t, emulator.Config{TrustedCerts: []*x509.Certificate{cert}})
	ctx := context.Background()
	em, err := c.Enroll(ctx, emulator.CarolID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.InitiateVerification(ctx, client.VerificationRequest{UserID: emulator.CarolID, UserIDType: client.UserIDTypeGUID,
		FactorID: em.FactorID, Method: client.MethodEmail, ExternalClientX5T: x5t})
	if err != nil {
		t.Fatal(err)
	}
	return emu, c, em, v
}
