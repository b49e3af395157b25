package main

import (
	"strings"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

func TestWindowFloor(t *testing.T) {
	free := emulator.GroupRate{PerSecond: 10, PerMinute: 150}
	for _, c := range []struct {
		n    int
		want time.Duration
	}{
		{0, 0},
		{1, 0},
		{10, 0},
		{11, time.Second},
		{121, 12 * time.Second},
		{150, 14 * time.Second},
		{151, time.Minute}, // the 151st waits for the minute window
		{300, time.Minute + 14*time.Second},
	} {
		if got := windowFloor(c.n, free); got != c.want {
			t.Errorf("%d requests: %s, want %s", c.n, got, c.want)
		}
	}
}

// An apply of 100 factors over 20 users on a Free domain: the AuthN group (enrollments and
// device reads) sets the floor; the 429s it got are not requests the phase needed.
func TestLimitFloorTakesTheSlowestGroup(t *testing.T) {
	p := limitPhase{name: "apply", wall: 15 * time.Second, tfFloor: time.Second, stats: emulator.Stats{
		Requests: map[string]int{
			"POST /mfa/v1/users/{id}/factors": 107,
			"GET /admin/v1/Devices":           20,
			"POST /oauth2/v1/token":           1,
			"GET /mfa/v1/users/{id}":          20,
		},
		Faults:             emulator.FaultCounts{RateLimited: 7},
		RateLimitedByGroup: map[string]int{emulator.GroupAuthN: 7},
	}}
	floor, group := limitFloor(p, "free", 0)
	if floor != 12*time.Second || group != emulator.GroupAuthN {
		t.Fatalf("floor %s set by %s, want 12s (1 s of Terraform + 120 AuthN at 10 per second, 11 s) set by AuthN", floor, group)
	}
	var out strings.Builder
	printDomainLimits(&out, domainLimitsResult{domainType: "free", w: newWorkload(100, 5),
		modes: []limitModeResult{{mode: limitModes("free")[1], phases: []limitPhase{p}}}}, 10)
	if want := "| no domain_type (adaptive) | apply | 15.00 s | 12.00 s | 1.25x | AuthN | AuthN 120, Token Management 1, Others 20 | 7 | 4.7% | met"; !strings.Contains(out.String(), want) {
		t.Fatalf("report:\n%s\nwant the row starting %q", out.String(), want)
	}
}
