package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	scimErrorExtension = "urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error"
	maxMessageLen      = 400
)

// parseError turns a failed answer of any of the three formats (/mfa/v1, SCIM, OAuth) into an
// *APIError. It never fails: a body it cannot read gives a short message with the status.
// The body itself is never copied into the error, only the fields meant for humans.
func parseError(status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	if header != nil {
		e.ECID = cleanText(header.Get("X-Oracle-Dms-Ecid"), 64)
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil || raw == nil {
		e.Message = statusText(status) + " (the answer is not JSON)"
		return e
	}
	str := func(key string) string {
		var s string
		if v, ok := raw[key]; ok && json.Unmarshal(v, &s) == nil {
			return s
		}
		return ""
	}
	switch {
	case raw["cause"] != nil || raw["ecId"] != nil || raw["ecid"] != nil || str("status") == "failed":
		// /mfa/v1: {"status":"failed","ecId"|"ecid":…,"cause":[{"code","message"}]}
		if id := firstNonEmpty(str("ecId"), str("ecid")); id != "" {
			e.ECID = cleanText(id, 64)
		}
		var causes []struct {
			Code    any `json:"code"`
			Message any `json:"message"`
		}
		_ = json.Unmarshal(raw["cause"], &causes)
		var msgs []string
		for _, c := range causes {
			code, _ := c.Code.(string)
			msg, _ := c.Message.(string)
			if e.Code == "" && code != "" {
				e.Code = cleanText(code, 80)
			}
			if msg != "" {
				msgs = append(msgs, msg)
			}
		}
		e.Message = cleanText(strings.Join(msgs, "; "), maxMessageLen)
	case raw["detail"] != nil || raw["schemas"] != nil || raw[scimErrorExtension] != nil:
		// SCIM: {"detail","status":"401",<ext>:{"messageId"}}
		e.Message = cleanText(str("detail"), maxMessageLen)
		var ext struct {
			MessageID any `json:"messageId"`
		}
		if v, ok := raw[scimErrorExtension]; ok && json.Unmarshal(v, &ext) == nil {
			if id, ok := ext.MessageID.(string); ok {
				e.Code = cleanText(id, 120)
			}
		}
	case raw["error"] != nil:
		// OAuth: {"error":"invalid_client","error_description":…}
		e.Code = cleanText(str("error"), 80)
		e.Message = cleanText(str("error_description"), maxMessageLen)
	}
	if e.Message == "" {
		e.Message = statusText(status)
	}
	return e
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return fmt.Sprintf("status %d", status)
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// cleanText keeps error text printable and short: a hostile or broken server must not be able
// to fill a terminal with control characters or megabytes.
func cleanText(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return s
}

// scrub removes values the client sent as secrets from a text the server wrote, in case the
// server echoes them (a requestState or passcode must never reach a diagnostic).
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 3 && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Redacted)
		}
	}
	return s
}

func (e *APIError) scrub(secrets []string) *APIError {
	e.Message = scrub(e.Message, secrets)
	e.Code = scrub(e.Code, secrets)
	return e
}

// mfaFailed reports whether a 2xx /mfa/v1 body still says "failed".
func mfaFailed(body []byte) bool {
	var s struct {
		Status any `json:"status"`
	}
	if json.Unmarshal(body, &s) != nil {
		return false
	}
	st, _ := s.Status.(string)
	return strings.EqualFold(st, "failed")
}
