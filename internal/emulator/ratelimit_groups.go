package emulator

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Oracle's "API Rate Limits" of an identity domain (reference section 7.4): per domain type,
// per group of endpoints, a limit per second and per minute on the sum of the group's
// requests, whoever sends them; past it the answer is 429. Config.RateLimits (the command's
// -rate-limits) turns the table on for one domain type. Oracle does not say how it counts;
// the emulator counts the requests it accepted in any second and any minute (sliding
// windows), the strictest reading, and answers 429 with Retry-After in whole seconds until
// the window has room. A request refused with 429 does not count.

// Rate-limit groups as Oracle's table names them, the keys of Stats.RateLimitedByGroup.
const (
	GroupAuthN  = "AuthN"
	GroupToken  = "Token Management"
	GroupOthers = "Others"
)

type groupRate struct{ perSecond, perMinute int }

// GroupRate is one group's limit in Oracle's table: requests per second and per minute.
type GroupRate struct{ PerSecond, PerMinute int }

// RateLimitsOf is Oracle's table for one domain type, by group; nil for an unknown type.
// A harness divides a group's requests by these to know the least time they can take.
func RateLimitsOf(domainType string) map[string]GroupRate {
	t, ok := rateLimitTable[domainType]
	if !ok {
		return nil
	}
	out := make(map[string]GroupRate, len(t))
	for g, r := range t {
		out[g] = GroupRate{PerSecond: r.perSecond, PerMinute: r.perMinute}
	}
	return out
}

// RateLimitGroupOf is the group Oracle's table charges a request to path to (GroupAuthN,
// GroupToken or GroupOthers). Stats.Requests keys template the ids ("{id}"), which it accepts.
func RateLimitGroupOf(path string) string { return rateGroupOf(path) }

// rateLimitTable is Oracle's table: AuthN, Token Management, Others.
var rateLimitTable = map[string]map[string]groupRate{
	"free":                {GroupAuthN: {10, 150}, GroupToken: {10, 150}, GroupOthers: {20, 150}},
	"oracle-apps":         {GroupAuthN: {50, 1000}, GroupToken: {40, 1000}, GroupOthers: {50, 1500}},
	"oracle-apps-premium": {GroupAuthN: {80, 2100}, GroupToken: {50, 1700}, GroupOthers: {55, 1750}},
	"premium":             {GroupAuthN: {95, 4500}, GroupToken: {65, 3400}, GroupOthers: {90, 5000}},
	"external-user":       {GroupAuthN: {90, 3100}, GroupToken: {60, 2300}, GroupOthers: {80, 4000}},
}

// RateLimitTypes are the domain types Config.RateLimits accepts.
func RateLimitTypes() []string {
	out := make([]string, 0, len(rateLimitTable))
	for t := range rateLimitTable {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func checkRateLimits(domainType string) error {
	if _, ok := rateLimitTable[domainType]; domainType != "" && !ok {
		return fmt.Errorf("unknown rate-limit domain type %q: use one of %s", domainType, strings.Join(RateLimitTypes(), ", "))
	}
	return nil
}

// The AuthN group: /mfa/v1/requests, /mfa/v1/users/{guid}/factors and every
// (My)AuthenticationFactor*, (My)BypassCodes and (My)Devices endpoint. Token Management:
// /oauth2/v1/token, introspect, revoke, device. Others: the rest, /mfa/v1/users?… and
// /mfa/v1/users/{guid} included (the table does not name them).
var (
	authnMFAPath  = regexp.MustCompile(`^/mfa/v1/(requests(/|$)|users/[^/]+/factors(/|$))`)
	authnSCIMPath = regexp.MustCompile(`^/admin/v1/(My)?(AuthenticationFactor|BypassCodes|Devices)`)
)

func rateGroupOf(path string) string {
	switch {
	case strings.HasPrefix(path, "/oauth2/v1/"):
		return GroupToken
	case authnMFAPath.MatchString(path), authnSCIMPath.MatchString(path):
		return GroupAuthN
	}
	return GroupOthers
}

// groupLimiter applies one domain type's table. Its zero value (or nil) limits nothing.
type groupLimiter struct {
	mu      sync.Mutex
	rates   map[string]groupRate
	seen    map[string][]time.Time // accepted requests of the last minute, per group
	limited map[string]int         // 429s per group
	// now is the real clock, not Config.Now, as for the per-client limit: the limits
	// protect a real server from real request rates. Tests replace it.
	now func() time.Time
}

func newGroupLimiter(domainType string) *groupLimiter {
	return &groupLimiter{rates: rateLimitTable[domainType], seen: map[string][]time.Time{}, limited: map[string]int{}, now: time.Now}
}

// take admits a request to path now, or returns its group and the Retry-After in seconds.
func (l *groupLimiter) take(path string) (group, retryAfter string, ok bool) {
	if l == nil {
		return "", "", true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	group = rateGroupOf(path)
	rate, limited := l.rates[group]
	if !limited {
		return group, "", true
	}
	now := l.now()
	seen := l.seen[group]
	for len(seen) > 0 && now.Sub(seen[0]) >= time.Minute {
		seen = seen[1:]
	}
	l.seen[group] = seen
	var wait time.Duration
	if len(seen) >= rate.perMinute {
		wait = seen[len(seen)-rate.perMinute].Add(time.Minute).Sub(now)
	}
	if n := len(seen); n >= rate.perSecond && now.Sub(seen[n-rate.perSecond]) < time.Second {
		wait = max(wait, seen[n-rate.perSecond].Add(time.Second).Sub(now))
	}
	if wait > 0 {
		l.limited[group]++
		return group, strconv.Itoa(int(math.Ceil(wait.Seconds()))), false
	}
	l.seen[group] = append(seen, now)
	return group, "", true
}

// counts returns a copy of the 429s per group, nil when there were none.
func (l *groupLimiter) counts() map[string]int {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.limited) == 0 {
		return nil
	}
	out := make(map[string]int, len(l.limited))
	for g, n := range l.limited {
		out[g] = n
	}
	return out
}

// forget drops the accepted requests of the current windows, as a quiet minute would.
func (l *groupLimiter) forget() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = map[string][]time.Time{}
}

// ResetRateLimits empties the domain's rate-limit windows (Config.RateLimits), as if nothing
// had been sent for a minute, so that a harness can measure phases one after another without
// waiting for the minute window to pass. The per-client limit's bucket refills on its own.
func (s *Server) ResetRateLimits() { s.groups.forget() }

func (l *groupLimiter) resetCounts() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limited = map[string]int{}
}

// admit applies the per-client limit (Faults.RateLimitPerSecond), then the domain's group
// limits (Config.RateLimits): false with the Retry-After in seconds when one refuses r.
func (s *Server) admit(r *http.Request, f Faults) (retryAfter string, ok bool) {
	if f.RateLimitPerSecond > 0 {
		if wait, ok := s.takeToken(s.clientKey(r), f.RateLimitPerSecond); !ok {
			return wait, false
		}
	}
	_, wait, ok := s.groups.take(r.URL.Path)
	return wait, ok
}
