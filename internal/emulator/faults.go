package emulator

import (
	"math"
	"strconv"
	"time"
)

// bucket is a token bucket holding at most one second's worth of requests.
type bucket struct {
	tokens float64
	last   time.Time
}

// takeToken spends one request of the client's budget. When the budget is empty it returns
// the Retry-After value: whole seconds until a token is back, at least 1.
func (s *Server) takeToken(client string, rate float64) (string, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	// Real time, not Config.Now: the limit protects a real server from real request rates.
	now := time.Now()
	burst := math.Max(1, rate)
	b := s.buckets[client]
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		s.buckets[client] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return "", true
	}
	wait := int(math.Ceil((1 - b.tokens) / rate))
	if wait < 1 {
		wait = 1
	}
	return strconv.Itoa(wait), false
}

// SetFaults replaces the injected faults; a changed rate limit starts with full buckets.
func (s *Server) SetFaults(f Faults) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if f.RateLimitPerSecond != s.faults.RateLimitPerSecond {
		s.buckets = map[string]*bucket{}
	}
	if f.DropNext != nil {
		drops := make(map[string]int, len(f.DropNext))
		for k, n := range f.DropNext {
			drops[k] = n
		}
		f.DropNext = drops
	}
	s.faults = f
}

// takeDrop reports whether the answer of this request is to be dropped (Faults.DropNext),
// aimed at its route (key, as Stats keys it) or at its own method and path, and counts that
// drop down.
func (s *Server) takeDrop(key, methodPath string) bool {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for _, k := range []string{key, methodPath} {
		if s.faults.DropNext[k] > 0 {
			s.faults.DropNext[k]--
			return true
		}
	}
	return false
}

// CurrentFaults returns the faults being injected.
func (s *Server) CurrentFaults() Faults { return s.currentFaults() }

func (s *Server) currentFaults() Faults {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faults
	if f.DropNext != nil {
		f.DropNext = make(map[string]int, len(s.faults.DropNext))
		for k, n := range s.faults.DropNext {
			f.DropNext[k] = n
		}
	}
	return f
}

func (s *Server) countFault(fn func(*FaultCounts)) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	fn(&s.stats.Faults)
}

func (s *Server) countRequest(key string, token bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.stats.Requests[key]++
	if token {
		s.stats.TokenRequests++
	}
}

// Stats returns a copy of the request and fault counters.
func (s *Server) Stats() Stats {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := Stats{Requests: make(map[string]int, len(s.stats.Requests)), TokenRequests: s.stats.TokenRequests, Faults: s.stats.Faults}
	for k, v := range s.stats.Requests {
		out.Requests[k] = v
	}
	out.RateLimitedByGroup = s.groups.counts()
	return out
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.stats = Stats{Requests: map[string]int{}}
	s.groups.resetCounts()
}
