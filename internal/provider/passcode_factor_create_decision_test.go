package provider

import "testing"

// TestDecidePasscodeCreate covers every create row of the decision table (ARCHITECTURE.md,
// "What an apply of a passcode factor does"), without a server: before anything is sent
// (decidePasscodeCreate), then after a pending enrollment (decideSimultaneous).
func TestDecidePasscodeCreate(t *testing.T) {
	enroll := createDecision{outcome: createEnroll}
	refuse := func(why createRefusal) createDecision { return createDecision{outcome: createRefuse, refusal: why} }
	for _, tc := range []struct {
		name string
		f    createFacts
		want createDecision
	}{
		{"no pending enrollment of the device", createFacts{}, enroll},
		{"no pending one, take-over set", createFacts{takeOver: true}, enroll},
		{"devices not readable (no role): warns", createFacts{lookup: lookupRefused}, createDecision{outcome: createEnroll, warnUnchecked: true}},
		{"devices not readable, take-over set: no warning", createFacts{lookup: lookupRefused, takeOver: true}, enroll},
		{"no such user: the enrollment's answer says so", createFacts{lookup: lookupNoUser}, enroll},
		{"Terraform stopping", createFacts{lookup: lookupInterrupted, pending: 1}, refuse(refuseInterrupted)},
		{"the read failed", createFacts{lookup: lookupFailed}, refuse(refuseLookupFailed)},
		{"pending elsewhere", createFacts{pending: 1}, refuse(refusePendingElsewhere)},
		{"pending, enrolled earlier in this apply", createFacts{pending: 1, pendingHere: true}, refuse(refusePendingHere)},
		{"pending, take-over set", createFacts{pending: 2, takeOver: true}, createDecision{outcome: createTakeOver}},
		{"take-over of a device at the limit: adds no device", createFacts{pending: 1, takeOver: true, deviceLimit: 2, enrolled: 2}, createDecision{outcome: createTakeOver}},
		{"this apply's creates reached the device limit", createFacts{deviceLimit: 3, enrolled: 3}, refuse(refuseDeviceLimit)},
		{"below the device limit", createFacts{deviceLimit: 3, enrolled: 2}, enroll},
	} {
		if got := decidePasscodeCreate(tc.f); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name      string
		restarted bool
		probe     probeResult
		want      simultaneousOutcome
	}{
		{"after enrolling: not restarted, ours alone", false, probeNotSent, simultaneousNone},
		{"after enrolling: restarted, our request replaced: we made it, we keep it", true, probeReplaced, simultaneousKept},
		{"after enrolling: restarted, our request current: we restarted another's", true, probeCurrent, simultaneousLost},
		{"after enrolling: restarted, the probe failed: nobody can tell", true, probeFailed, simultaneousUnknown},
	} {
		if got := decideSimultaneous(tc.restarted, tc.probe); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}
