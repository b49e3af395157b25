package provider

import "testing"

// Each row of the decision after an enrollment that sent a passcode (ARCHITECTURE.md).
func TestDecideSimultaneous(t *testing.T) {
	for _, tc := range []struct {
		name      string
		restarted bool
		probe     probeResult
		want      simultaneousOutcome
	}{
		{"not restarted: ours alone", false, probeNotSent, simultaneousNone},
		{"restarted, our request replaced: we made it, we keep it", true, probeReplaced, simultaneousKept},
		{"restarted, our request current: we restarted another's", true, probeCurrent, simultaneousLost},
		{"restarted, the probe failed: nobody can tell", true, probeFailed, simultaneousUnknown},
	} {
		if got := decideSimultaneous(tc.restarted, tc.probe); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}
