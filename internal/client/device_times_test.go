package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// A pending e-mail enrollment is not restarted until the same device is enrolled again; then
// its lastModified is past its created, and the first request's requestState is refused.
func TestDeviceTimesShowARestart(t *testing.T) {
	_, c := startEmulatorClient(t, emulator.Config{Seed: 7})
	ctx := context.Background()
	first, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail})
	if err != nil {
		t.Fatal(err)
	}
	times, err := c.DeviceTimes(ctx, first.FactorID)
	if err != nil || times.Created.IsZero() || times.Restarted() {
		t.Fatalf("a new enrollment's device times %+v (restarted %v), %v", times, times.Restarted(), err)
	}
	time.Sleep(5 * time.Millisecond) // the service's clock counts milliseconds
	second, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail})
	if err != nil || second.FactorID != first.FactorID {
		t.Fatalf("the second enrollment %+v, %v: want the same factor restarted", second, err)
	}
	if times, err = c.DeviceTimes(ctx, first.FactorID); err != nil || !times.Restarted() {
		t.Fatalf("after a restart the device times %+v say restarted=%v, %v", times, times.Restarted(), err)
	}
	if _, err := c.ResendOTP(ctx, emulator.AliceID, first.FactorID, first.RequestState); !errors.Is(err, client.ErrRequestState) {
		t.Fatalf("a resend with the replaced requestState: %v, want ErrRequestState", err)
	}
	if _, err := c.DeviceTimes(ctx, "0123456789abcdef0123456789abcdef"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("an unknown device: %v, want ErrNotFound", err)
	}
}
