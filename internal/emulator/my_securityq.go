package emulator

import (
	"net/http"
	"sort"
)

// meSecQuestionsPath is the PatchOp path that sets the caller's security questions (reference
// §6.3, PM-REST "Enroll in Security Questions").
const meSecQuestionsPath = "urn:ietf:params:scim:schemas:oracle:idcs:extension:securityQuestions:User:secQuestions"

// meSecQuestion is one value of that path: the question's id is "value".
type meSecQuestion struct {
	Value    string `json:"value"`
	Answer   string `json:"answer"`
	HintText string `json:"hintText"`
}

// setMySecurityQuestionsLocked is PATCH /admin/v1/Me secQuestions: the caller's questions and
// answers, with the rules of E5 (three questions from the catalogue, answers of 4 to 255
// characters, no answer twice). The SecurityQuestions factor is enrolled at once, as E5 enrolls
// it; the validator then confirms the answers. A refused request leaves no factor behind.
func (s *Server) setMySecurityQuestionsLocked(u *userState, qs []meSecQuestion) *scimError {
	if u.Locked {
		return mySCIMError(errLocked())
	}
	if !s.enabled[MethodSecurityQuestions] {
		return mySCIMError(errFactorDisabled(MethodSecurityQuestions))
	}
	f, created := u.factors[SecurityQuestionsFactorID], false
	if f == nil {
		if _, e := s.enrollSecurityQuestionsLocked(u); e != nil {
			return mySCIMError(e)
		}
		f, created = u.factors[SecurityQuestionsFactorID], true
	}
	items := make([]securityQuestionItem, 0, len(qs))
	for _, q := range qs {
		items = append(items, securityQuestionItem{ID: q.Value, Answer: q.Answer, HintText: q.HintText})
	}
	if e := s.setSecurityQuestionsLocked(u, f, items); e != nil {
		if created {
			s.deleteFactorLocked(u, f.ID)
		}
		return mySCIMError(e)
	}
	return nil
}

// myValidateSecurityQuestionsLocked is MyAuthenticationFactorValidator with authFactor
// SECURITY_QUESTIONS: every question set up must be answered, and right (a wrong answer is 401
// and counts towards the lockout).
func (s *Server) myValidateSecurityQuestionsLocked(r *http.Request, u *userState, items []securityQuestionItem) (reply, error) {
	if u.Locked {
		return reply{}, mySCIMError(errLocked())
	}
	f := u.factors[SecurityQuestionsFactorID]
	if f == nil || f.Status != StatusEnrolled {
		return reply{}, mySCIMError(&apiError{http.StatusBadRequest, "AUTH-1015", "User has not selected any security questions."})
	}
	asked := make([]string, 0, len(u.answers))
	for id := range u.answers {
		asked = append(asked, id)
	}
	sort.Strings(asked)
	if e := s.checkAnswersLocked(u, asked, items); e != nil {
		return reply{}, mySCIMError(e)
	}
	u.failedAttempts = 0
	body := s.myValidatorSummaryLocked(r, u, MethodSecurityQuestions)
	body["userName"] = u.UserName
	return scimOK(http.StatusCreated, body)
}

// scimSecQuestionsExt is the User extension that lists the questions a user has set up.
const scimSecQuestionsExt = "urn:ietf:params:scim:schemas:oracle:idcs:extension:securityQuestions:User"

// secQuestionsLocked is the user's secQuestions as SCIM shows them (OCI Go SDK
// UserExtSecQuestions: value, $ref, hintText; the answer is never returned), sorted by id; nil
// when the user has set none up.
func secQuestionsLocked(u *userState, base string) []map[string]any {
	f := u.factors[SecurityQuestionsFactorID]
	if f == nil || f.Status != StatusEnrolled || len(u.answers) == 0 {
		return nil
	}
	ids := make([]string, 0, len(u.answers))
	for id := range u.answers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		q := map[string]any{"value": id, "$ref": base + securityQuestionsPath + "/" + id}
		if h := u.answers[id].Hint; h != "" {
			q["hintText"] = h
		}
		out = append(out, q)
	}
	return out
}

// removeMySecurityQuestionsLocked is PATCH /admin/v1/Me with op remove on secQuestions (SCIM
// RFC 7644 §3.5.2.2: remove without a filter removes every value): the caller's questions and
// the SecurityQuestions factor go, as E6 removes them. An inference: Oracle's samples show
// only add. Removing questions the caller does not have changes nothing.
func (s *Server) removeMySecurityQuestionsLocked(u *userState) *scimError {
	if u.Locked {
		return mySCIMError(errLocked())
	}
	if s.deleteFactorLocked(u, SecurityQuestionsFactorID) {
		u.modified = s.now()
	}
	return nil
}
