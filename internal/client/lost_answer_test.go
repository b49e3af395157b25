package client

import (
	"context"
	"errors"
	"testing"
)

// A one-step enrollment whose answer is lost, for a device the user already had enrolled
// before the request (another workspace's factor): the look-up must not take that factor as
// this request's result; the create fails as it would have without the loss (issue 25, item 1).
func TestEnrollLostAnswerNeverAdoptsAFactorThatExistedBefore(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before []string // nil: the client lists the factors itself first
		method string
	}{
		{"sms, caller's snapshot", []string{"old"}, MethodSMS},
		{"email, caller's snapshot", []string{"old"}, MethodEmail},
		{"sms, no snapshot", nil, MethodSMS},
		{"email, no snapshot", nil, MethodEmail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeFactors(t)
			display := "user@example.com"
			req := EnrollRequest{Method: tc.method, SkipVerification: true, Before: tc.before}
			if tc.method == MethodSMS {
				req.CountryCode, req.MobileNumber, display = "+44", "7700900123", "+44XXXXXXX123"
			}
			fake.factors["old"] = &fakeFactor{id: "old", method: tc.method, display: display, status: FactorStatusEnrolled}
			fake.failFirst("enroll", "drop")
			c, _ := newTestClient(t, fake.handler())
			e, err := c.Enroll(context.Background(), "u1", req)
			if !errors.Is(err, ErrAlreadyEnrolled) {
				t.Fatalf("Enroll = %+v, %v; want the already-enrolled refusal", e, err)
			}
			if got := fake.count("enroll"); got != 2 {
				t.Errorf("POSTs = %d, want 2 (the look-up found nothing new, so the request was sent again)", got)
			}
		})
	}
}

// The look-up's outcomes: the factor the request made; nothing new; several candidates.
func TestSettleCandidates(t *testing.T) {
	req := EnrollRequest{Method: MethodSMS, CountryCode: "+44", MobileNumber: "7700900123"}
	sms := func(id, display string) candidate {
		return candidate{id: id, display: display, status: FactorStatusEnrolled, methods: []string{MethodSMS}}
	}
	for _, tc := range []struct {
		name   string
		before []string
		seen   []candidate
		want   Finding
		wantID string
	}{
		{"new factor", nil, []candidate{sms("new", "+44XXXXXXX123")}, FoundOwn, "new"},
		{"only one that existed before", []string{"old"}, []candidate{sms("old", "+44XXXXXXX123")}, FoundNothing, ""},
		{"another number", nil, []candidate{sms("x", "+44XXXXXXX999")}, FoundNothing, ""},
		{"another method", nil, []candidate{{id: "e", display: "+44XXXXXXX123", methods: []string{MethodEmail}}}, FoundNothing, ""},
		{"old and new", []string{"old"}, []candidate{sms("old", "+44XXXXXXX123"), sms("new", "+44XXXXXXX123")}, FoundOwn, "new"},
		{"two new", nil, []candidate{sms("a", "+44XXXXXXX123"), sms("b", "+44XXXXXXX123")}, FoundAmbiguous, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, found, detail := settleCandidates(req, tc.before, tc.seen)
			if found != tc.want || (e == nil) != (tc.wantID == "") || (e != nil && e.FactorID != tc.wantID) {
				t.Errorf("= %+v, %s (%s); want %s %q", e, found, detail, tc.want, tc.wantID)
			}
			if detail == "" {
				t.Error("no words for what was found")
			}
		})
	}
}

// A resend whose answer is lost is never sent again; the status read says what may have
// happened, and an enrolled factor matches ErrAlreadyEnrolled.
func TestResendLostAnswerSaysWhatWasChecked(t *testing.T) {
	for _, tc := range []struct {
		status   string
		enrolled bool
	}{{FactorStatusInitiated, false}, {FactorStatusEnrolled, true}} {
		t.Run(tc.status, func(t *testing.T) {
			fake := newFakeFactors(t)
			fake.factors["f1"] = &fakeFactor{id: "f1", method: MethodSMS, display: "+44XXXXXXX123", status: tc.status}
			fake.fault = func(kind string, n int) string {
				if kind == "activate" {
					return "drop"
				}
				return ""
			}
			c, _ := newTestClient(t, fake.handler())
			_, err := c.ResendOTP(context.Background(), "u1", "f1", "rs")
			var la *LostAnswerError
			if !errors.As(err, &la) || !IsAmbiguous(err) {
				t.Fatalf("err = %v, want a *LostAnswerError", err)
			}
			if la.Status != tc.status || errors.Is(err, ErrAlreadyEnrolled) != tc.enrolled {
				t.Errorf("status %q, already enrolled %t: %v", la.Status, errors.Is(err, ErrAlreadyEnrolled), err)
			}
			if fake.count("activate") != 1 || fake.count("get") != 1 {
				t.Errorf("PATCHes %d, status reads %d; want 1 and 1", fake.count("activate"), fake.count("get"))
			}
		})
	}
}

// An enrollment settled after a lost answer says how: found by the look-up (one-step), or
// sent again and answered (with a passcode); one answered at once says nothing.
func TestEnrollSaysHowALostAnswerWasSettled(t *testing.T) {
	for _, tc := range []struct {
		name       string
		skip       bool
		fault      string
		wantLost   bool
		wantResent bool
	}{
		{"answered", true, "", false, false},
		{"one-step, dropped: found", true, "drop", true, false},
		{"with passcode, dropped: sent again", false, "drop", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeFactors(t)
			fake.failFirst("enroll", tc.fault)
			c, _ := newTestClient(t, fake.handler())
			e, err := c.Enroll(context.Background(), "u1", EnrollRequest{Method: MethodEmail, SkipVerification: tc.skip, Before: []string{}})
			if err != nil {
				t.Fatal(err)
			}
			if (e.Lost != nil) != tc.wantLost {
				t.Fatalf("Lost = %+v, want lost %t", e.Lost, tc.wantLost)
			}
			if e.Lost != nil && (e.Lost.Found != FoundOwn || e.Lost.Resent != tc.wantResent || !IsAmbiguous(e.Lost.Err)) {
				t.Errorf("Lost = %+v", e.Lost)
			}
		})
	}
}
