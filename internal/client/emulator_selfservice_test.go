package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// TestEmulatorSelfServiceEnrollment runs the self-service calls against the emulator, the
// way the provider's self-service mode chains them: the user's token by the password grant,
// Me, the enroller, the initiator (twice: a resend), a wrong then the right passcode, the
// device list, and the refusal to delete the only device. The device is the /mfa/v1 factor.
func TestEmulatorSelfServiceEnrollment(t *testing.T) {
	ctx := context.Background()
	emu, host := startEmulator(t, emulator.Config{})
	u, err := emu.AddUser(emulator.User{UserName: "jbloggs", Email: "jbloggs@example.com", Password: "Passw0rd-1"})
	if err != nil {
		t.Fatal(err)
	}
	log := &captureLog{}
	c := newClient(t, host, func(cfg *client.Config) {
		cfg.ClientID, cfg.ClientSecret = emulator.DefaultSelfServiceClientID, emulator.DefaultSelfServiceClientSecret
		cfg.Username, cfg.Password, cfg.Logger = "jbloggs", "Passw0rd-1", log
	})
	me, err := c.Me(ctx)
	if err != nil || me.ID != u.ID || me.UserName != "jbloggs" {
		t.Fatalf("Me: %+v, %v", me, err)
	}
	if _, err := c.EnrollMyFactor(ctx, client.MyEnrollRequest{UserID: me.ID, Method: client.MethodSMS, CountryCode: "+44", PhoneNumber: "12"}); !isStatus(err, 400) {
		t.Errorf("invalid phone number: %v", err)
	}
	e, err := c.EnrollMyFactor(ctx, client.MyEnrollRequest{UserID: me.ID, Method: client.MethodSMS, CountryCode: "+44", PhoneNumber: "7700900123"})
	if err != nil || e.DeviceID == "" || e.RequestID == "" {
		t.Fatalf("enroll: %+v, %v", e, err)
	}
	again, err := c.EnrollMyFactor(ctx, client.MyEnrollRequest{UserID: me.ID, Method: client.MethodSMS, CountryCode: "+44", PhoneNumber: "7700900123"})
	if err != nil || again.DeviceID != e.DeviceID {
		t.Fatalf("enrolling the pending number again (what a retry after a lost answer does): %+v, %v; want device %s", again, err, e.DeviceID)
	}
	e = again
	var reqID string
	for i := 0; i < 2; i++ { // the second is a resend
		in, err := c.InitiateMyFactor(ctx, client.MyInitiateRequest{DeviceID: e.DeviceID, RequestID: e.RequestID, UserName: me.UserName, Method: client.MethodSMS})
		if err != nil {
			t.Fatalf("initiate %d: %v", i, err)
		}
		reqID = in.RequestID
	}
	otp, ok := emu.LastOTP(u.ID, e.DeviceID)
	if !ok {
		t.Fatal("no passcode sent")
	}
	wrong := "000000"
	if otp == wrong {
		wrong = "111111"
	}
	_, err = c.ValidateMyFactor(ctx, client.MyValidateRequest{DeviceID: e.DeviceID, RequestID: reqID, OTPCode: wrong, Method: client.MethodSMS})
	if !errors.Is(err, client.ErrInvalidPasscode) || errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("wrong passcode: %v", err)
	}
	v, err := c.ValidateMyFactor(ctx, client.MyValidateRequest{DeviceID: e.DeviceID, RequestID: reqID, OTPCode: otp, Method: client.MethodSMS})
	if err != nil || v.Status != client.ValidationSuccess {
		t.Fatalf("validate: %+v, %v", v, err)
	}
	devs, err := c.ListMyDevices(ctx)
	if err != nil || len(devs) != 1 || devs[0].ID != e.DeviceID || devs[0].Status != client.DeviceStatusEnrolled ||
		strings.Join(devs[0].Methods(), ",") != client.MethodSMS {
		t.Fatalf("devices: %+v, %v", devs, err)
	}
	if err := c.DeleteMyDevice(ctx, e.DeviceID, false); !errors.Is(err, client.ErrOnlyDevice) {
		t.Fatalf("deleting the only device: %v", err)
	}
	if strings.Contains(log.String(), reqID) || strings.Contains(log.String(), otp) || strings.Contains(log.String(), "Passw0rd-1") {
		t.Errorf("the log shows a requestId, passcode or password:\n%s", log)
	}
}

// TestEmulatorSelfServiceWrongTokenKind: an application's token on Me, and a user's token on /mfa/v1.
func TestEmulatorSelfServiceWrongTokenKind(t *testing.T) {
	ctx := context.Background()
	emu, host := startEmulator(t, emulator.Config{})
	u, _ := emu.AddUser(emulator.User{UserName: "jbloggs", Email: "jbloggs@example.com", Password: "Passw0rd-1"})
	admin := newClient(t, host)
	if _, err := admin.Me(ctx); !errors.Is(err, client.ErrForbidden) && !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("an application's token on Me: %v", err)
	}
	user := newClient(t, host, func(cfg *client.Config) {
		cfg.ClientID, cfg.ClientSecret = emulator.DefaultSelfServiceClientID, emulator.DefaultSelfServiceClientSecret
		cfg.Username, cfg.Password = "jbloggs", "Passw0rd-1"
	})
	if _, err := user.ListFactors(ctx, u.ID); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("a user's token on /mfa/v1: %v", err)
	}
}

func isStatus(err error, status int) bool {
	var ae *client.APIError
	return errors.As(err, &ae) && ae.StatusCode == status && strings.HasPrefix(ae.Code, "error.")
}
