package emulator

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// Terraform runs ten operations at once; run with -race.
func TestConcurrentEnrollmentsAndReads(t *testing.T) {
	h := newHarness(t, Config{})
	const users, perUser = 8, 5
	ids := make([]string, users)
	for i := range ids {
		ids[i] = h.newUser(fmt.Sprintf("conc%d", i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, users*perUser*4)
	for i := 0; i < users; i++ {
		for j := 0; j < perUser; j++ {
			wg.Add(1)
			go func(u string, n int) {
				defer wg.Done()
				st, m, raw := h.do(http.MethodPost, factorsPath(u), map[string]any{"method": "SMS", "countryCode": "+44", "mobileNumber": fmt.Sprintf("77009%05d", n)})
				if st != 200 {
					errs <- fmt.Errorf("enroll: %d %s", st, raw)
					return
				}
				fid, rs := m["factorId"].(string), m["requestState"].(string)
				otp, _ := h.s.LastOTP(u, fid)
				if st, _, raw := h.do(http.MethodPatch, factorsPath(u)+"/"+fid, map[string]any{"otpCode": otp, "requestState": rs}); st != 200 {
					errs <- fmt.Errorf("activate: %d %s", st, raw)
				}
				if st, _, raw := h.do(http.MethodGet, factorsPath(u), nil); st != 200 {
					errs <- fmt.Errorf("list: %d %s", st, raw)
				}
				if st, _, raw := h.do(http.MethodGet, "/admin/v1/Users?count=3", nil); st != 200 {
					errs <- fmt.Errorf("scim: %d %s", st, raw)
				}
				_ = h.s.Messages("")
				_ = h.s.Stats()
			}(ids[i], i*100+j)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, u := range ids {
		m := h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u), nil)
		if n := len(factorIDs(m)); n != perUser {
			t.Fatalf("user %s has %d enrolled factors, want %d", u, n, perUser)
		}
	}
	if n := len(h.s.Messages("")); n != users*perUser {
		t.Fatalf("outbox has %d messages, want %d", n, users*perUser)
	}
}
