package client

import (
	"fmt"
	"slices"
	"strings"
)

// The client is the one owner of calls whose answer is lost (IsAmbiguous: the connection
// dropped after the request was sent, a 5xx, a timeout): Enroll, ActivateFactor and ResendOTP
// look up what the request did before they return, and say what they checked and found
// (Enrollment.Lost when the look-up settled it, *LostAnswerError when it did not). Callers
// render that; they never look again.

// Finding is what the look-up after a lost answer found.
type Finding string

const (
	// FoundOwn: the factor this request made, or the state it left (ENROLLED after a passcode).
	FoundOwn Finding = "own"
	// FoundNothing: nothing this request can have made; it was not carried out.
	FoundNothing Finding = "nothing"
	// FoundAmbiguous: several factors could be this request's, or the look-up failed, or what
	// was seen does not tell (a resend's passcode may or may not have gone out).
	FoundAmbiguous Finding = "ambiguous"
)

// LostAnswer says what a call whose answer was lost checked and found.
type LostAnswer struct {
	// Err is the failure that lost the answer (it matches IsAmbiguous).
	Err error
	// Checked says what was read afterwards, in words ("the user's enrolled factors").
	Checked string
	Found   Finding
	// Detail says what was found, in words.
	Detail string
	// LookErr is the look-up's own failure, when it failed (for a hint about roles).
	LookErr error
	// Status is the factor's status the look-up read ("" when none was read).
	Status string
	// Resent: after the look-up, the request was sent again, and that one was answered.
	Resent bool
}

// LostAnswerError is a call whose answer was lost and whose look-up did not find it done.
// It unwraps to the failure that lost the answer, so IsAmbiguous still holds; a look-up that
// showed the factor ENROLLED matches ErrAlreadyEnrolled too (a resend).
type LostAnswerError struct{ LostAnswer }

func (e *LostAnswerError) Error() string {
	return fmt.Sprintf("%v; then checked %s: %s", e.Err, e.Checked, e.Detail)
}

func (e *LostAnswerError) Unwrap() []error {
	if e.Status == FactorStatusEnrolled && e.Found != FoundOwn {
		return []error{e.Err, ErrAlreadyEnrolled}
	}
	return []error{e.Err}
}

// Identifies reports whether a factor the service shows with this display name can be the
// device this request enrolls: any e-mail factor (a user has one), an SMS or voice factor
// whose masked number can be the request's number. Other methods cannot be recognised.
func (r EnrollRequest) Identifies(displayName string) bool {
	switch r.Method {
	case MethodEmail:
		return true
	case MethodSMS, MethodPhoneCall:
		return MaskedNumberMatches(displayName, r.CountryCode, r.MobileNumber)
	}
	return false
}

// recognisable reports whether a factor this request makes can be told apart in the user's
// factors after a lost answer.
func (r EnrollRequest) recognisable() bool {
	return r.Method == MethodSMS || r.Method == MethodEmail || r.Method == MethodPhoneCall
}

// candidate is a factor a lost enrollment may have made.
type candidate struct {
	id, display, status string
	methods             []string
}

// settleCandidates picks this request's factor among what a look-up saw: those that
// identify the request's device, are not among the factors that existed before the request,
// and have the wanted status.
func settleCandidates(req EnrollRequest, before []string, seen []candidate) (*Enrollment, Finding, string) {
	var found []candidate
	old := 0
	for _, c := range seen {
		if !hasMethod(c.methods, req.Method) || !req.Identifies(c.display) {
			continue
		}
		if slices.Contains(before, c.id) {
			old++
			continue
		}
		found = append(found, c)
	}
	switch len(found) {
	case 0:
		if old > 0 {
			return nil, FoundNothing, fmt.Sprintf("no factor this request made: the %s factor it shows existed before the request", req.Method)
		}
		return nil, FoundNothing, "no such factor was found"
	case 1:
		f := found[0]
		return &Enrollment{FactorID: f.id, FactorStatus: f.status, Methods: f.methods, DisplayName: f.display}, FoundOwn,
			fmt.Sprintf("factor %s (%s), which did not exist before the request", f.id, f.status)
	}
	ids := make([]string, 0, len(found))
	for _, f := range found {
		ids = append(ids, f.id)
	}
	return nil, FoundAmbiguous, fmt.Sprintf("%d factors could be this one (%s), so none is taken as its result",
		len(found), strings.Join(ids, ", "))
}

func orNone(s string) string {
	if s == "" {
		return "no status"
	}
	return s
}
