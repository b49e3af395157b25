package provider

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// The activation wait polls every second at first; tests, acceptance ones included (they run
// the provider in this process), poll every few milliseconds so that they stay fast. Set in
// init, before any test goroutine, so that parallel tests never race on it.
func init() {
	activationPollInitial = 10 * time.Millisecond
	activationPollMax = 50 * time.Millisecond
}

// scriptedFactor answers GetFactor from a script; the last answer repeats.
type scriptedFactor struct {
	mu      sync.Mutex
	answers []func() (*client.FactorState, error)
	calls   int
}

func (s *scriptedFactor) GetFactor(ctx context.Context, _, _ string) (*client.FactorState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := min(s.calls, len(s.answers)-1)
	s.calls++
	return s.answers[i]()
}

func pendingAnswer(methods ...string) func() (*client.FactorState, error) {
	return func() (*client.FactorState, error) {
		return &client.FactorState{Status: "pending", FactorID: "f1", FactorStatus: client.FactorStatusInitiated, Methods: methods}, nil
	}
}

func enrolledAnswer() (*client.FactorState, error) {
	return &client.FactorState{Status: "success", FactorID: "f1", FactorStatus: client.FactorStatusEnrolled, Methods: []string{"EMAIL"}}, nil
}

func errAnswer(status int, code string) func() (*client.FactorState, error) {
	return func() (*client.FactorState, error) {
		return nil, &client.APIError{StatusCode: status, Code: code, Message: "scripted"}
	}
}

func TestWaitForEnrollment_pendingThenEnrolled(t *testing.T) {
	t.Parallel()
	s := &scriptedFactor{answers: []func() (*client.FactorState, error){pendingAnswer(), pendingAnswer(), enrolledAnswer}}
	got, err := waitForEnrollment(context.Background(), s, "u1", "f1")
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	if got.FactorStatus != client.FactorStatusEnrolled || s.calls != 3 {
		t.Fatalf("got status %q after %d calls, want ENROLLED after 3", got.FactorStatus, s.calls)
	}
}

func TestWaitForEnrollment_alreadyEnrolledIsOneCall(t *testing.T) {
	t.Parallel()
	s := &scriptedFactor{answers: []func() (*client.FactorState, error){enrolledAnswer}}
	start := time.Now()
	if _, err := waitForEnrollment(context.Background(), s, "u1", "f1"); err != nil {
		t.Fatalf("wait: %v", err)
	}
	if s.calls != 1 || time.Since(start) >= activationPollInitial {
		t.Fatalf("an enrolled factor took %d calls and %s; want 1 call and no sleep", s.calls, time.Since(start))
	}
}

// TestWaitForEnrollment_backoffIsCapped checks the schedule of the waits between polls, not
// a count of polls in a time window, which a loaded machine would change.
func TestWaitForEnrollment_backoffIsCapped(t *testing.T) {
	t.Parallel()
	// 10ms doubling to the 50ms cap (init above).
	want := []time.Duration{10, 20, 40, 50, 50, 50}
	interval := activationPollInitial
	for i, w := range want {
		if interval != w*time.Millisecond {
			t.Fatalf("wait %d = %s, want %s (doubling from %s, capped at %s)", i+1, interval, w*time.Millisecond, activationPollInitial, activationPollMax)
		}
		interval = nextPollInterval(interval)
	}
	// And the wait follows it: it keeps polling until its deadline, more than once.
	s := &scriptedFactor{answers: []func() (*client.FactorState, error){pendingAnswer()}}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := waitForEnrollment(ctx, s, "u1", "f1"); err == nil {
		t.Fatal("want a timeout")
	}
	if s.calls < 2 {
		t.Fatalf("%d polls in 200ms, want several", s.calls)
	}
}

func TestWaitForEnrollment_timeoutMessage(t *testing.T) {
	t.Parallel()
	s := &scriptedFactor{answers: []func() (*client.FactorState, error){pendingAnswer("EMAIL")}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	_, err := waitForEnrollment(ctx, s, "u1", "f1")
	var pending *errFactorPending
	if !errors.As(err, &pending) || pending.status != client.FactorStatusInitiated {
		t.Fatalf("want errFactorPending with ENROLLMENT_INITIATED, got %v", err)
	}
	d := activationWaitDiagnostic("u1", "f1", time.Minute, err)
	for _, want := range []string{"still ENROLLMENT_INITIATED", "by email", "otp_resend_version", "timeouts.create", "f1", "u1"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("timeout detail lacks %q:\n%s", want, d.Detail())
		}
	}
	if d.Summary() != "Factor not enrolled in time" {
		t.Errorf("summary %q", d.Summary())
	}
}

func TestWaitForEnrollment_factorDisappears(t *testing.T) {
	t.Parallel()
	s := &scriptedFactor{answers: []func() (*client.FactorState, error){pendingAnswer(), errAnswer(404, "AUTH-1014")}}
	_, err := waitForEnrollment(context.Background(), s, "u1", "f1")
	var gone *errFactorGone
	if !errors.As(err, &gone) || !gone.seenBefore {
		t.Fatalf("want errFactorGone seen before, got %v", err)
	}
	d := activationWaitDiagnostic("u1", "f1", time.Minute, err)
	if d.Summary() != "Factor disappeared while waiting" || !strings.Contains(d.Detail(), "AUTH-1014") {
		t.Fatalf("diagnostic %q: %s", d.Summary(), d.Detail())
	}
}

func TestWaitForEnrollment_unknownFactor(t *testing.T) {
	t.Parallel()
	s := &scriptedFactor{answers: []func() (*client.FactorState, error){errAnswer(404, "AUTH-1014")}}
	_, err := waitForEnrollment(context.Background(), s, "u1", "f1")
	d := activationWaitDiagnostic("u1", "f1", time.Minute, err)
	if d.Summary() != "Factor not found" || s.calls != 1 {
		t.Fatalf("after %d calls: %q: %s", s.calls, d.Summary(), d.Detail())
	}
}

func TestWaitForEnrollment_transientErrorsArePolledThrough(t *testing.T) {
	t.Parallel()
	s := &scriptedFactor{answers: []func() (*client.FactorState, error){
		pendingAnswer(), errAnswer(503, "AUTH-1112"), enrolledAnswer,
	}}
	if _, err := waitForEnrollment(context.Background(), s, "u1", "f1"); err != nil {
		t.Fatalf("a 503 between polls must not end the wait: %v", err)
	}
}

func TestWaitForEnrollment_refusalEndsAtOnce(t *testing.T) {
	t.Parallel()
	s := &scriptedFactor{answers: []func() (*client.FactorState, error){errAnswer(401, "AUTH-1034"), enrolledAnswer}}
	_, err := waitForEnrollment(context.Background(), s, "u1", "f1")
	if err == nil || s.calls != 1 {
		t.Fatalf("a 401 must end the wait at once; err=%v after %d calls", err, s.calls)
	}
	d := activationWaitDiagnostic("u1", "f1", time.Minute, err)
	if !strings.Contains(d.Detail(), "AUTH-1034") {
		t.Fatalf("detail lacks the service code: %s", d.Detail())
	}
}

func TestPasscodeDestination(t *testing.T) {
	t.Parallel()
	for methods, want := range map[string]string{"SMS": "by SMS", "EMAIL": "by email", "": "display_name of the factor resource"} {
		var m []string
		if methods != "" {
			m = []string{methods}
		}
		if got := passcodeDestination(m); !strings.Contains(got, want) {
			t.Errorf("passcodeDestination(%v) = %q, want it to contain %q", m, got, want)
		}
	}
}

// readActivation runs the resource's Read on a state holding an enrolled activation and
// returns the response, with GetFactor answered by the script.
func readActivation(t *testing.T, answers ...func() (*client.FactorState, error)) resource.ReadResponse {
	t.Helper()
	ctx := context.Background()
	r := &FactorActivationResource{client: &scriptedFactor{answers: answers}}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	st := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)}
	diags := st.Set(ctx, &factorActivationModel{
		ID:       types.StringValue("u1/f1"),
		UserID:   types.StringValue("u1"),
		FactorID: types.StringValue("f1"),
		Status:   types.StringValue(client.FactorStatusEnrolled),
		Methods:  types.ListNull(types.StringType),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType})},
	})
	if diags.HasError() {
		t.Fatalf("building state: %v", diags)
	}
	resp := resource.ReadResponse{State: st}
	r.Read(ctx, resource.ReadRequest{State: st}, &resp)
	return resp
}

func TestFactorActivationRead_noLongerEnrolledLeavesState(t *testing.T) {
	t.Parallel()
	resp := readActivation(t, pendingAnswer())
	if !resp.State.Raw.IsNull() {
		t.Fatal("an activation whose factor is pending again must be removed from state")
	}
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one warning and no error, got %v", resp.Diagnostics)
	}
}

func TestFactorActivationRead_goneLeavesState(t *testing.T) {
	t.Parallel()
	resp := readActivation(t, errAnswer(404, "AUTH-1014"))
	if !resp.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		t.Fatalf("a deleted factor must remove the activation without error; null=%t diags=%v", resp.State.Raw.IsNull(), resp.Diagnostics)
	}
}

func TestFactorActivationRead_enrolledRefreshes(t *testing.T) {
	t.Parallel()
	resp := readActivation(t, enrolledAnswer)
	var got factorActivationModel
	if d := resp.State.Get(context.Background(), &got); d.HasError() || resp.Diagnostics.HasError() {
		t.Fatalf("read: %v %v", d, resp.Diagnostics)
	}
	if got.Status.ValueString() != client.FactorStatusEnrolled || got.Methods.IsNull() || len(got.Methods.Elements()) != 1 {
		t.Fatalf("refreshed state %+v; want ENROLLED with methods [EMAIL]", got)
	}
}

func TestFactorActivationRead_serviceErrorKeepsState(t *testing.T) {
	t.Parallel()
	resp := readActivation(t, errAnswer(401, "AUTH-1034"))
	if resp.State.Raw.IsNull() || !resp.Diagnostics.HasError() {
		t.Fatalf("a refused read must be an error and keep the state; null=%t diags=%v", resp.State.Raw.IsNull(), resp.Diagnostics)
	}
}
