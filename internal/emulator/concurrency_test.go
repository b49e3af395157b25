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

// Users enroll their own devices through My* while an administrator reads and enrolls through
// /mfa/v1 and SCIM at the same time: one state, no race (run with -race).
func TestConcurrentSelfServiceAndAdmin(t *testing.T) {
	h := newHarness(t, Config{})
	const users, perUser = 6, 3
	type self struct{ id, tok string }
	us := make([]self, users)
	for i := range us {
		us[i].id, us[i].tok = h.selfUser(fmt.Sprintf("self%d", i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, users*perUser*6)
	for i := range us {
		for j := 0; j < perUser; j++ {
			wg.Add(2)
			go func(u self, n int) {
				defer wg.Done()
				st, m, raw := h.doWith(u.tok, http.MethodPost, pathEnroller, enrollerBody(u.id, "SMS", "countryCode", "+44", "phoneNumber", fmt.Sprintf("77008%05d", n)))
				if st != 201 {
					errs <- fmt.Errorf("enroller: %d %s", st, raw)
					return
				}
				dev, rid := m["deviceId"].(string), m["requestId"].(string)
				if st, _, raw := h.doWith(u.tok, http.MethodPost, pathInitiator, initiatorBody(dev, rid, "SMS")); st != 201 {
					errs <- fmt.Errorf("initiator: %d %s", st, raw)
					return
				}
				otp, _ := h.s.LastOTP(u.id, dev)
				if st, _, raw := h.doWith(u.tok, http.MethodPost, pathValidator, validatorBody(dev, rid, "SMS", otp)); st != 201 {
					errs <- fmt.Errorf("validator: %d %s", st, raw)
				}
				if st, _, raw := h.doWith(u.tok, http.MethodGet, pathMyDevices, nil); st != 200 {
					errs <- fmt.Errorf("MyDevices: %d %s", st, raw)
				}
			}(us[i], i*100+j)
			go func(u self, n int) {
				defer wg.Done()
				if n == 0 {
					if st, _, raw := h.do(http.MethodPost, factorsPath(u.id), map[string]any{"method": "EMAIL", "skipFactorVerification": true}); st != 200 {
						errs <- fmt.Errorf("E3: %d %s", st, raw)
					}
				}
				if st, _, raw := h.do(http.MethodGet, factorsPath(u.id), nil); st != 200 {
					errs <- fmt.Errorf("E1: %d %s", st, raw)
				}
				if st, _, raw := h.doWith(u.tok, http.MethodGet, "/admin/v1/Me", nil); st != 200 {
					errs <- fmt.Errorf("Me: %d %s", st, raw)
				}
			}(us[i], j)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, u := range us {
		m := h.mustDo(http.StatusOK, http.MethodGet, factorsPath(u.id), nil)
		if n := len(factorIDs(m)); n != perUser+1 {
			t.Fatalf("user %s has %d enrolled factors, want %d", u.id, n, perUser+1)
		}
		list := h.my(u.tok, 200, http.MethodGet, pathMyDevices, nil)
		if list["totalResults"] != float64(perUser+1) {
			t.Fatalf("user %s has %v devices, want %d", u.id, list["totalResults"], perUser+1)
		}
	}
}
