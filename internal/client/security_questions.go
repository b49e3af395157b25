package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Security questions: the domain's catalogue (SCIM SecurityQuestions), its answer rules
// (SecurityQuestionSettings), and one user's questions, which SCIM shows in the User's
// securityQuestions extension (secQuestions: the question ids and hints; the answers are
// never returned). The administrator sets them with E5 on the fixed factor SecurityQuestions;
// the signed-in user with PATCH /admin/v1/Me on the same extension (API doc 6.3).
const (
	// SCIMSecurityQuestionsExtension is the User extension that holds secQuestions.
	SCIMSecurityQuestionsExtension = "urn:ietf:params:scim:schemas:oracle:idcs:extension:securityQuestions:User"
	// SecurityQuestionsFactorID is the fixed /mfa/v1 factor id of the security questions.
	SecurityQuestionsFactorID = "SecurityQuestions"

	secQuestionsPath     = SCIMSecurityQuestionsExtension + ":secQuestions"
	securityCatalogPath  = "/admin/v1/SecurityQuestions"
	securitySettingsPath = "/admin/v1/SecurityQuestionSettings/SecurityQuestionSettings"
	catalogPageSize      = 100
)

// SecurityQuestionSettings are the domain's answer rules (Oracle's SecurityQuestionSettings).
type SecurityQuestionSettings struct {
	NumQuestionsToSetUp int `json:"numQuestionsToSetup"` // questions a user sets up
	NumQuestionsToAns   int `json:"numQuestionsToAns"`   // questions asked at a verification
	MinAnswerLength     int `json:"minAnswerLength"`
	MaxFieldLength      int `json:"maxFieldLength"` // longest answer or hint
}

// CatalogQuestion is one question of the domain's catalogue: its id, its text (the default
// locale's, else the first), whether users may choose it, and its type (default or custom).
type CatalogQuestion struct {
	ID     string
	Text   string
	Active bool
	Type   string
}

type wireCatalogQuestion struct {
	ID           string `json:"id"`
	Active       *bool  `json:"active"`
	Type         string `json:"type"`
	QuestionText []struct {
		Value   string `json:"value"`
		Locale  string `json:"locale"`
		Default bool   `json:"default"`
	} `json:"questionText"`
}

func (w wireCatalogQuestion) question() CatalogQuestion {
	q := CatalogQuestion{ID: w.ID, Type: w.Type, Active: w.Active == nil || *w.Active}
	for i, t := range w.QuestionText {
		if i == 0 || t.Default {
			q.Text = t.Value
		}
		if t.Default {
			break
		}
	}
	return q
}

// GetSecurityQuestionSettings reads the domain's answer rules (GET
// /admin/v1/SecurityQuestionSettings/SecurityQuestionSettings, Oracle's sample's id).
func (c *Client) GetSecurityQuestionSettings(ctx context.Context) (*SecurityQuestionSettings, error) {
	var out SecurityQuestionSettings
	if err := c.do(ctx, request{method: http.MethodGet, path: securitySettingsPath, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListSecurityQuestions reads the domain's whole catalogue, page by page (GET
// /admin/v1/SecurityQuestions), active and inactive questions alike.
func (c *Client) ListSecurityQuestions(ctx context.Context) ([]CatalogQuestion, error) {
	var all []CatalogQuestion
	for start := 1; ; {
		var page struct {
			TotalResults int                   `json:"totalResults"`
			Resources    []wireCatalogQuestion `json:"Resources"`
		}
		q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(catalogPageSize)}}
		if err := c.do(ctx, request{method: http.MethodGet, path: securityCatalogPath, query: q, out: &page}); err != nil {
			return nil, err
		}
		for _, r := range page.Resources {
			all = append(all, r.question())
		}
		start += len(page.Resources)
		if len(page.Resources) == 0 || start > page.TotalResults {
			return all, nil
		}
	}
}

// UserSecurityQuestion is one question a user has set up: its id and hint (never the answer).
type UserSecurityQuestion struct {
	ID       string `json:"value"`
	HintText string `json:"hintText,omitempty"`
}

type wireSecQuestionsUser struct {
	Ext *struct {
		SecQuestions []UserSecurityQuestion `json:"secQuestions"`
	} `json:"urn:ietf:params:scim:schemas:oracle:idcs:extension:securityQuestions:User"`
}

func (w wireSecQuestionsUser) questions() []UserSecurityQuestion {
	if w.Ext == nil {
		return []UserSecurityQuestion{}
	}
	return append([]UserSecurityQuestion{}, w.Ext.SecQuestions...)
}

// UserSecurityQuestions returns the questions userGUID has set up, none when they have none
// (GET /admin/v1/Users/{id}, the securityQuestions extension). Like UserDevices it needs a
// role that reads users (User Administrator); a refusal matches ErrForbidden or
// ErrUnauthorized.
func (c *Client) UserSecurityQuestions(ctx context.Context, userGUID string) ([]UserSecurityQuestion, error) {
	p, err := pathf(scimUsersPath+"/%s", userGUID)
	if err != nil {
		return nil, err
	}
	var out wireSecQuestionsUser
	q := url.Values{"attributes": {secQuestionsPath}}
	if err := c.do(ctx, request{method: http.MethodGet, path: p, query: q, out: &out}); err != nil {
		return nil, err
	}
	return out.questions(), nil
}

// MySecurityQuestions returns the questions the signed-in user has set up (GET
// /admin/v1/Me, the securityQuestions extension).
func (c *Client) MySecurityQuestions(ctx context.Context) ([]UserSecurityQuestion, error) {
	var out wireSecQuestionsUser
	q := url.Values{"attributes": {secQuestionsPath}}
	if err := c.do(ctx, request{method: http.MethodGet, path: mePath, query: q, out: &out}); err != nil {
		return nil, err
	}
	return out.questions(), nil
}

// EnrollSecurityQuestions sets up userGUID's security questions the first time: E3 with
// method SECURITY_QUESTIONS (which offers the questions and leaves the factor
// ENROLLMENT_INITIATED), then E5 with the answers, which enrolls it. An E3 for a factor still
// pending starts it again, so a retry of the whole call after a failure creates nothing twice.
func (c *Client) EnrollSecurityQuestions(ctx context.Context, userGUID string, answers []SecurityAnswer) error {
	ctx, cancel, err := c.commit(ctx, "PATCH /mfa/v1/users/{id}/factors/"+SecurityQuestionsFactorID)
	if err != nil {
		return err
	}
	defer cancel()
	if _, err := c.Enroll(ctx, userGUID, EnrollRequest{Method: MethodSecurityQuestions}); err != nil {
		return err
	}
	return c.SetSecurityQuestions(ctx, userGUID, answers)
}

// Self-service PatchOp operations on secQuestions.
const (
	// MyQuestionsAdd sets the questions the first time (Oracle's sample's op).
	MyQuestionsAdd = "add"
	// MyQuestionsReplace replaces the whole set (SCIM replace of a multi-valued attribute).
	MyQuestionsReplace = "replace"
	// MyQuestionsRemove removes every question, which removes the factor.
	MyQuestionsRemove = "remove"
)

type wireSecQuestion struct {
	Value    string `json:"value"`
	Answer   string `json:"answer,omitempty"`
	HintText string `json:"hintText,omitempty"`
}

type wireSecQuestionsPatch struct {
	Op    string            `json:"op"`
	Path  string            `json:"path"`
	Value []wireSecQuestion `json:"value,omitempty"`
}

// SetMySecurityQuestions changes the signed-in user's questions (PATCH /admin/v1/Me on
// secQuestions, 200 with the Me resource): op is MyQuestionsAdd, MyQuestionsReplace (answers
// is the whole new set) or MyQuestionsRemove (answers unused). The answers are never logged.
func (c *Client) SetMySecurityQuestions(ctx context.Context, op string, answers []SecurityAnswer) error {
	patch := wireSecQuestionsPatch{Op: op, Path: secQuestionsPath}
	switch op {
	case MyQuestionsAdd, MyQuestionsReplace:
		if len(answers) == 0 {
			return fmt.Errorf("PATCH %s: %s of security questions needs at least one answer", mePath, op)
		}
		for _, a := range answers {
			patch.Value = append(patch.Value, wireSecQuestion{Value: a.ID, Answer: a.Answer, HintText: a.HintText})
		}
	case MyQuestionsRemove:
	default:
		return fmt.Errorf("PATCH %s: unknown security questions operation %q (add, replace or remove)", mePath, op)
	}
	body := struct {
		Schemas    []string                `json:"schemas"`
		Operations []wireSecQuestionsPatch `json:"Operations"`
	}{Schemas: []string{scimPatchOpSchema}, Operations: []wireSecQuestionsPatch{patch}}
	return c.do(ctx, request{method: http.MethodPatch, path: mePath, body: body})
}

// ValidateMySecurityQuestions confirms the signed-in user's new answers, Oracle's second step
// of a self-service set-up (POST /admin/v1/MyAuthenticationFactorValidator, authFactor
// SECURITY_QUESTIONS, scenario ENROLLMENT; 201). A wrong answer is a 401 that counts towards
// the lockout, so it is not retried once processed.
func (c *Client) ValidateMySecurityQuestions(ctx context.Context, answers []SecurityAnswer) error {
	type qa struct {
		ID     string `json:"id"`
		Answer string `json:"answer"`
	}
	body := struct {
		Schemas           []string `json:"schemas"`
		AuthFactor        string   `json:"authFactor"`
		Scenario          string   `json:"scenario"`
		SecurityQuestions []qa     `json:"securityQuestions"`
	}{Schemas: []string{scimValidatorSchema}, AuthFactor: MethodSecurityQuestions, Scenario: "ENROLLMENT"}
	for _, a := range answers {
		body.SecurityQuestions = append(body.SecurityQuestions, qa{ID: a.ID, Answer: a.Answer})
	}
	return c.do(ctx, request{method: http.MethodPost, path: myValidatePath, body: body, retry: retryUnprocessed})
}
