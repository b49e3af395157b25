package emulator

import (
	"net/http"
	"testing"
	"time"
)

func TestRateGroupsFollowOraclesTable(t *testing.T) {
	for path, want := range map[string]string{
		"/oauth2/v1/token":                          GroupToken,
		"/mfa/v1/users/u1/factors":                  GroupAuthN,
		"/mfa/v1/users/u1/factors/f1":               GroupAuthN,
		"/mfa/v1/requests":                          GroupAuthN,
		"/mfa/v1/requests/r1":                       GroupAuthN,
		"/admin/v1/MyAuthenticationFactorEnroller":  GroupAuthN,
		"/admin/v1/MyAuthenticationFactorsRemover":  GroupAuthN,
		"/admin/v1/MyDevices/d1":                    GroupAuthN,
		"/admin/v1/MyBypassCodes":                   GroupAuthN,
		"/admin/v1/AuthenticationFactorInitiator":   GroupAuthN,
		"/admin/v1/Users/u1":                        GroupOthers,
		"/admin/v1/Me":                              GroupOthers,
		"/mfa/v1/users":                             GroupOthers,
		"/mfa/v1/users/u1":                          GroupOthers,
		"/mfa/v1/users/u1/factorsX":                 GroupOthers,
		"/admin/v1/MyApps":                          GroupOthers,
		"/admin/v1/AuthenticationFactorSettings/x1": GroupAuthN,
		"/mfa/v1/users/{id}/factors/{factorId}":     GroupAuthN, // Stats.Requests keys
		"/mfa/v1/users/{id}":                        GroupOthers,
	} {
		if got := RateLimitGroupOf(path); got != want {
			t.Errorf("RateLimitGroupOf(%s) = %s, want %s", path, got, want)
		}
	}
}

// A free domain's AuthN group: 10 requests in any second, 150 in any minute; a refused one
// does not count and says how long to wait; each group counts on its own.
func TestGroupLimiterAppliesPerSecondAndPerMinute(t *testing.T) {
	clock := newFakeClock()
	l := newGroupLimiter("free")
	l.now = clock.Now
	authn := "/mfa/v1/users/u1/factors"
	accepted := 0
	for sec := 0; sec < 20; sec++ {
		for i := 0; i < 12; i++ {
			if _, wait, ok := l.take(authn); ok {
				accepted++
			} else if wait != "1" && accepted < 150 {
				t.Fatalf("second %d: Retry-After %s, want 1", sec, wait)
			}
		}
		if sec < 15 && accepted != 10*(sec+1) {
			t.Fatalf("after second %d: %d accepted, want %d", sec, accepted, 10*(sec+1))
		}
		clock.Advance(time.Second)
	}
	if accepted != 150 {
		t.Fatalf("%d accepted in 20 seconds, want the minute's 150", accepted)
	}
	// The first second's 10 leave the minute 60 s after they came: 40 s from now.
	if _, wait, ok := l.take(authn); ok || wait != "40" {
		t.Errorf("past the minute's limit: ok %t, Retry-After %s, want 40", ok, wait)
	}
	if group, _, ok := l.take("/admin/v1/Users"); !ok || group != GroupOthers {
		t.Errorf("the Others group is held by AuthN's limit (%s, %t)", group, ok)
	}
	clock.Advance(40 * time.Second)
	if _, _, ok := l.take(authn); !ok {
		t.Error("refused once the first second's requests left the minute")
	}
	if got := l.counts()[GroupAuthN]; got != 15*2+5*12+1 {
		t.Errorf("%d 429s counted for AuthN, want %d", got, 15*2+5*12+1)
	}
}

// Over HTTP: the 429 carries Retry-After and the group's error shape; /emulator/v1/stats
// counts it per group.
func TestRateLimitsAnswer429PerGroup(t *testing.T) {
	h := newHarness(t, Config{RateLimits: "free"})
	h.s.ResetStats()
	path := factorsPath(AliceID)
	var limited int
	var header http.Header
	for i := 0; i < 11; i++ {
		status, hdr, _, _ := h.rawDo(h.token, http.MethodGet, path, "", nil)
		if status == http.StatusTooManyRequests {
			limited++
			header = hdr
		}
	}
	if limited != 1 || header.Get("Retry-After") != "1" {
		t.Fatalf("%d of 11 answered 429 (Retry-After %q), want the 11th, with 1", limited, header.Get("Retry-After"))
	}
	st := h.s.Stats()
	if st.RateLimitedByGroup[GroupAuthN] != 1 || st.Faults.RateLimited != 1 || len(st.RateLimitedByGroup) != 1 {
		t.Errorf("stats %+v, want one AuthN 429", st)
	}
	_, m, _ := h.do(http.MethodGet, "/emulator/v1/stats", nil)
	if byGroup, _ := m["rateLimitedByGroup"].(map[string]any); byGroup[GroupAuthN] != float64(1) {
		t.Errorf("/emulator/v1/stats: %v", m)
	}
	if err := (Config{RateLimits: "gold"}).Validate(); err == nil {
		t.Error("an unknown domain type is accepted")
	}
}

// The reset route gives the next request the whole budget back; without it the same
// request is refused.
func TestRateLimitsResetEmptiesTheWindows(t *testing.T) {
	h := newHarness(t, Config{RateLimits: "free"})
	path := factorsPath(AliceID)
	for i := 0; i < 10; i++ {
		h.rawDo(h.token, http.MethodGet, path, "", nil)
	}
	if status, _, _, _ := h.rawDo(h.token, http.MethodGet, path, "", nil); status != http.StatusTooManyRequests {
		t.Fatalf("the 11th AuthN request of the second answered %d, want 429", status)
	}
	h.mustDo(http.StatusNoContent, http.MethodPost, "/emulator/v1/rate-limits/reset", nil)
	if status, _, _, _ := h.rawDo(h.token, http.MethodGet, path, "", nil); status != http.StatusOK {
		t.Fatalf("after the reset the request answered %d, want 200", status)
	}
}

func TestRateLimitsOf(t *testing.T) {
	if got := RateLimitsOf("free")[GroupAuthN]; got != (GroupRate{PerSecond: 10, PerMinute: 150}) {
		t.Errorf("free AuthN %+v, want 10/s and 150/min (Oracle's table)", got)
	}
	if RateLimitsOf("gold") != nil {
		t.Error("an unknown domain type has rates")
	}
}
