package emulator

import (
	"errors"
	"net/http"
)

const (
	jsonContentType = "application/json;charset=UTF-8"
	scimContentType = "application/scim+json;charset=UTF-8"
)

// reply is a handler's successful answer.
type reply struct {
	status      int    // 0 means 200 OK
	body        any    // JSON-encoded; nil means no body (204)
	contentType string // "" means application/json
	location    string // Location header of a created resource
}

// handler computes an answer instead of writing it. Its error is an *apiError (written as
// an /mfa/v1 error), a *scimError (SCIM error) or any other error (an /emulator/v1 error,
// see writeEmuError).
type handler func(r *http.Request) (reply, error)

// serve adapts a handler to net/http. It is the only place where handlers' answers and
// errors are written, so every path answers in its API's format.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep, err := h(r)
		if err != nil {
			s.writeError(w, err)
			return
		}
		rep.write(w)
	}
}

func (s *Server) writeError(w http.ResponseWriter, err error) {
	var api *apiError
	var sc *scimError
	switch {
	case errors.As(err, &api):
		s.writeMFAError(w, api)
	case errors.As(err, &sc):
		sc.write(w)
	default:
		writeEmuError(w, err)
	}
}

func (rep reply) write(w http.ResponseWriter) {
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	if rep.location != "" {
		w.Header().Set("Location", rep.location)
	}
	if rep.body == nil {
		w.WriteHeader(status)
		return
	}
	ct := rep.contentType
	if ct == "" {
		ct = jsonContentType
	}
	writeBody(w, status, ct, rep.body)
}

// ok answers 200 with body.
func ok(body any) (reply, error) { return reply{body: body}, nil }

// answer answers 200 with body unless e is set. It takes the *apiError itself, so that a
// nil one never becomes a non-nil error interface.
func answer(body any, e *apiError) (reply, error) {
	if e != nil {
		return reply{}, e
	}
	return ok(body)
}

// success is the body of an /mfa/v1 call that has nothing else to say.
func success() map[string]any { return map[string]any{"status": "success"} }

func noContent() (reply, error) { return reply{status: http.StatusNoContent}, nil }
