package main

import (
	"strings"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// 500 requests at parallelism 10 and 80 ms are 4 s of calls on top of each floor.
func TestLatencyFloors(t *testing.T) {
	r := sizeResult{latency: 80 * time.Millisecond, phases: []phaseResult{{
		name:       "refresh-only plan",
		walls:      []time.Duration{6 * time.Second},
		floorWalls: []time.Duration{1 * time.Second},
		noopWalls:  []time.Duration{2 * time.Second},
		stats:      emulator.Stats{Requests: map[string]int{"GET /mfa/v1/users/{id}/factors": 499, "POST /oauth2/v1/token": 1}},
	}}}
	var out strings.Builder
	printLatencyFloors(&out, r, 10)
	want := "| refresh-only plan | 6.00 s | 5.00 s | 1.20x | 6.00 s | 1.00x |"
	if !strings.Contains(out.String(), want) {
		t.Fatalf("latency floors:\n%s\nwant the row %q", out.String(), want)
	}
}
