package emulator

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

type securityQuestion struct{ ID, Text string }

// securityQuestionCatalog is the default catalogue, as Oracle's enrollment sample lists it.
var securityQuestionCatalog = []securityQuestion{
	{"FavoriteBook", "What's your favorite book?"},
	{"FavoriteFood", "What's your favorite food?"},
	{"FavoriteToy", "What's your favorite childhood toy?"},
	{"FavoriteTeam", "What's your favorite sports team?"},
	{"FirstCar", "What's the model of your first car?"},
	{"FirstManager", "What's the first name of your first manager?"},
	{"DreamJob", "What's your dream job?"},
	{"FirstMovie", "What's the first movie you saw?"},
	{"FavoriteTeacher", "What's your favorite teacher's name?"},
	{"FavoriteMovie", "What's your favorite movie?"},
	{"MaidenName", "What's your mother's maiden name?"},
	{"FirstPet", "What's your first pet's name?"},
	{"ChildhoodHero", "Who's your childhood hero?"},
	{"FirstTimeOnPlane", "Where'd you go the first time you flew?"},
	{"FavoriteSportsPerson", "Who's your favorite player?"},
}

func questionText(id string) (string, bool) {
	for _, q := range securityQuestionCatalog {
		if q.ID == id {
			return q.Text, true
		}
	}
	return "", false
}

// setSecurityQuestionsLocked sets the user's answers the first time, or applies add /
// replace / remove operations once they are set; items without op replace the whole set.
func (s *Server) setSecurityQuestionsLocked(u *userState, f *factor, items []securityQuestionItem) *apiError {
	if f.ID != SecurityQuestionsFactorID {
		return errInvalidRequest("securityQuestions can only be sent for the SecurityQuestions factor.")
	}
	hasOps := false
	for _, it := range items {
		if it.Op != "" {
			hasOps = true
		}
	}
	next := map[string]securityAnswer{}
	if hasOps {
		if f.Status != StatusEnrolled {
			return errInvalidRequest("Security questions must be set up before they are updated.")
		}
		for k, v := range u.answers {
			next[k] = v
		}
	}
	seen := map[string]bool{}
	for _, it := range items {
		if _, ok := questionText(it.ID); !ok {
			return &apiError{http.StatusBadRequest, "AUTH-1039", "The ID of the " + truncate(it.ID, maxEchoed) + " security question isn't valid."}
		}
		if seen[it.ID] {
			return &apiError{http.StatusBadRequest, "AUTH-1024", "You can select a security question only once."}
		}
		seen[it.ID] = true
		op := strings.ToLower(it.Op)
		switch op {
		case "remove":
			if _, ok := next[it.ID]; !ok {
				return errInvalidRequest("The " + truncate(it.ID, maxEchoed) + " security question is not set.")
			}
			delete(next, it.ID)
			continue
		case "add":
			if _, ok := next[it.ID]; ok {
				return &apiError{http.StatusBadRequest, "AUTH-1024", "You can select a security question only once."}
			}
		case "replace":
			if _, ok := next[it.ID]; !ok {
				return errInvalidRequest("The " + truncate(it.ID, maxEchoed) + " security question is not set.")
			}
		case "":
		default:
			return errUnsupportedOp("add, replace, remove")
		}
		if e := s.checkAnswer(it); e != nil {
			return e
		}
		next[it.ID] = securityAnswer{Answer: strings.TrimSpace(it.Answer), Hint: it.HintText}
	}
	answers := map[string]bool{}
	for _, a := range next {
		key := strings.ToLower(a.Answer)
		if answers[key] {
			return &apiError{http.StatusBadRequest, "AUTH-1020", "You've already provided this answer for another security question. Please specify a different answer for this question."}
		}
		answers[key] = true
	}
	if n := s.cfg.SecurityQuestionsToSetUp; len(next) < n {
		return &apiError{http.StatusBadRequest, "AUTH-1022", fmt.Sprintf("You must set up %d security questions to use the Security Questions feature.", n)}
	}
	u.answers = next
	if f.Status != StatusEnrolled {
		s.markEnrolledLocked(u, f)
	}
	u.modified = s.now()
	return nil
}

// checkAnswer applies the domain's SecurityQuestionSettings: an answer of minAnswerLength to
// maxFieldLength characters, a hint of at most maxFieldLength (Oracle's settings sample: 6
// and 100; the SDK's maxFieldLength is at most 100).
func (s *Server) checkAnswer(it securityQuestionItem) *apiError {
	a := strings.TrimSpace(it.Answer)
	if a == "" {
		return &apiError{http.StatusBadRequest, "AUTH-1038", "Please provide your answer for the \"" + truncate(it.ID, maxEchoed) + "\" security question."}
	}
	minLen, maxLen := s.cfg.SecurityAnswerMinLength, s.cfg.SecurityAnswerMaxLength
	if n := utf8.RuneCountInString(a); n < minLen {
		return &apiError{http.StatusBadRequest, "AUTH-1021", fmt.Sprintf("The answer to the \"%s\" security question must have at least %d characters.", truncate(it.ID, maxEchoed), minLen)}
	} else if n > maxLen {
		return &apiError{http.StatusBadRequest, "AUTH-1041", fmt.Sprintf("Your answer to the \"%s\" security question can't exceed %d characters.", truncate(it.ID, maxEchoed), maxLen)}
	}
	if utf8.RuneCountInString(it.HintText) > maxLen {
		return &apiError{http.StatusBadRequest, "AUTH-1042", fmt.Sprintf("Your hint to the \"%s\" security question can't exceed %d characters.", truncate(it.ID, maxEchoed), maxLen)}
	}
	if it.HintText != "" && strings.EqualFold(strings.TrimSpace(it.HintText), a) {
		return &apiError{http.StatusBadRequest, "AUTH-1023", "The hint can't be the same as the answer of a security question."}
	}
	return nil
}

// qrPlaceholderPNG is a 1x1 PNG: the emulator returns the QR code's content, not a
// scannable image of it.
var qrPlaceholderPNG = base64.StdEncoding.EncodeToString([]byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xff, 0xff, 0x3f,
	0x00, 0x05, 0xfe, 0x02, 0xfe, 0xa7, 0x35, 0x81, 0x84, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
	0x44, 0xae, 0x42, 0x60, 0x82,
})

// checkAnswersLocked checks the answers given to the questions asked: each must be answered
// (400 AUTH-1038), and right, ignoring case and surrounding spaces (else 401 AUTH-1026,
// counted towards the lockout).
func (s *Server) checkAnswersLocked(u *userState, asked []string, items []securityQuestionItem) *apiError {
	if len(items) == 0 {
		return errMissing("securityQuestions")
	}
	given := map[string]string{}
	for _, q := range items {
		given[q.ID] = q.Answer
	}
	for _, id := range asked {
		a, ok := given[id]
		if !ok {
			return &apiError{http.StatusBadRequest, "AUTH-1038", "Please provide your answer for the \"" + truncate(id, maxEchoed) + "\" security question."}
		}
		if !strings.EqualFold(strings.TrimSpace(a), u.answers[id].Answer) {
			return s.failAttemptLocked(u, errWrongAnswer())
		}
	}
	return nil
}
