package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// A call that changes the service and whose context is cancelled while its request is on the
// wire (Terraform's StopProvider) is finished, not abandoned: the caller gets the factor the
// service made. A call whose context is already done is not sent at all.
func TestCommittedCallsFinishAfterCancelAndAreNotStartedAfterIt(t *testing.T) {
	emu, c := startEmulatorClient(t, emulator.Config{})
	emu.SetFaults(emulator.Faults{AnswerLatency: 300 * time.Millisecond})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	e, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail})
	if err != nil {
		t.Fatalf("an enrollment cancelled while on the wire failed: %s", err)
	}
	if e.FactorID == "" || e.RequestState == "" {
		t.Fatalf("the enrollment's answer is incomplete: %+v", e)
	}
	if ctx.Err() == nil {
		t.Fatalf("the context was not cancelled during the call: the test proves nothing")
	}

	before := emu.Stats().Requests["DELETE /mfa/v1/users/{id}/factors/{factorId}"]
	err = c.DeleteFactor(ctx, emulator.AliceID, e.FactorID)
	if !errors.Is(err, client.ErrNotSent) || !errors.Is(err, context.Canceled) {
		t.Fatalf("a delete on a cancelled context: %v, want ErrNotSent and context.Canceled", err)
	}
	if after := emu.Stats().Requests["DELETE /mfa/v1/users/{id}/factors/{factorId}"]; after != before {
		t.Fatalf("a delete on a cancelled context was sent")
	}
	if fs := emu.Factors(emulator.AliceID); len(fs) != 1 {
		t.Fatalf("alice has %d factors, want the one enrolled", len(fs))
	}
}

// CommitTimeout bounds a started call whose context carries no deadline.
func TestCommitTimeoutBoundsAStartedCall(t *testing.T) {
	emu, c := startEmulatorClient(t, emulator.Config{}, func(cfg *client.Config) { cfg.CommitTimeout = 200 * time.Millisecond; cfg.RetryMax = -1 })
	emu.SetFaults(emulator.Faults{AnswerLatency: 2 * time.Second})
	start := time.Now()
	_, err := c.Enroll(context.Background(), emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail})
	if err == nil {
		t.Fatalf("the enrollment finished despite a commit timeout shorter than the answer latency")
	}
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Fatalf("the call took %s, want about the 200ms commit timeout", took)
	}
}
