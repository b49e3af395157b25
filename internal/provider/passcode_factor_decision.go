package provider

import (
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// The decision of a passcode factor's update (SMS, e-mail): one pure function from what is
// known (prior state, plan, configuration, the private record, what the service showed) to
// one outcome, which passcode_factor_update.go carries out and ModifyPlan announces. The
// table is in ARCHITECTURE.md ("What an apply of a passcode factor does"); each row has a unit
// test in passcode_factor_decision_test.go.

// passcodeOutcome is what an update of a passcode factor does.
type passcodeOutcome int

const (
	// outcomeNothing: no trigger version changed; nothing is sent.
	outcomeNothing passcodeOutcome = iota
	// outcomeEnrolled: the factor is already ENROLLED; nothing is sent, the versions are recorded.
	outcomeEnrolled
	// outcomeSubmit: otp_code_wo is submitted with the stored request (E5).
	outcomeSubmit
	// outcomeResend: a new passcode is asked for with the stored request (E5 resendOtp).
	outcomeResend
	// outcomeRestart: the device is enrolled again (E3): same factor id, a new passcode.
	outcomeRestart
	// outcomeRefuse: nothing is sent; the apply fails saying why (refusal).
	outcomeRefuse
)

// refusal is why an update sends nothing and fails.
type refusal int

const (
	_ refusal = iota // the zero value: no refusal
	// refuseNoPasscode: otp_code_wo_version changed without otp_code_wo.
	refuseNoPasscode
	// refuseMaskedNumber: a restart would send the masked number of an imported SMS factor.
	refuseMaskedNumber
	// refuseRestartedElsewhere: someone else restarted the enrollment (AUTH-1120 within the
	// request's lifetime, not after a resend of ours that lost its answer), and the
	// configuration does not take it over.
	refuseRestartedElsewhere
)

// restartReason is why the enrollment restarts.
type restartReason int

const (
	// restartNoRecord: no request is stored (an imported factor, or its request was lost).
	restartNoRecord restartReason = iota
	// restartExpired: the service no longer accepts the stored request (expired, or replaced
	// by a resend of ours whose answer was lost); at plan time, a request past its lifetime.
	restartExpired
	// restartTakenBack: someone else restarted it, and take_over_pending_enrollment is true.
	restartTakenBack
)

// requestRefusal is what the service said of the stored request, once a submission or resend
// met a refusal of it (client.ErrRequestState).
type requestRefusal int

const (
	notRefused requestRefusal = iota
	// refusedVoided: AUTH-1120, "invalid or expired"; a newer enrollment or resend voids it.
	refusedVoided
	// refusedExpired: any other refusal of the request (AUTH-1117, expired).
	refusedExpired
)

// passcodeFacts is everything the decision looks at.
type passcodeFacts struct {
	status           string // the prior state's status
	activate, resend bool   // otp_code_wo_version, otp_resend_version changed
	passcode         bool   // otp_code_wo is set (at apply: not empty)
	record           pendingRecord
	takeOver         bool // take_over_pending_enrollment, from the configuration
	maskedNumber     bool // the configured number is masked (an imported SMS factor's)
	refused          requestRefusal
	// planning: the decision is announced by a plan, before any call; a stored request past
	// its lifetime is then taken as refused.
	planning bool
	now      time.Time
}

// passcodeDecision is the one outcome of an update.
type passcodeDecision struct {
	outcome passcodeOutcome
	refusal refusal       // with outcomeRefuse
	why     restartReason // with outcomeRestart
	// ask: a passcode submission led to the restart, so the apply fails asking for the new
	// passcode (the one in otp_code_wo belongs to the previous enrollment).
	ask bool
}

// decidePasscodeUpdate is the decision table.
func decidePasscodeUpdate(f passcodeFacts) passcodeDecision {
	switch {
	case f.status == client.FactorStatusEnrolled:
		return passcodeDecision{outcome: outcomeEnrolled}
	case !f.activate && !f.resend:
		return passcodeDecision{outcome: outcomeNothing}
	case f.activate && !f.passcode:
		return passcodeDecision{outcome: outcomeRefuse, refusal: refuseNoPasscode}
	}
	refused := f.refused
	if refused == notRefused && f.planning && f.record.usable() && f.record.olderThan(f.now, requestStateMaxAge) {
		refused = refusedExpired
	}
	if refused == notRefused && f.record.usable() {
		if f.activate {
			return passcodeDecision{outcome: outcomeSubmit}
		}
		return passcodeDecision{outcome: outcomeResend}
	}
	why := restartNoRecord
	switch {
	case refused == refusedVoided && !f.record.olderThan(f.now, requestStateMaxAge) && !f.record.ResendLost:
		if !f.takeOver {
			return passcodeDecision{outcome: outcomeRefuse, refusal: refuseRestartedElsewhere}
		}
		why = restartTakenBack
	case refused != notRefused:
		why = restartExpired
	}
	if f.maskedNumber {
		return passcodeDecision{outcome: outcomeRefuse, refusal: refuseMaskedNumber}
	}
	return passcodeDecision{outcome: outcomeRestart, why: why, ask: f.activate}
}
