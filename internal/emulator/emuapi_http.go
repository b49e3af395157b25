package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// The /emulator/v1 namespace belongs to the emulator, not to Oracle's API. It needs no
// token: it stands for what a user or an administrator does outside the API (reading an
// SMS, scanning a QR code, deleting a device in the console) and for test instrumentation.

func writeEmuError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, ErrUserNotFound), errors.Is(err, ErrFactorNotFound), errors.Is(err, ErrRequestNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrAlreadyEnrolled), errors.Is(err, ErrUserLocked), errors.Is(err, ErrDuplicateUser):
		status = http.StatusConflict
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

func (s *Server) handleEmuMessages(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"messages": s.Messages(r.URL.Query().Get("userId"))})
}

func (s *Server) handleEmuFactors(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		writeEmuError(w, ErrUserNotFound)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"factors": s.Factors(id)})
}

func (s *Server) handleEmuComplete(w http.ResponseWriter, r *http.Request) {
	if err := s.CompleteEnrollment(r.PathValue("id"), r.PathValue("factorId")); err != nil {
		writeEmuError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "success"})
}

func (s *Server) handleEmuRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.RemoveFactor(r.PathValue("id"), r.PathValue("factorId")); err != nil {
		writeEmuError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleEmuOTP(w http.ResponseWriter, r *http.Request) {
	otp, ok := s.LastOTP(r.PathValue("id"), r.PathValue("factorId"))
	if !ok {
		writeEmuError(w, ErrFactorNotFound)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"otp": otp})
}

func (s *Server) handleEmuBypassCode(w http.ResponseWriter, r *http.Request) {
	code, err := s.AddBypassCode(r.PathValue("id"))
	if err != nil {
		writeEmuError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"code": code})
}

func (s *Server) handleEmuUnlock(w http.ResponseWriter, r *http.Request) {
	if err := s.SetLocked(r.PathValue("id"), false); err != nil {
		writeEmuError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "success"})
}

func (s *Server) handleEmuApprove(w http.ResponseWriter, r *http.Request) {
	if err := s.ApproveRequest(r.PathValue("requestId")); err != nil {
		writeEmuError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "success"})
}

func (s *Server) handleEmuStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

func (s *Server) handleEmuStatsReset(w http.ResponseWriter, _ *http.Request) {
	s.ResetStats()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleEmuGetFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.currentFaults())
}

func (s *Server) handleEmuPutFaults(w http.ResponseWriter, r *http.Request) {
	data, e := readBody(r)
	var f Faults
	if e != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body too large"})
		return
	}
	if err := json.Unmarshal(data, &f); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be a JSON object {rateLimitPerSecond, errorRate, dropRate, latency}: " + err.Error()})
		return
	}
	if err := f.Validate(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	s.SetFaults(f)
	writeJSON(w, http.StatusOK, s.currentFaults())
}

// faultsWire is the JSON form of Faults: latency is a Go duration string ("250ms") on the
// way out and a duration string or a number of milliseconds on the way in.
type faultsWire struct {
	RateLimitPerSecond float64         `json:"rateLimitPerSecond"`
	ErrorRate          float64         `json:"errorRate"`
	DropRate           float64         `json:"dropRate"`
	Latency            json.RawMessage `json:"latency,omitempty"`
}

// MarshalJSON writes latency as a duration string.
func (f Faults) MarshalJSON() ([]byte, error) {
	lat, _ := json.Marshal(f.Latency.String())
	return json.Marshal(faultsWire{f.RateLimitPerSecond, f.ErrorRate, f.DropRate, lat})
}

// UnmarshalJSON reads latency as a duration string or milliseconds.
func (f *Faults) UnmarshalJSON(data []byte) error {
	var in faultsWire
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	out := Faults{RateLimitPerSecond: in.RateLimitPerSecond, ErrorRate: in.ErrorRate, DropRate: in.DropRate}
	if len(in.Latency) > 0 && string(in.Latency) != "null" {
		var str string
		var ms float64
		switch {
		case json.Unmarshal(in.Latency, &str) == nil:
			d, err := time.ParseDuration(str)
			if err != nil {
				return errors.New("latency: " + err.Error())
			}
			out.Latency = d
		case json.Unmarshal(in.Latency, &ms) == nil:
			out.Latency = time.Duration(ms * float64(time.Millisecond))
		default:
			return errors.New("latency must be a duration string or a number of milliseconds")
		}
	}
	*f = out
	return nil
}

// Validate checks that rates are shares in [0, 1] and nothing is negative.
func (f Faults) Validate() error {
	switch {
	case f.RateLimitPerSecond < 0:
		return errors.New("rateLimitPerSecond must not be negative")
	case f.ErrorRate < 0 || f.ErrorRate > 1:
		return errors.New("errorRate must be between 0 and 1")
	case f.DropRate < 0 || f.DropRate > 1:
		return errors.New("dropRate must be between 0 and 1")
	case f.Latency < 0:
		return errors.New("latency must not be negative")
	}
	return nil
}
