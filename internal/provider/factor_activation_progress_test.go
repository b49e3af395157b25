package provider

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Tests say "still waiting" every few milliseconds instead of every minute. Set in init,
// before any test goroutine, so that parallel tests never race on it.
func init() {
	activationProgressEvery = 20 * time.Millisecond
}

// TestWaitForEnrollment_reportsProgress (issue 31, item 7): a long wait reports once it has
// read the factor pending (first), then again while it waits; never once it is enrolled.
func TestWaitForEnrollment_reportsProgress(t *testing.T) {
	t.Parallel()
	answers := []func() (*client.FactorState, error){}
	for range 8 {
		answers = append(answers, pendingAnswer(client.MethodSMS))
	}
	s := &scriptedFactor{answers: append(answers, enrolledAnswer)}
	var mu sync.Mutex
	var firsts []bool
	_, err := waitForEnrollmentReporting(context.Background(), s, "u1", "f1", func(_ time.Duration, first bool, last *client.FactorState) {
		mu.Lock()
		defer mu.Unlock()
		if last == nil || last.FactorStatus != client.FactorStatusInitiated {
			t.Errorf("reported a factor that is not pending: %+v", last)
		}
		firsts = append(firsts, first)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(firsts) < 2 || !firsts[0] || firsts[1] {
		t.Fatalf("reports (first?) %v: want one first report, then at least one more", firsts)
	}
}

// TestActivationProgressMessage (issue 31 item 7, issue 28): the first line says where the
// passcode went and, when the domain's settings were read, how long it stays valid, with the
// domain's figure; without them, no figure at all.
func TestActivationProgressMessage(t *testing.T) {
	t.Parallel()
	settings := &client.AuthenticationFactorSettings{TOTP: client.TOTPSettings{SMSOTPValidityMinutes: 7, EmailOTPValidityMinutes: 12}}
	pending := &client.FactorState{FactorStatus: client.FactorStatusInitiated, Methods: []string{client.MethodSMS}}
	read := func(m []string) string { return passcodeValidity(settings, m) }
	none := func([]string) string { return "" }

	got := activationProgressMessage("f1", time.Second, 15*time.Minute, true, pending, read)
	for _, want := range []string{"Waiting up to 15m0s", "factor f1", "by SMS", "valid for 7 minutes"} {
		if !strings.Contains(got, want) {
			t.Errorf("first line %q lacks %q", got, want)
		}
	}
	if got := activationProgressMessage("f1", time.Second, time.Minute, true, pending, none); strings.Contains(got, "minutes") {
		t.Errorf("without settings the line quotes a figure: %q", got)
	}
	if got := passcodeValidity(settings, []string{client.MethodEmail}); !strings.Contains(got, "12 minutes") || strings.Contains(got, "7 minutes") {
		t.Errorf("email validity: %q", got)
	}
	// A pending factor's status may not name its method: both figures.
	if got := passcodeValidity(settings, nil); !strings.Contains(got, "SMS passcode valid for 7 minutes") || !strings.Contains(got, "email passcode for 12 minutes") {
		t.Errorf("validity without a method: %q", got)
	}
	later := activationProgressMessage("f1", 61*time.Second, 15*time.Minute, false, pending, read)
	if !strings.Contains(later, "Still waiting for factor f1") || !strings.Contains(later, "after 1m1s of at most 15m0s") {
		t.Errorf("later line: %q", later)
	}
}

// TestPendingDetailQuotesDomainValidity (issue 28's leftover): the passcode-sent warning
// quotes the domain's passcode validity when this process has read the settings, and no
// figure when it has not (never the emulator's default).
func TestPendingDetailQuotesDomainValidity(t *testing.T) {
	t.Parallel()
	c := &factorModel{DisplayName: types.StringValue("+44XXXXXXX123"), FactorID: types.StringValue("f1")}
	read := &domainSettings{done: true, settings: &client.AuthenticationFactorSettings{TOTP: client.TOTPSettings{SMSOTPValidityMinutes: 9}}}
	withSettings := &passcodeFactorResource{factorResource: factorResource{kind: smsKind, policy: read}}
	if got := withSettings.pendingDetail(c); !strings.Contains(got, "valid for 9 minutes") {
		t.Errorf("with the settings read: %q", got)
	}
	unread := &passcodeFactorResource{factorResource: factorResource{kind: smsKind, policy: &domainSettings{}}}
	if got := unread.pendingDetail(c); strings.Contains(got, "minutes") || !strings.Contains(got, "+44XXXXXXX123") {
		t.Errorf("without the settings: %q", got)
	}
}
