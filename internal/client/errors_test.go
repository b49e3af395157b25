package client

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseErrorFormats(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		header  string
		want    APIError
		wantIs  []error
		wantNot []error
	}{
		{
			name:   "mfa ecId spelling",
			status: 404,
			body:   `{"status":"failed","ecId":"0d1QwglU0000Fy","cause":[{"code":"AUTH-3018","message":"User not found."}],"requestState":"SECRET-STATE-123"}`,
			want:   APIError{StatusCode: 404, Code: "AUTH-3018", Message: "User not found.", ECID: "0d1QwglU0000Fy"},
			wantIs: []error{ErrNotFound, ErrUserNotFound}, wantNot: []error{ErrUnauthorized, ErrInvalidPasscode},
		},
		{
			name:   "mfa ecid spelling, header ecid overridden by body",
			status: 401, header: "from-header",
			body:   `{"status":"failed","ecid":"abc-lower","cause":[{"code":"AUTH-1105","message":"Invalid passcode."}]}`,
			want:   APIError{StatusCode: 401, Code: "AUTH-1105", Message: "Invalid passcode.", ECID: "abc-lower"},
			wantIs: []error{ErrInvalidPasscode}, wantNot: []error{ErrUnauthorized, ErrNotFound},
		},
		{
			name:   "mfa several causes",
			status: 400,
			body:   `{"status":"failed","cause":[{"code":"AUTH-1030","message":"Phone number invalid."},{"code":"AUTH-1001","message":"Missing."}]}`,
			want:   APIError{StatusCode: 400, Code: "AUTH-1030", Message: "Phone number invalid.; Missing."},
		},
		{
			name:   "mfa token expired",
			status: 401,
			body:   `{"status":"failed","ecId":"e1","cause":[{"code":"AUTH-1110","message":"Authentication token expired."}]}`,
			want:   APIError{StatusCode: 401, Code: "AUTH-1110", Message: "Authentication token expired.", ECID: "e1"},
			wantIs: []error{ErrUnauthorized},
		},
		{
			name:   "scim, ecid from header",
			status: 401, header: "hdr-ecid",
			body:   `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Invalid passcode.","status":"401","urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error":{"messageId":"error.ssocommon.auth.invalidPasscode"}}`,
			want:   APIError{StatusCode: 401, Code: "error.ssocommon.auth.invalidPasscode", Message: "Invalid passcode.", ECID: "hdr-ecid"},
			wantIs: []error{ErrInvalidPasscode},
		},
		{
			name:   "scim status as a number",
			status: 403,
			body:   `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Forbidden.","status":403}`,
			want:   APIError{StatusCode: 403, Message: "Forbidden."},
			wantIs: []error{ErrForbidden},
		},
		{
			name:   "oauth",
			status: 401,
			body:   `{"error":"invalid_client","error_description":"Client authentication failed."}`,
			want:   APIError{StatusCode: 401, Code: "invalid_client", Message: "Client authentication failed."},
			wantIs: []error{ErrUnauthorized},
		},
		{
			name:   "not json",
			status: 502,
			body:   `<html><body>Bad gateway, token=abc</body></html>`,
			want:   APIError{StatusCode: 502, Message: "Bad Gateway (the answer is not JSON)"},
		},
		{
			name:   "empty body, odd status",
			status: 599,
			want:   APIError{StatusCode: 599, Message: "status 599 (the answer is not JSON)"},
		},
		{
			name:   "json but unknown shape",
			status: 429,
			body:   `{"message":"slow down"}`,
			want:   APIError{StatusCode: 429, Message: "Too Many Requests"},
			wantIs: []error{ErrRateLimited},
		},
		{
			name:   "wrong types do not break parsing",
			status: 400,
			body:   `{"status":"failed","ecId":17,"cause":[{"code":5,"message":["x"]},"junk"]}`,
			want:   APIError{StatusCode: 400, Message: "Bad Request"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.header != "" {
				h.Set("X-Oracle-Dms-Ecid", tt.header)
			}
			got := parseError(tt.status, h, []byte(tt.body))
			if got.StatusCode != tt.want.StatusCode || got.Code != tt.want.Code || got.Message != tt.want.Message || got.ECID != tt.want.ECID {
				t.Errorf("got %+v\nwant %+v", *got, tt.want)
			}
			for _, s := range tt.wantIs {
				if !errors.Is(got, s) {
					t.Errorf("errors.Is(%v) = false", s)
				}
			}
			for _, s := range tt.wantNot {
				if errors.Is(got, s) {
					t.Errorf("errors.Is(%v) = true", s)
				}
			}
			msg := got.Error()
			for _, secret := range []string{"SECRET-STATE-123", "token=abc", "<html>"} {
				if strings.Contains(msg, secret) {
					t.Errorf("Error() %q contains %q", msg, secret)
				}
			}
		})
	}
}

func TestErrorsIsMapping(t *testing.T) {
	sentinels := []error{ErrNotFound, ErrUserNotFound, ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrInvalidPasscode,
		ErrRequestState, ErrAlreadyEnrolled, ErrFactorDisabled, ErrUserLocked, ErrTooManyAttempts, ErrTokenRefused}
	cases := []struct {
		status int
		code   string
		msg    string
		want   []error
	}{
		{404, "AUTH-3018", "User not found.", []error{ErrNotFound, ErrUserNotFound}},
		{404, "AUTH-1014", "Device with ID x not found", []error{ErrNotFound}},
		{404, "", "", []error{ErrNotFound}},
		{401, "AUTH-1110", "expired", []error{ErrUnauthorized}},
		{401, "AUTH-1034", "You are not authorized to perform this action.", []error{ErrForbidden}},
		{403, "", "", []error{ErrForbidden}},
		{429, "AUTH-429", "Too many requests", []error{ErrRateLimited}},
		{401, "AUTH-1105", "Invalid passcode.", []error{ErrInvalidPasscode}},
		{401, "AUTH-1117", "", []error{ErrRequestState}},
		{401, "AUTH-1120", "", []error{ErrRequestState}},
		{400, "AUTH-1031", "Phone number already enrolled", []error{ErrAlreadyEnrolled}},
		{400, "AUTH-1003", "Enrollment failed because the factor is already enrolled.", []error{ErrAlreadyEnrolled}},
		{400, "AUTH-1003", "Enrollment failed because of something else.", nil},
		{400, "AUTH-1111", "Factor is already enrolled.", []error{ErrAlreadyEnrolled}},
		{400, "AUTH-1111", "Invalid value [EMAILS] for attribute", nil},
		{401, "AUTH-1002", "", []error{ErrFactorDisabled}},
		{401, "AUTH-1011", "", []error{ErrFactorDisabled}},
		{401, "AUTH-1100", "", []error{ErrFactorDisabled}},
		{401, "AUTH-1104", "", []error{ErrFactorDisabled}},
		{401, "AUTH-1125", "The EMAIL factor has been disabled.", []error{ErrFactorDisabled}},
		// Self-service: the domain does not let users enroll the factor themselves.
		{401, "error.ssocommon.auth.factorNotEnabledForUserEnrollment", "", []error{ErrFactorDisabled}},
		{401, "AUTH-1010", "", []error{ErrUserLocked}},
		{401, "AUTH-3002", "", []error{ErrUserLocked}},
		{401, "AUTH-1027", "", []error{ErrTooManyAttempts}},
		{401, "AUTH-1028", "", []error{ErrTooManyAttempts}},
		{500, "AUTH-1112", "Unexpected error", nil},
	}
	for _, c := range cases {
		e := &APIError{StatusCode: c.status, Code: c.code, Message: c.msg}
		for _, s := range sentinels {
			want := false
			for _, w := range c.want {
				want = want || w == s
			}
			if got := errors.Is(e, s); got != want {
				t.Errorf("%d %s %q: errors.Is(%v) = %v, want %v", c.status, c.code, c.msg, s, got, want)
			}
		}
	}
}

func TestAmbiguity(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&APIError{StatusCode: 500}, true},
		{&APIError{StatusCode: 503}, true},
		{&APIError{StatusCode: 408}, true},
		{&APIError{StatusCode: 429}, false},
		{&APIError{StatusCode: 400}, false},
		{&APIError{StatusCode: 503, kind: kindTokenFailed}, false},
		{&NoAnswerError{Operation: "POST /x", Err: errors.New("EOF")}, true},
		{errors.New("other"), false},
	} {
		if got := isAmbiguous(tc.err); got != tc.want {
			t.Errorf("isAmbiguous(%v) = %v", tc.err, got)
		}
	}
}

func TestErrorTextIsBoundedAndPrintable(t *testing.T) {
	long := strings.Repeat("é", 5000)
	body, _ := json.Marshal(map[string]any{"status": "failed", "cause": []any{map[string]any{"code": "AUTH-1\x1b[31m", "message": long + "\n\x00"}}})
	e := parseError(400, nil, body)
	if n := utf8.RuneCountInString(e.Message); n > maxMessageLen+1 {
		t.Errorf("message has %d runes", n)
	}
	if strings.ContainsAny(e.Error(), "\x1b\x00\n") {
		t.Errorf("control characters in %q", e.Error()[:40])
	}
}

// FuzzParseError: any answer body gives an *APIError with the status, a non-empty message,
// and printable, bounded text; nothing panics.
func FuzzParseError(f *testing.F) {
	for _, r := range loadExamples(f) {
		for _, ex := range r.Examples {
			f.Add(ex.Code, []byte(ex.ResponseBody))
		}
	}
	f.Add(401, []byte(`{"status":"failed","ecid":"x","cause":[{"code":"AUTH-1105","message":"Invalid passcode."}]}`))
	f.Add(401, []byte(`{"error":"invalid_client","error_description":"bad"}`))
	f.Add(500, []byte(`{"cause":null}`))
	f.Add(400, []byte(`{"urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error":[]}`))
	f.Add(418, []byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := parseError(status, http.Header{"X-Oracle-Dms-Ecid": {string(body)}}, body)
		if e.StatusCode != status {
			t.Fatalf("status %d became %d", status, e.StatusCode)
		}
		msg := e.Error()
		if e.Message == "" || !utf8.ValidString(msg) {
			t.Fatalf("bad message %q", msg)
		}
		if len(msg) > 4*(maxMessageLen+120+80+64+100) {
			t.Fatalf("message too long: %d", len(msg))
		}
		for _, r := range msg {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character in %q", msg)
			}
		}
		for _, s := range []error{ErrNotFound, ErrUnauthorized, ErrAlreadyEnrolled} {
			_ = errors.Is(e, s)
		}
	})
}

// FuzzParseUserFactors: any E1/E2 answer is either decoded or refused with an error; the
// client never panics on it.
func FuzzParseUserFactors(f *testing.F) {
	for _, r := range mfaExamples(f) {
		for _, ex := range r.Examples {
			f.Add([]byte(ex.ResponseBody))
		}
	}
	f.Add([]byte(`{"factors":[{"factorId":1}]}`))
	f.Add([]byte(`{"status":"failed"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		uf, err := decodeAnswer[UserFactors](200, nil, body, "/mfa/v1/users/u/factors")
		if err == nil && uf == nil {
			t.Fatal("no value and no error")
		}
		if err != nil && strings.Contains(err.Error(), string(body)) && len(body) > 40 {
			t.Fatalf("error quotes the body: %v", err)
		}
	})
}

// TestErrorTextStatesFactsOnly: the texts hold the operation, status, code, message and
// ecId, and nothing else; what to do about an error is the provider's to say.
func TestErrorTextStatesFactsOnly(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&APIError{StatusCode: 401, Code: "AUTH-1105", Message: "Invalid passcode.", ECID: "0d1Q", Operation: "PATCH /mfa/v1/users/u1/factors/f1"},
			"PATCH /mfa/v1/users/u1/factors/f1: HTTP 401 AUTH-1105: Invalid passcode. (ecId 0d1Q)"},
		{&APIError{StatusCode: 401, Code: "invalid_client", Message: "Client authentication failed.", Operation: tokenOperation, kind: kindTokenRefused},
			"POST /oauth2/v1/token: HTTP 401 invalid_client: Client authentication failed."},
		{&APIError{StatusCode: 503, Message: "Service Unavailable", Operation: tokenOperation, kind: kindTokenFailed},
			"POST /oauth2/v1/token: HTTP 503: Service Unavailable"},
		{&APIError{StatusCode: 404}, "HTTP 404"},
		{&NoAnswerError{Operation: "POST /mfa/v1/requests", Err: errors.New("EOF")},
			"POST /mfa/v1/requests: the request was sent and no complete answer came back, so it may have been carried out: EOF"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q\nwant      %q", got, tc.want)
		}
	}
}

func TestTokenRequestSentinel(t *testing.T) {
	refused := &APIError{StatusCode: 401, Operation: tokenOperation, kind: kindTokenRefused}
	failed := &APIError{StatusCode: 503, Operation: tokenOperation, kind: kindTokenFailed}
	api := &APIError{StatusCode: 401, Code: "AUTH-1110", Operation: "GET /mfa/v1/users/u/factors"}
	if !errors.Is(refused, ErrTokenRequest) || !errors.Is(refused, ErrTokenRefused) {
		t.Error("a refusal must match ErrTokenRequest and ErrTokenRefused")
	}
	if !errors.Is(failed, ErrTokenRequest) || errors.Is(failed, ErrTokenRefused) {
		t.Error("a failed token request must match ErrTokenRequest only")
	}
	if errors.Is(api, ErrTokenRequest) {
		t.Error("an API answer must not match ErrTokenRequest")
	}
}
