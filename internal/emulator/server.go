package emulator

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /oauth2/v1/token", s.handleToken)

	mfa := func(pattern string, h handler) { m.HandleFunc(pattern, s.serve(s.withBearer(h))) }
	mfa("GET /mfa/v1/users/{id}/factors", s.handleListFactors)
	mfa("GET /mfa/v1/users", s.handleFindUser)
	mfa("POST /mfa/v1/users/{id}/factors", s.handleEnroll)
	mfa("GET /mfa/v1/users/{id}/factors/{factorId}", s.handleGetFactor)
	mfa("PATCH /mfa/v1/users/{id}/factors/{factorId}", s.handlePatchFactor)
	mfa("DELETE /mfa/v1/users/{id}/factors/{factorId}", s.handleDeleteFactor)
	mfa("PATCH /mfa/v1/users/{id}", s.handlePatchUser)
	mfa("POST /mfa/v1/requests", s.handleInitiateVerification)
	mfa("PATCH /mfa/v1/requests/{requestId}", s.handleCompleteVerification)
	mfa("GET /mfa/v1/requests/{requestId}", s.handleGetVerification)
	// Anything else under /mfa/v1 (E8 OPTIONS, or a method a path does not have): the token
	// is checked first, then the answer is the distinct "not emulated" 501.
	m.HandleFunc("/mfa/v1/", s.serve(s.withBearerOnly(errMFANotEmulated)))

	scim := func(pattern string, h handler) { m.HandleFunc(pattern, s.serve(s.withSCIMAuth(h))) }
	scim("GET /admin/v1/Users", s.handleSCIMList)
	scim("POST /admin/v1/Users", s.handleSCIMCreate)
	scim("GET /admin/v1/Users/{id}", s.handleSCIMGet)
	scim("DELETE /admin/v1/Users/{id}", s.handleSCIMDelete)
	scim("POST /admin/v1/Users/.search", s.handleSCIMSearch)
	scim("GET /admin/v1/Devices/{id}", s.handleSCIMGetDevice)
	// The Users collection exists: other methods on it are 405, once the token is checked.
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		m.HandleFunc(method+" /admin/v1/Users", s.serve(s.withSCIMTokenOnly(func(r *http.Request) (reply, error) {
			return reply{}, errSCIMMethodNotAllowed(r.Method, "GET, POST")
		})))
	}
	// Self-service (reference §6): a user's token, the user is "me".
	my := func(pattern string, h myHandler) { m.HandleFunc(pattern, s.serve(s.withUserToken(h))) }
	my("GET /admin/v1/Me", s.handleGetMe)
	my("PATCH /admin/v1/Me", s.handlePatchMe)
	// Oracle's security-questions sample sends PATCH /admin/v1/Me/ (a trailing slash).
	my("GET /admin/v1/Me/{$}", s.handleGetMe)
	my("PATCH /admin/v1/Me/{$}", s.handlePatchMe)
	my("POST /admin/v1/MyAuthenticationFactorEnroller", s.handleMyEnroller)
	my("POST /admin/v1/MyAuthenticationFactorInitiator", s.handleMyInitiator)
	my("POST /admin/v1/MyAuthenticationFactorValidator", s.handleMyValidator)
	my("POST /admin/v1/MyAuthenticationFactorsRemover", s.handleMyRemover)
	my("GET /admin/v1/MyDevices", s.handleListMyDevices)
	my("GET /admin/v1/MyDevices/{id}", s.handleGetMyDevice)
	my("PATCH /admin/v1/MyDevices/{id}", s.handlePatchMyDevice)
	my("DELETE /admin/v1/MyDevices/{id}", s.handleDeleteMyDevice)
	my("POST /admin/v1/MyBypassCodes", s.handleCreateMyBypassCode)
	my("GET /admin/v1/MyBypassCodes", s.handleListMyBypassCodes)
	my("POST /admin/v1/MyBypassCodes/.search", s.handleListMyBypassCodes)
	my("GET /admin/v1/MyBypassCodes/{id}", s.handleMyBypassCode)
	my("DELETE /admin/v1/MyBypassCodes/{id}", s.handleMyBypassCode)
	// The domain's settings: application tokens of the roles that read them; the security
	// questions and their settings also with a user's token (see withSettingsAuth).
	settings := func(pattern string, usersMayRead bool, h handler) {
		m.HandleFunc(pattern, s.serve(s.withSettingsAuth(usersMayRead, h)))
	}
	settings("GET "+authnSettingsPath, false, s.handleAuthnSettingsList)
	settings("POST "+authnSettingsPath+"/.search", false, s.handleAuthnSettingsSearch)
	settings("GET "+authnSettingsPath+"/{id}", false, s.handleAuthnSettingsGet)
	settings("GET "+securityQuestionsPath, true, s.handleSecurityQuestionsList)
	settings("GET "+securityQuestionsPath+"/{id}", true, s.handleSecurityQuestionGet)
	settings("GET "+secQSettingsPath, true, s.handleSecQSettingsList)
	settings("GET "+secQSettingsPath+"/{id}", true, s.handleSecQSettingsGet)
	// Every other /admin/v1 (and /sso/v1) endpoint is Oracle's but not emulated: token first,
	// then 501 (see errSCIMNotEmulated), never a 404 a client could take for "not found".
	notEmulated := s.serve(s.withSCIMTokenOnly(func(r *http.Request) (reply, error) {
		return reply{}, errSCIMNotEmulated(r.Method, r.URL.Path)
	}))
	m.HandleFunc("/admin/v1/", notEmulated)
	m.HandleFunc("/sso/v1/", notEmulated)
	m.HandleFunc("/oauth2/v1/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/v1/token" {
			w.Header().Set("Allow", http.MethodPost)
			writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint takes POST only.")
			return
		}
		w.Header().Set(notEmulatedHeader, "true")
		writeOAuthError(w, http.StatusNotImplemented, "not_emulated", "idcs-emulator does not emulate "+r.Method+" "+truncate(r.URL.Path, 200)+"; it serves POST /oauth2/v1/token only (see EMULATOR.md).")
	})

	emu := func(pattern string, h handler) { m.HandleFunc(pattern, s.serve(h)) }
	emu("GET /emulator/v1/messages", s.handleEmuMessages)
	emu("GET /emulator/v1/users/{id}/factors", s.handleEmuFactors)
	emu("POST /emulator/v1/users/{id}/factors/{factorId}/complete", s.handleEmuComplete)
	emu("DELETE /emulator/v1/users/{id}/factors/{factorId}", s.handleEmuRemove)
	emu("GET /emulator/v1/users/{id}/factors/{factorId}/otp", s.handleEmuOTP)
	emu("POST /emulator/v1/users/{id}/bypasscodes", s.handleEmuBypassCode)
	emu("POST /emulator/v1/users/{id}/unlock", s.handleEmuUnlock)
	emu("POST /emulator/v1/requests/{requestId}/approve", s.handleEmuApprove)
	emu("POST /emulator/v1/requests/{requestId}/reject", s.handleEmuReject)
	emu("GET /emulator/v1/trusted-certs", s.handleEmuTrustedCerts)
	emu("POST /emulator/v1/trusted-certs", s.handleEmuAddTrustedCerts)
	emu("PUT /emulator/v1/trusted-certs", s.handleEmuSetTrustedCerts)
	emu("DELETE /emulator/v1/trusted-certs", s.handleEmuClearTrustedCerts)
	emu("GET /emulator/v1/stats", s.handleEmuStats)
	emu("POST /emulator/v1/stats/reset", s.handleEmuStatsReset)
	emu("POST /emulator/v1/rate-limits/reset", s.handleEmuRateLimitsReset)
	emu("GET /emulator/v1/faults", s.handleEmuGetFaults)
	emu("PUT /emulator/v1/faults", s.handleEmuPutFaults)
	emu("GET /emulator/v1/clock", s.handleEmuClock)
	emu("POST /emulator/v1/clock", s.handleEmuAdvanceClock)
	s.mux = m
}

type apiKind int

const (
	kindOther apiKind = iota
	kindToken
	kindMFA
	kindSCIM
	kindEmulator
)

func classify(path string) apiKind {
	switch {
	case path == "/oauth2/v1/token":
		return kindToken
	case strings.HasPrefix(path, "/mfa/v1/"), path == "/mfa/v1":
		return kindMFA
	case strings.HasPrefix(path, "/admin/v1/"):
		return kindSCIM
	case strings.HasPrefix(path, "/emulator/v1/"):
		return kindEmulator
	}
	return kindOther
}

// ServeHTTP counts the request, injects the configured faults and dispatches it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	kind := classify(r.URL.Path)
	defer func() {
		if s.cfg.Logger != nil {
			// Path only: query values (filters, user names) and bodies stay out of the log,
			// and the path never carries a secret.
			s.cfg.Logger.Info("request", "method", r.Method, "path", r.URL.Path,
				"status", sw.statusOrDropped(), "duration", time.Since(start).Round(time.Microsecond).String())
		}
	}()
	if kind == kindEmulator || kind == kindOther {
		s.mux.ServeHTTP(sw, r)
		return
	}
	_, pattern := s.mux.Handler(r)
	key := statsKey(r, pattern)
	s.countRequest(key, kind == kindToken)

	f := s.currentFaults()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if wait, ok := s.admit(r, f); !ok {
		s.countFault(func(c *FaultCounts) { c.RateLimited++ })
		sw.Header().Set("Retry-After", wait)
		s.writeKindError(sw, kind, errTooManyRequests())
		return
	}
	if kind == kindMFA || kind == kindSCIM {
		if f.ErrorRate > 0 && s.rng.float64() < f.ErrorRate {
			s.countFault(func(c *FaultCounts) { c.Errors++ })
			s.writeKindError(sw, kind, errUnexpected())
			return
		}
		if (f.DropRate > 0 && s.rng.float64() < f.DropRate) || s.takeDrop(key, r.Method+" "+r.URL.Path) {
			s.countFault(func(c *FaultCounts) { c.Dropped++ })
			// The work is done for real; only its answer is lost, as when a proxy or the
			// network fails after the service committed.
			s.mux.ServeHTTP(&discardWriter{header: http.Header{}}, r.WithContext(context.WithoutCancel(r.Context())))
			sw.dropped = true
			dropConnection(w)
			return
		}
		if f.AnswerLatency > 0 {
			s.answerLate(sw, r, f.AnswerLatency)
			return
		}
	}
	s.mux.ServeHTTP(sw, r)
}

// answerLate does the work of r whatever the client does meanwhile, then waits d and writes
// the answer (Faults.AnswerLatency); if the client hung up, the answer is lost, not the work.
func (s *Server) answerLate(w http.ResponseWriter, r *http.Request, d time.Duration) {
	buf := &discardWriter{header: http.Header{}}
	s.mux.ServeHTTP(buf, r.WithContext(context.WithoutCancel(r.Context())))
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-r.Context().Done():
		t.Stop()
		return
	}
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.WriteHeader(buf.statusOr200())
	_, _ = w.Write(buf.buf.Bytes())
}

func (s *Server) writeKindError(w http.ResponseWriter, kind apiKind, e *apiError) {
	switch kind {
	case kindSCIM:
		errSCIMFault(e).write(w)
	case kindToken:
		writeOAuthError(w, e.Status, "temporarily_unavailable", e.Message)
	default:
		s.writeMFAError(w, e)
	}
}

// dropConnection closes the client's connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // reset rather than an orderly close, like a broken proxy
			}
			_ = conn.Close()
			return
		}
	}
	// Not an HTTP/1 connection: abort the handler, which net/http turns into a reset stream.
	panic(http.ErrAbortHandler)
}

// statsKey templates the request into its route, e.g. "POST /mfa/v1/users/{id}/factors".
func statsKey(r *http.Request, pattern string) string {
	if pattern == "" || !strings.Contains(pattern, " ") {
		return r.Method + " " + pattern
	}
	return pattern
}

type statusWriter struct {
	http.ResponseWriter
	status  int
	dropped bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) statusOrDropped() string {
	if w.dropped {
		return "dropped"
	}
	if w.status == 0 {
		return "200"
	}
	return strconv.Itoa(w.status)
}

// discardWriter collects the answer of a request whose connection will be dropped.
// It also holds a late answer (Faults.AnswerLatency) until it is written.
type discardWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (d *discardWriter) Header() http.Header { return d.header }
func (d *discardWriter) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}
func (d *discardWriter) Write(b []byte) (int, error) { return d.buf.Write(b) }

func (d *discardWriter) statusOr200() int {
	if d.status == 0 {
		return http.StatusOK
	}
	return d.status
}
