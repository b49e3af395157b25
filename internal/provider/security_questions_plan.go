package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// questionsChange is what an update sends: the questions dropped, added, and kept but sent
// again (their answer version or hint changed); ids and hints are the planned set.
type questionsChange struct {
	ids, removed, added, replaced []string
	hints                         map[string]string
}

func (c questionsChange) any() bool { return len(c.removed)+len(c.added)+len(c.replaced) > 0 }

// needsAnswers are the ids whose answers the change sends.
func (c questionsChange) needsAnswers(wholeSet bool) []string {
	if wholeSet && c.any() {
		return c.ids
	}
	return append(append([]string{}, c.added...), c.replaced...)
}

func planChange(ctx context.Context, state, plan securityQuestionsModel, diags *diag.Diagnostics) questionsChange {
	c := questionsChange{ids: stringsOf(ctx, plan.Questions, diags), hints: hintsOf(ctx, plan.Hints, diags)}
	old := stringsOf(ctx, state.Questions, diags)
	oldHints := hintsOf(ctx, state.Hints, diags)
	raised := !plan.AnswersWOVersion.IsNull() && !plan.AnswersWOVersion.Equal(state.AnswersWOVersion)
	for _, id := range old {
		if !slices.Contains(c.ids, id) {
			c.removed = append(c.removed, id)
		}
	}
	for _, id := range c.ids {
		switch {
		case !slices.Contains(old, id):
			c.added = append(c.added, id)
		case raised || (!plan.Hints.IsUnknown() && c.hints[id] != oldHints[id]):
			c.replaced = append(c.replaced, id)
		}
	}
	return c
}

// ModifyPlan refuses at plan time what the service would refuse at apply: answers that do not
// match the questions, a change without the answers it must send, and, when the domain's
// rules and questions can be read, too few questions, unknown ones, and answers or hints of
// the wrong length. No message quotes an answer.
func (r *SecurityQuestionsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, cfg securityQuestionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deferFactorID(ctx, req, plan, resp)
	if r.api == nil || plan.Questions.IsUnknown() || cfg.AnswersWO.IsUnknown() {
		return
	}
	answers := answersFrom(ctx, cfg, &resp.Diagnostics)
	var need []string
	creating := req.State.Raw.IsNull()
	if creating {
		need = stringsOf(ctx, plan.Questions, &resp.Diagnostics)
	} else {
		var state securityQuestionsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		need = planChange(ctx, state, plan, &resp.Diagnostics).needsAnswers(r.api.replacesWholeSet())
	}
	ids := stringsOf(ctx, plan.Questions, &resp.Diagnostics)
	if answers != nil {
		checkAnswersMatch(ids, answers, &resp.Diagnostics)
	} else if len(need) > 0 {
		why := oneOrMany(len(need), "the question ", "the questions ") + strings.Join(need, ", ") +
			oneOrMany(len(need), " is", " are") + " sent (added, or the answer version or hint changed)"
		if creating {
			why = "setting up the questions sends every answer"
		} else if r.api.replacesWholeSet() {
			why = "in self-service mode every change sends the whole set of questions with their answers"
		}
		resp.Diagnostics.AddAttributeError(path.Root(attrAnswersWO), "Missing security answers",
			fmt.Sprintf("answers_wo is not set, but %s. Set answers_wo to a map from each id in questions to its answer "+
				"(for example from an ephemeral variable), with answers_wo_version (1, or raised from the previous "+
				"value), then plan again.", why))
	}
	if resp.Diagnostics.HasError() || (len(need) == 0 && !creating) {
		return
	}
	if !plan.UserID.IsUnknown() && r.fa != nil {
		if err := r.fa.managesUser(ctx, plan.UserID.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(attrUserID), "Not the signed-in user", serviceErrorText(err))
			return
		}
	}
	r.checkRules(ctx, ids, answers, hintsOf(ctx, plan.Hints, &resp.Diagnostics), creating, &resp.Diagnostics)
}

// deferFactorID makes factor_id unknown when the apply sends answers (or changes the
// questions), so that a verification that references it is opened only after the apply, with
// the answers the domain then holds, instead of at plan time against the old ones (a wrong
// answer counted towards the lockout) or before the factor exists (AUTH-1014).
func deferFactorID(ctx context.Context, req resource.ModifyPlanRequest, plan securityQuestionsModel, resp *resource.ModifyPlanResponse) {
	if !req.State.Raw.IsNull() && !plan.Questions.IsUnknown() && !plan.Hints.IsUnknown() {
		var state securityQuestionsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() || !planChange(ctx, state, plan, &resp.Diagnostics).any() {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attrFactorID), types.StringUnknown())...)
}

// checkAnswersMatch: answers_wo has exactly the ids of questions.
func checkAnswersMatch(ids []string, answers map[string]string, diags *diag.Diagnostics) {
	var missing, extra []string
	for _, id := range ids {
		if _, ok := answers[id]; !ok {
			missing = append(missing, id)
		}
	}
	for id := range answers {
		if !slices.Contains(ids, id) {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	if len(missing) > 0 {
		diags.AddAttributeError(path.Root(attrAnswersWO), "A question has no answer",
			fmt.Sprintf("questions holds %s, which answers_wo does not answer. Add %s to answers_wo, or remove %s from "+
				"questions.", strings.Join(missing, ", "), oneOrMany(len(missing), "its answer", "an answer for each"),
				oneOrMany(len(missing), "it", "them")))
	}
	if len(extra) > 0 {
		diags.AddAttributeError(path.Root(attrAnswersWO), "An answer has no question",
			fmt.Sprintf("answers_wo answers %s, which questions does not hold. Add %s to questions, or remove %s from "+
				"answers_wo.", strings.Join(extra, ", "), oneOrMany(len(extra), "it", "them"),
				oneOrMany(len(extra), "its answer", "their answers")))
	}
}

// checkRules applies the domain's SecurityQuestionSettings and question list when the
// provider may read them; otherwise it warns that the service checks them at apply.
func (r *SecurityQuestionsResource) checkRules(ctx context.Context, ids []string, answers, hints map[string]string, creating bool, diags *diag.Diagnostics) {
	reader := r.api.catalogue()
	rules, err := reader.GetSecurityQuestionSettings(ctx)
	var catalogue []client.CatalogQuestion
	if err == nil {
		catalogue, err = reader.ListSecurityQuestions(ctx)
	}
	if err != nil {
		diags.AddWarning("The domain's security question rules could not be read: checked at apply",
			fmt.Sprintf("Reading them (GET /admin/v1/SecurityQuestionSettings and /admin/v1/SecurityQuestions) failed: %s. "+
				"The number of questions, the question ids and the answers' lengths are then checked by the service when "+
				"the answers are sent.%s", serviceErrorText(err), securityRulesRoleHint(err)))
		return
	}
	checkQuestionRules(ids, answers, hints, rules, catalogue, creating, diags)
}

// checkQuestionRules is the pure check of checkRules; creating: the questions are set up,
// so there is no answers_wo_version to raise yet.
func checkQuestionRules(ids []string, answers, hints map[string]string, rules *client.SecurityQuestionSettings, catalogue []client.CatalogQuestion, creating bool, diags *diag.Diagnostics) {
	var unknown, offered []string
	for _, q := range catalogue {
		if q.Active {
			offered = append(offered, q.ID)
		}
	}
	for _, id := range ids {
		if !slices.Contains(offered, id) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		diags.AddAttributeError(path.Root(attrQuestions), "Unknown security question",
			fmt.Sprintf("The identity domain offers no active %s %s. Its questions: %s (see "+
				"data.idcsmfa_security_question_settings).", oneOrMany(len(unknown), "question", "questions"),
				strings.Join(unknown, ", "), strings.Join(offered, ", ")))
	}
	if n := rules.NumQuestionsToSetUp; n > 0 && len(ids) < n {
		diags.AddAttributeError(path.Root(attrQuestions), "Too few security questions",
			fmt.Sprintf("questions holds %d, and the domain's security question settings require %d "+
				"(numQuestionsToSetup). Add %d more, with their answers in answers_wo.", len(ids), n, n-len(ids)))
	}
	fix := "Change the answer, and raise answers_wo_version if it still holds the applied value (answers are sent " +
		"only when it changes)."
	if creating {
		fix = "Change the answer."
	}
	seen := map[string]string{}
	for _, id := range ids {
		a, ok := answers[id]
		if !ok {
			continue
		}
		a = strings.TrimSpace(a)
		n := utf8.RuneCountInString(a)
		if n < rules.MinAnswerLength || (rules.MaxFieldLength > 0 && n > rules.MaxFieldLength) {
			diags.AddAttributeError(path.Root(attrAnswersWO).AtMapKey(id), "Security answer of the wrong length",
				fmt.Sprintf("The answer to %s has %d characters; the domain's security question settings allow %d to %d "+
					"(minAnswerLength, maxFieldLength). %s", id, n, rules.MinAnswerLength, rules.MaxFieldLength, fix))
		}
		if other, dup := seen[strings.ToLower(a)]; dup {
			diags.AddAttributeError(path.Root(attrAnswersWO).AtMapKey(id), "Two questions have the same answer",
				fmt.Sprintf("The answers to %s and %s are the same, which the service refuses. Give each question its "+
					"own answer.", other, id))
		}
		seen[strings.ToLower(a)] = id
		if h := strings.TrimSpace(hints[id]); h != "" && strings.EqualFold(h, a) {
			diags.AddAttributeError(path.Root(attrHints).AtMapKey(id), "A hint gives the answer away",
				fmt.Sprintf("The hint of %s is its answer, which the service refuses. Change the hint.", id))
		}
	}
	for id, h := range hints {
		if n := utf8.RuneCountInString(h); rules.MaxFieldLength > 0 && n > rules.MaxFieldLength {
			diags.AddAttributeError(path.Root(attrHints).AtMapKey(id), "Hint too long",
				fmt.Sprintf("The hint of %s has %d characters; the domain allows %d (maxFieldLength).", id, n, rules.MaxFieldLength))
		}
		if !slices.Contains(ids, id) {
			diags.AddAttributeError(path.Root(attrHints).AtMapKey(id), "A hint has no question",
				fmt.Sprintf("hints names %s, which questions does not hold. Remove the hint or add the question.", id))
		}
	}
}

// oneOrMany is one when n is 1, else many: messages that list ids say "it" or "them" right.
func oneOrMany(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
