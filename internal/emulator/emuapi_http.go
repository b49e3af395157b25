package emulator

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The /emulator/v1 namespace belongs to the emulator, not to Oracle's API. It needs no
// token: it stands for what a user or an administrator does outside the API (reading an
// SMS, scanning a QR code, deleting a device in the console) and for test instrumentation.

// writeEmuError answers an /emulator/v1 error as {"error": message}: 404 for an unknown
// user, factor or request, 409 for a state conflict, 400 otherwise.
func writeEmuError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, ErrUserNotFound), errors.Is(err, ErrFactorNotFound), errors.Is(err, ErrRequestNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrAlreadyEnrolled), errors.Is(err, ErrUserLocked), errors.Is(err, ErrDuplicateUser), errors.Is(err, ErrRequestDecided),
		errors.Is(err, ErrNoPasscodeSent):
		status = http.StatusConflict
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// emuDone answers {"status":"success"} unless err is set.
func emuDone(err error) (reply, error) {
	if err != nil {
		return reply{}, err
	}
	return ok(success())
}

func (s *Server) handleEmuMessages(r *http.Request) (reply, error) {
	return ok(map[string]any{"messages": s.Messages(r.URL.Query().Get("userId"))})
}

func (s *Server) handleEmuFactors(r *http.Request) (reply, error) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, found := s.users[id]
	s.mu.Unlock()
	if !found {
		return reply{}, ErrUserNotFound
	}
	return ok(map[string]any{"factors": s.Factors(id)})
}

func (s *Server) handleEmuComplete(r *http.Request) (reply, error) {
	return emuDone(s.CompleteEnrollment(r.PathValue("id"), r.PathValue("factorId")))
}

func (s *Server) handleEmuRemove(r *http.Request) (reply, error) {
	if err := s.RemoveFactor(r.PathValue("id"), r.PathValue("factorId")); err != nil {
		return reply{}, err
	}
	return noContent()
}

func (s *Server) handleEmuOTP(r *http.Request) (reply, error) {
	otp, found := s.LastOTP(r.PathValue("id"), r.PathValue("factorId"))
	if !found {
		return reply{}, ErrFactorNotFound
	}
	return ok(map[string]string{"otp": otp})
}

func (s *Server) handleEmuBypassCode(r *http.Request) (reply, error) {
	code, err := s.AddBypassCode(r.PathValue("id"))
	if err != nil {
		return reply{}, err
	}
	return ok(map[string]string{"code": code})
}

func (s *Server) handleEmuUnlock(r *http.Request) (reply, error) {
	return emuDone(s.SetLocked(r.PathValue("id"), false))
}

func (s *Server) handleEmuApprove(r *http.Request) (reply, error) {
	return emuDone(s.ApproveRequest(r.PathValue("requestId")))
}

func (s *Server) handleEmuReject(r *http.Request) (reply, error) {
	return emuDone(s.RejectRequest(r.PathValue("requestId")))
}

// trustedCertsBody is {"certificates":[{"subject":"CN=…","x5t":"<base64url SHA-1>"}]}.
func trustedCertsBody(certs []*x509.Certificate) map[string]any {
	out := []map[string]string{}
	for _, c := range certs {
		out = append(out, map[string]string{"subject": c.Subject.String(), "x5t": X5T(c)})
	}
	return map[string]any{"certificates": out}
}

// pemBody reads a request body of PEM text holding at least one CERTIFICATE block.
func pemBody(r *http.Request) ([]*x509.Certificate, error) {
	data, e := readBody(r)
	if e != nil {
		return nil, errors.New("body too large")
	}
	certs, err := ParseCertificatesPEM(data)
	if err != nil {
		return nil, errors.New("body must be PEM text with at least one CERTIFICATE block: " + err.Error())
	}
	return certs, nil
}

func (s *Server) handleEmuTrustedCerts(*http.Request) (reply, error) {
	return ok(trustedCertsBody(s.TrustedCerts()))
}

func (s *Server) handleEmuAddTrustedCerts(r *http.Request) (reply, error) {
	certs, err := pemBody(r)
	if err != nil {
		return reply{}, err
	}
	s.AddTrustedCerts(certs...)
	return ok(trustedCertsBody(s.TrustedCerts()))
}

func (s *Server) handleEmuSetTrustedCerts(r *http.Request) (reply, error) {
	certs, err := pemBody(r)
	if err != nil {
		return reply{}, err
	}
	s.SetTrustedCerts(certs)
	return ok(trustedCertsBody(s.TrustedCerts()))
}

func (s *Server) handleEmuClearTrustedCerts(*http.Request) (reply, error) {
	s.SetTrustedCerts(nil)
	return noContent()
}

func (s *Server) handleEmuStats(*http.Request) (reply, error) { return ok(s.Stats()) }

func (s *Server) handleEmuStatsReset(*http.Request) (reply, error) {
	s.ResetStats()
	return noContent()
}

func (s *Server) handleEmuRateLimitsReset(*http.Request) (reply, error) {
	s.ResetRateLimits()
	return noContent()
}

func (s *Server) handleEmuGetFaults(*http.Request) (reply, error) { return ok(s.currentFaults()) }

func (s *Server) handleEmuPutFaults(r *http.Request) (reply, error) {
	data, e := readBody(r)
	if e != nil {
		return reply{}, errors.New("body too large")
	}
	var f Faults
	if err := json.Unmarshal(data, &f); err != nil {
		return reply{}, errors.New("body must be a JSON object {rateLimitPerSecond, errorRate, dropRate, latency, answerLatency, dropNext}: " + err.Error())
	}
	if err := f.Validate(); err != nil {
		return reply{}, err
	}
	for k := range f.DropNext {
		if err := s.checkDropKey(k); err != nil {
			return reply{}, err
		}
	}
	s.SetFaults(f)
	return ok(s.currentFaults())
}

// checkDropKey refuses a dropNext key that no request could ever take: a typo would
// otherwise leave the drop waiting and the test it was meant for passing without it. A key
// is a route as Stats keys it ("PATCH /mfa/v1/users/{id}/factors/{factorId}") or one
// request's own method and path ("POST /mfa/v1/users/<user id>/factors"), of the /mfa/v1 or
// /admin/v1 API (the only answers the emulator drops).
func (s *Server) checkDropKey(key string) error {
	const forms = `: a route as GET /emulator/v1/stats names it ("POST /mfa/v1/users/{id}/factors") ` +
		`or a request's method and path ("POST /mfa/v1/users/<user id>/factors"), of /mfa/v1 or /admin/v1`
	method, path, found := strings.Cut(key, " ")
	if !found || method == "" || method != strings.ToUpper(method) || !strings.HasPrefix(path, "/") {
		return fmt.Errorf("dropNext key %q is not a method and a path%s", truncate(key, maxEchoed), forms)
	}
	if k := classify(path); k != kindMFA && k != kindSCIM {
		return fmt.Errorf("dropNext key %q: only answers of /mfa/v1 and /admin/v1 are dropped%s", truncate(key, maxEchoed), forms)
	}
	req, err := http.NewRequest(method, path, nil)
	if err != nil {
		return fmt.Errorf("dropNext key %q: %s%s", truncate(key, maxEchoed), err, forms)
	}
	_, pattern := s.mux.Handler(req)
	if !strings.Contains(pattern, " ") || (strings.Contains(path, "{") && statsKey(req, pattern) != key) {
		return fmt.Errorf("dropNext key %q names no route of the emulator%s", truncate(key, maxEchoed), forms)
	}
	return nil
}

// faultsWire is the JSON form of Faults: latency is a Go duration string ("250ms") on the
// way out and a duration string or a number of milliseconds on the way in.
type faultsWire struct {
	RateLimitPerSecond float64         `json:"rateLimitPerSecond"`
	ErrorRate          float64         `json:"errorRate"`
	DropRate           float64         `json:"dropRate"`
	Latency            json.RawMessage `json:"latency,omitempty"`
	AnswerLatency      json.RawMessage `json:"answerLatency,omitempty"`
	DropNext           map[string]int  `json:"dropNext,omitempty"`
}

// MarshalJSON writes latency as a duration string.
func (f Faults) MarshalJSON() ([]byte, error) {
	lat, _ := json.Marshal(f.Latency.String())
	answerLat, _ := json.Marshal(f.AnswerLatency.String())
	return json.Marshal(faultsWire{f.RateLimitPerSecond, f.ErrorRate, f.DropRate, lat, answerLat, f.DropNext})
}

// UnmarshalJSON reads latency as a duration string or milliseconds.
func (f *Faults) UnmarshalJSON(data []byte) error {
	var in faultsWire
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	out := Faults{RateLimitPerSecond: in.RateLimitPerSecond, ErrorRate: in.ErrorRate, DropRate: in.DropRate, DropNext: in.DropNext}
	var err error
	if out.Latency, err = wireDuration("latency", in.Latency); err != nil {
		return err
	}
	if out.AnswerLatency, err = wireDuration("answerLatency", in.AnswerLatency); err != nil {
		return err
	}
	*f = out
	return nil
}

// wireDuration reads a duration string or a number of milliseconds; absent is zero.
func wireDuration(name string, raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var str string
	var ms float64
	switch {
	case json.Unmarshal(raw, &str) == nil:
		d, err := time.ParseDuration(str)
		if err != nil {
			return 0, errors.New(name + ": " + err.Error())
		}
		return d, nil
	case json.Unmarshal(raw, &ms) == nil:
		return time.Duration(ms * float64(time.Millisecond)), nil
	default:
		return 0, errors.New(name + " must be a duration string or a number of milliseconds")
	}
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
	case f.AnswerLatency < 0:
		return errors.New("answerLatency must not be negative")
	}
	for k, n := range f.DropNext {
		if n < 0 {
			return errors.New("dropNext[" + k + "] must not be negative")
		}
	}
	return nil
}
