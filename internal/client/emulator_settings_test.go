package client_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// TestEmulatorAuthenticationFactorSettings reads the settings of a domain started with
// another policy, with an application holding Security Administrator, and is refused them
// with the default application (MFA Client, User Administrator).
func TestEmulatorAuthenticationFactorSettings(t *testing.T) {
	ctx := context.Background()
	_, host := startEmulator(t, emulator.Config{
		Clients: []emulator.Client{
			{ID: emulator.DefaultClientID, Secret: emulator.DefaultClientSecret, Roles: []string{emulator.RoleMFAClient}},
			{ID: "settings-reader", Secret: "s3cret", Roles: []string{emulator.RoleSecurityAdmin}},
		},
		EnabledFactors: []string{emulator.MethodEmail, emulator.MethodTOTP},
		TOTPDigits:     8, TOTPAlgorithm: "SHA256", TOTPPeriod: 60 * time.Second, TOTPTolerance: 2,
		OTPLength: 7, OTPValidity: 90 * time.Second, MaxFailedAttempts: 3, MaxEnrolledDevices: 2,
		BypassCodeLength: 10, BypassCodeMaxActive: 2, MFAEnrollmentType: "Required",
		UserEnrollmentDisabledFactors: []string{"OFFLINETOTP"},
	})
	reader := newClient(t, host, func(c *client.Config) { c.ClientID, c.ClientSecret = "settings-reader", "s3cret" })
	s, err := reader.GetAuthenticationFactorSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := client.TOTPSettings{HashingAlgorithm: "SHA256", PasscodeLength: 8, TimeStepSeconds: 60, TimeStepTolerance: 2,
		SMSPasscodeLength: 7, SMSOTPValidityMinutes: 2, EmailPasscodeLength: 7, EmailOTPValidityMinutes: 2}
	if s.TOTP != want {
		t.Errorf("TOTP %+v, want %+v", s.TOTP, want)
	}
	if got := s.EnabledFactors(); !slices.Equal(got, []string{client.MethodEmail, client.MethodTOTP}) {
		t.Errorf("enabled %v", got)
	}
	if s.MaxIncorrectAttempts != 3 || s.MaxEnrolledDevices != 2 || s.BypassCode.Length != 10 || s.BypassCode.MaxActive != 2 ||
		s.MFAEnrollmentType != "Required" || !s.UserEnrollmentDisabled(client.MethodTOTP, true) {
		t.Errorf("settings %+v", s)
	}

	_, err = newClient(t, host).GetAuthenticationFactorSettings(ctx)
	var ae *client.APIError
	if !errors.As(err, &ae) || !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("without Security Administrator: %v, want a 403 APIError", err)
	}
}
