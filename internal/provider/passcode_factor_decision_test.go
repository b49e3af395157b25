package provider

import (
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// TestDecidePasscodeUpdate covers every row of the decision table (ARCHITECTURE.md, "What an
// apply of a passcode factor does"), without a server.
func TestDecidePasscodeUpdate(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	fresh := pendingRecord{RequestState: "rs", IssuedAt: now.Add(-time.Minute)}
	old := pendingRecord{RequestState: "rs", IssuedAt: now.Add(-time.Hour)}
	freshLost := fresh
	freshLost.ResendLost = true
	const pending, enrolled = client.FactorStatusInitiated, client.FactorStatusEnrolled
	submit := passcodeDecision{outcome: outcomeSubmit}
	resend := passcodeDecision{outcome: outcomeResend}
	restart := func(why restartReason, ask bool) passcodeDecision {
		return passcodeDecision{outcome: outcomeRestart, why: why, ask: ask}
	}
	refuse := func(r refusal) passcodeDecision { return passcodeDecision{outcome: outcomeRefuse, refusal: r} }
	for _, tc := range []struct {
		name string
		f    passcodeFacts
		want passcodeDecision
	}{
		{"enrolled, versions changed: nothing sent", passcodeFacts{status: enrolled, activate: true, resend: true, passcode: true, record: fresh}, passcodeDecision{outcome: outcomeEnrolled}},
		{"pending, no version changed", passcodeFacts{status: pending, passcode: true, record: fresh}, passcodeDecision{outcome: outcomeNothing}},
		{"submit without passcode", passcodeFacts{status: pending, activate: true, record: fresh}, refuse(refuseNoPasscode)},
		{"submit with a stored request", passcodeFacts{status: pending, activate: true, passcode: true, record: fresh}, submit},
		{"submit and resend: the submission wins", passcodeFacts{status: pending, activate: true, resend: true, passcode: true, record: fresh}, submit},
		{"submit, no stored request (imported)", passcodeFacts{status: pending, activate: true, passcode: true}, restart(restartNoRecord, true)},
		{"submit, no stored request, masked number", passcodeFacts{status: pending, activate: true, passcode: true, maskedNumber: true}, refuse(refuseMaskedNumber)},
		{"submit refused: expired", passcodeFacts{status: pending, activate: true, passcode: true, record: fresh, refused: refusedExpired}, restart(restartExpired, true)},
		{"submit refused: voided by someone else", passcodeFacts{status: pending, activate: true, passcode: true, record: fresh, refused: refusedVoided}, refuse(refuseRestartedElsewhere)},
		{"submit refused: voided, take-over", passcodeFacts{status: pending, activate: true, passcode: true, record: fresh, refused: refusedVoided, takeOver: true}, restart(restartTakenBack, true)},
		{"submit refused: voided, request past its lifetime", passcodeFacts{status: pending, activate: true, passcode: true, record: old, refused: refusedVoided}, restart(restartExpired, true)},
		{"submit refused: voided after our own lost resend", passcodeFacts{status: pending, activate: true, passcode: true, record: freshLost, refused: refusedVoided}, restart(restartExpired, true)},
		{"submit refused: expired, masked number", passcodeFacts{status: pending, activate: true, passcode: true, record: fresh, refused: refusedExpired, maskedNumber: true}, refuse(refuseMaskedNumber)},
		{"resend with a stored request", passcodeFacts{status: pending, resend: true, record: fresh}, resend},
		{"resend, no stored request (imported)", passcodeFacts{status: pending, resend: true}, restart(restartNoRecord, false)},
		{"resend, no stored request, masked number", passcodeFacts{status: pending, resend: true, maskedNumber: true}, refuse(refuseMaskedNumber)},
		{"resend refused: expired", passcodeFacts{status: pending, resend: true, record: fresh, refused: refusedExpired}, restart(restartExpired, false)},
		{"resend refused: voided by someone else", passcodeFacts{status: pending, resend: true, record: fresh, refused: refusedVoided}, refuse(refuseRestartedElsewhere)},
		{"resend refused: voided, take-over", passcodeFacts{status: pending, resend: true, record: fresh, refused: refusedVoided, takeOver: true}, restart(restartTakenBack, false)},
		{"plan: stored request past its lifetime", passcodeFacts{status: pending, resend: true, record: old, planning: true}, restart(restartExpired, false)},
		{"plan: fresh stored request", passcodeFacts{status: pending, resend: true, record: fresh, planning: true}, resend},
		{"apply: old stored request is tried first", passcodeFacts{status: pending, resend: true, record: old}, resend},
		{"plan: masked number, request past its lifetime", passcodeFacts{status: pending, activate: true, passcode: true, record: old, planning: true, maskedNumber: true}, refuse(refuseMaskedNumber)},
		{"masked number with a usable request: nothing restarts", passcodeFacts{status: pending, resend: true, record: fresh, maskedNumber: true}, resend},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.now = now
			if got := decidePasscodeUpdate(tc.f); got != tc.want {
				t.Errorf("decide(%+v) = %+v, want %+v", tc.f, got, tc.want)
			}
		})
	}
}
