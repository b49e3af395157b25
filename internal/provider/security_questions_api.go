package provider

import (
	"context"
	"errors"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// securityQuestionsAPI is how idcsmfa_security_questions reaches a user's questions in the
// mode Configure chose: the administrator's /mfa/v1 factor SecurityQuestions (E3, E5, E6) and
// SCIM Users, or the signed-in user's PATCH /admin/v1/Me. Both adapters implement it; the
// resource never asks which it holds.
type securityQuestionsAPI interface {
	// userQuestions returns the questions the user has set up (none: not set up). known is
	// false when the API may not show them (administrator without a role that reads users):
	// only whether the factor exists is then known, in exists.
	userQuestions(ctx context.Context, userGUID string) (qs []client.UserSecurityQuestion, known, exists bool, err error)
	// setUp sets the questions the first time.
	setUp(ctx context.Context, userGUID string, answers []client.SecurityAnswer) error
	// change applies ops (add, replace, remove of single questions); all is the whole new set
	// with its answers, for the mode that can only replace the set (nil when not every answer
	// is known).
	change(ctx context.Context, userGUID string, ops, all []client.SecurityAnswer) error
	// remove removes the questions and the factor; gone already is no error.
	remove(ctx context.Context, userGUID string) error
	// replacesWholeSet says whether a change must send every answer (self-service).
	replacesWholeSet() bool
	// catalogue reads the domain's questions and answer rules.
	catalogue() securityCatalogReader
}

// securityCatalogReader reads the domain's questions and rules (both modes may: Oracle's
// self-service sample reads them with the user's token).
type securityCatalogReader interface {
	ListSecurityQuestions(ctx context.Context) ([]client.CatalogQuestion, error)
	GetSecurityQuestionSettings(ctx context.Context) (*client.SecurityQuestionSettings, error)
}

func (a adminAPI) securityQuestions() securityQuestionsAPI        { return a }
func (a *selfServiceAPI) securityQuestions() securityQuestionsAPI { return a }

func (a adminAPI) userQuestions(ctx context.Context, userGUID string) ([]client.UserSecurityQuestion, bool, bool, error) {
	qs, err := a.UserSecurityQuestions(ctx, userGUID)
	if err == nil {
		return qs, true, len(qs) > 0, nil
	}
	if !errors.Is(err, client.ErrForbidden) && !errors.Is(err, client.ErrUnauthorized) {
		return nil, false, false, err
	}
	// Without a role that reads users, /mfa/v1 still says whether the factor is enrolled.
	f, err := a.GetFactor(ctx, userGUID, client.SecurityQuestionsFactorID)
	if errors.Is(err, client.ErrNotFound) {
		return nil, false, false, nil
	}
	if err != nil {
		return nil, false, false, err
	}
	return nil, false, f.FactorStatus == client.FactorStatusEnrolled, nil
}

func (a adminAPI) setUp(ctx context.Context, userGUID string, answers []client.SecurityAnswer) error {
	return a.EnrollSecurityQuestions(ctx, userGUID, answers)
}

func (a adminAPI) change(ctx context.Context, userGUID string, ops, _ []client.SecurityAnswer) error {
	return a.SetSecurityQuestions(ctx, userGUID, ops)
}

func (a adminAPI) remove(ctx context.Context, userGUID string) error {
	if err := a.DeleteFactor(ctx, userGUID, client.SecurityQuestionsFactorID); err != nil && !errors.Is(err, client.ErrNotFound) {
		return err
	}
	return nil
}

func (adminAPI) replacesWholeSet() bool             { return false }
func (a adminAPI) catalogue() securityCatalogReader { return a.Client }

func (a *selfServiceAPI) userQuestions(ctx context.Context, userGUID string) ([]client.UserSecurityQuestion, bool, bool, error) {
	if _, err := a.self(ctx, userGUID); err != nil {
		return nil, false, false, err
	}
	qs, err := a.c.MySecurityQuestions(ctx)
	if err != nil {
		return nil, false, false, err
	}
	return qs, true, len(qs) > 0, nil
}

// setUp is Oracle's two steps: PATCH /admin/v1/Me (add), then the validator confirms the
// answers (scenario ENROLLMENT).
func (a *selfServiceAPI) setUp(ctx context.Context, userGUID string, answers []client.SecurityAnswer) error {
	if _, err := a.self(ctx, userGUID); err != nil {
		return err
	}
	if err := a.c.SetMySecurityQuestions(ctx, client.MyQuestionsAdd, answers); err != nil {
		return err
	}
	return a.c.ValidateMySecurityQuestions(ctx, answers)
}

func (a *selfServiceAPI) change(ctx context.Context, userGUID string, _, all []client.SecurityAnswer) error {
	if _, err := a.self(ctx, userGUID); err != nil {
		return err
	}
	if all == nil {
		return errors.New("self-service mode replaces the whole set of questions, which needs every answer in answers_wo")
	}
	return a.c.SetMySecurityQuestions(ctx, client.MyQuestionsReplace, all)
}

func (a *selfServiceAPI) remove(ctx context.Context, userGUID string) error {
	if _, err := a.self(ctx, userGUID); err != nil {
		return err
	}
	return a.c.SetMySecurityQuestions(ctx, client.MyQuestionsRemove, nil)
}

func (a *selfServiceAPI) replacesWholeSet() bool           { return true }
func (a *selfServiceAPI) catalogue() securityCatalogReader { return a.c }
