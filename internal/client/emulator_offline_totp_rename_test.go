package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// A secret of 20 bytes, shown in groups as apps show it; not the RFC's test seed, so that the
// emulator cannot pass by accident on a well-known value.
const offlineSecret = "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"

// enrollOfflineTOTP enrolls an offline authenticator app with offlineSecret for userID, with
// code for the one-step enrollment or "" for the two-step one, and fails the test on an error.
func enrollOfflineTOTP(ctx context.Context, t *testing.T, c *client.Client, userID, code string) *client.Enrollment {
	t.Helper()
	req, err := client.OfflineTOTPEnrollRequest(offlineSecret, code)
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.Enroll(ctx, userID, req)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEmulatorOfflineTOTPOneStep: the one-step offline TOTP enrollment (API doc section 3,
// last E3 row) enrolls in one call with the right code, and a wrong code creates nothing.
func TestEmulatorOfflineTOTPOneStep(t *testing.T) {
	emu, host := startEmulator(t, emulator.Config{})
	log := &captureLog{}
	c := newClient(t, host, func(c *client.Config) { c.Logger = log })
	ctx := context.Background()

	if _, err := client.OfflineTOTPEnrollRequest("JBSWY3DPEHPK3PXP", ""); !errors.Is(err, client.ErrTOTPSecretTooShort) {
		t.Errorf("an 80-bit secret: %v", err)
	}

	code, err := client.TOTPCode(offlineSecret, time.Now(), client.TOTPParams{})
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	req, err := client.OfflineTOTPEnrollRequest(offlineSecret, wrong)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enroll(ctx, emulator.AliceID, req); !errors.Is(err, client.ErrInvalidPasscode) {
		t.Fatalf("wrong code: %v", err)
	}
	if fs := emu.Factors(emulator.AliceID); len(fs) != 0 {
		t.Fatalf("a refused one-step enrollment left factors: %+v", fs)
	}

	e := enrollOfflineTOTP(ctx, t, c, emulator.AliceID, code)
	if e.FactorStatus != client.FactorStatusEnrolled || e.RequestState != "" || e.FactorID == "" {
		t.Fatalf("enrollment %+v, want ENROLLED in one step", e)
	}
	uf, err := c.ListFactors(ctx, emulator.AliceID)
	if err != nil || len(uf.Factors) != 1 || uf.Factors[0].FactorID != e.FactorID {
		t.Fatalf("listed %+v %v", uf, err)
	}
	// The emulator's own TOTP implementation agrees with the client's for the stored secret.
	// The enrollment spent the current step's code, so the emulator answers the next step's
	// (RFC 6238 section 5.2: a code is accepted once); a step may also have begun meanwhile.
	now, ok := emu.LastOTP(emulator.AliceID, e.FactorID)
	next, err := client.TOTPCode(offlineSecret, time.Now().Add(client.DefaultTOTPPeriod), client.TOTPParams{})
	if err != nil {
		t.Fatal(err)
	}
	if !ok || (now != next && now != mustTOTP(t, offlineSecret)) {
		t.Errorf("emulator's code %q, client's %q for the next step", now, next)
	}

	text := log.String()
	// The log line holds the body as a JSON string, its quotes escaped.
	for _, want := range []string{`"offlineTOTP":"true"`, `"skipFactorVerification":"true"`, `"method":"TOTP"`, `"sharedSecret":"` + client.Redacted} {
		if !strings.Contains(text, strings.ReplaceAll(want, `"`, `\"`)) {
			t.Errorf("the logged request lacks %s", want)
		}
	}
	if strings.Contains(text, client.NormalizeTOTPSecret(offlineSecret)) || strings.Contains(text, `"otpCode":"`+code) {
		t.Error("the log holds the secret or the code")
	}
}

func mustTOTP(t *testing.T, secret string) string {
	t.Helper()
	code, err := client.TOTPCode(secret, time.Now(), client.TOTPParams{})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestEmulatorRenameFactor: E5 {"displayName"} renames an authenticator-app device.
func TestEmulatorRenameFactor(t *testing.T) {
	_, c := startEmulatorClient(t, emulator.Config{})
	ctx := context.Background()
	e := enrollOfflineTOTP(ctx, t, c, emulator.BobID, "")
	for i := 0; i < 2; i++ { // the second time changes nothing and succeeds: idempotent
		if err := c.RenameFactor(ctx, emulator.BobID, e.FactorID, "Bob's hardware token"); err != nil {
			t.Fatalf("rename %d: %v", i+1, err)
		}
	}
	uf, err := c.ListFactors(ctx, emulator.BobID)
	if err != nil || len(uf.Factors) != 1 || uf.Factors[0].DisplayName != "Bob's hardware token" {
		t.Fatalf("after rename: %+v %v", uf, err)
	}
	if err := c.RenameFactor(ctx, emulator.BobID, e.FactorID, "  "); err == nil {
		t.Error("an empty name was sent")
	}
	if err := c.RenameFactor(ctx, emulator.BobID, "no-such-factor", "x"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("unknown factor: %v", err)
	}
	em, err := c.Enroll(ctx, emulator.BobID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	var ae *client.APIError
	if err := c.RenameFactor(ctx, emulator.BobID, em.FactorID, "mail"); !errors.As(err, &ae) || ae.StatusCode != 400 {
		t.Errorf("renaming an EMAIL factor: %v, want the service's 400", err)
	}
}
