package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// The emulator's clock: Config.Now, moved forward by AdvanceClock (or POST /emulator/v1/clock).
// Everything time-bound reads it: TOTP codes (RFC 6238's T), passcodes' and requestStates'
// expiry, tokens, lockouts. It only moves forward, as a domain's clock does, so that nothing
// that expired comes back. The rate limits keep the real clock (ratelimit_groups.go): they
// model the service's capacity, not the domain's data.

func (s *Server) now() time.Time {
	return s.cfg.Now().Add(time.Duration(s.clockAhead.Load()))
}

// Now is the emulator's time.
func (s *Server) Now() time.Time { return s.now() }

// ClockAhead is how far AdvanceClock moved the clock in all.
func (s *Server) ClockAhead() time.Duration { return time.Duration(s.clockAhead.Load()) }

// AdvanceClock moves the emulator's clock forward by d (not negative) and returns its new time:
// a test or a pipeline passes a TOTP time step, or expires a passcode, without waiting for it.
func (s *Server) AdvanceClock(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, errors.New("advance must not be negative: the clock only moves forward")
	}
	s.clockAhead.Add(int64(d))
	return s.now(), nil
}

// clockWire is the JSON of /emulator/v1/clock: the time (RFC 3339, nanoseconds) and how far
// it was moved past the real clock, as a Go duration string.
type clockWire struct {
	Now   string `json:"now"`
	Ahead string `json:"ahead"`
}

func (s *Server) clockBody() clockWire {
	return clockWire{Now: s.now().UTC().Format(time.RFC3339Nano), Ahead: s.ClockAhead().String()}
}

func (s *Server) handleEmuClock(*http.Request) (reply, error) { return ok(s.clockBody()) }

// handleEmuAdvanceClock reads {"advance": "30s"} (a duration string or a number of
// milliseconds, as the faults' latency) and answers the clock after the move.
func (s *Server) handleEmuAdvanceClock(r *http.Request) (reply, error) {
	data, e := readBody(r)
	if e != nil {
		return reply{}, errors.New("body too large")
	}
	var in struct {
		Advance json.RawMessage `json:"advance"`
	}
	if err := json.Unmarshal(data, &in); err != nil || len(in.Advance) == 0 {
		return reply{}, errors.New(`body must be a JSON object {"advance": "30s"} (a duration string or a number of milliseconds)`)
	}
	d, err := wireDuration("advance", in.Advance)
	if err != nil {
		return reply{}, err
	}
	if _, err := s.AdvanceClock(d); err != nil {
		return reply{}, err
	}
	return ok(s.clockBody())
}
