package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWorkloadShape(t *testing.T) {
	for _, tc := range []struct{ n, perUser, users, email int }{
		{100, 5, 20, 20},
		{500, 5, 100, 100},
		{7, 5, 2, 2}, // the last user gets fewer factors
		{3, 1, 3, 3},
	} {
		w := newWorkload(tc.n, tc.perUser)
		if got := len(w.sms) + len(w.email); got != tc.n {
			t.Errorf("N=%d: %d factors", tc.n, got)
		}
		if len(w.users) != tc.users || len(w.email) != tc.email {
			t.Errorf("N=%d per user %d: %d users and %d email factors, want %d and %d", tc.n, tc.perUser, len(w.users), len(w.email), tc.users, tc.email)
		}
		numbers := map[string]bool{}
		for k, f := range w.sms {
			if numbers[f.MobileNumber] {
				t.Errorf("N=%d: number %s used twice", tc.n, f.MobileNumber)
			}
			numbers[f.MobileNumber] = true
			if len(f.UserID) != 32 || strings.Trim(f.UserID, "0123456789abcdef") != "" {
				t.Errorf("%s: user id %q is not 32 lowercase hex digits", k, f.UserID)
			}
		}
	}
}

func TestReadUsageTakesPeakAndSumsCPU(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.rss")
	if err := os.WriteFile(p, []byte("20300 32 28\n51200 900 100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u, err := readUsage(p)
	if err != nil {
		t.Fatal(err)
	}
	if u.processes != 2 || u.peakKiB != 51200 || u.cpu.Milliseconds() != 1060 {
		t.Errorf("got %+v", u)
	}
	if u, err := readUsage(filepath.Join(t.TempDir(), "missing")); err != nil || u.processes != 0 {
		t.Errorf("a missing log (no provider started) is zero usage: %+v %v", u, err)
	}
}

func TestStateInstances(t *testing.T) {
	p := filepath.Join(t.TempDir(), "terraform.tfstate")
	state := `{"version":4,"resources":[{"type":"a","instances":[{},{},{}]},{"type":"b","instances":[{}]}]}`
	if err := os.WriteFile(p, []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := stateInstances(p); err != nil || n != 4 {
		t.Errorf("got %d, %v; want 4", n, err)
	}
}
