package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

func sqModel(version int64, hints map[string]string, ids ...string) securityQuestionsModel {
	var vals []attr.Value
	for _, id := range ids {
		vals = append(vals, types.StringValue(id))
	}
	h := map[string]attr.Value{}
	for k, v := range hints {
		h[k] = types.StringValue(v)
	}
	m := securityQuestionsModel{Questions: types.SetValueMust(types.StringType, vals), Hints: types.MapValueMust(types.StringType, h),
		AnswersWOVersion: types.Int64Null()}
	if version > 0 {
		m.AnswersWOVersion = types.Int64Value(version)
	}
	return m
}

// What an update sends: removed and added questions, and kept ones again only when the
// answer version or their hint changed; self-service sends every answer on any change.
func TestPlanChange(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name                                 string
		state, plan                          securityQuestionsModel
		removed, added, replaced, adminNeeds string
		selfNeeds                            string
	}{
		{"nothing", sqModel(1, nil, "A", "B"), sqModel(1, nil, "A", "B"), "", "", "", "", ""},
		{"swap one", sqModel(1, nil, "A", "B"), sqModel(1, nil, "A", "C"), "B", "C", "", "C", "A,C"},
		{"version raised", sqModel(1, nil, "A", "B"), sqModel(2, nil, "A", "B"), "", "", "A,B", "A,B", "A,B"},
		{"version set after import", sqModel(0, nil, "A", "B"), sqModel(1, nil, "A", "B"), "", "", "A,B", "A,B", "A,B"},
		{"version removed", sqModel(1, nil, "A", "B"), sqModel(0, nil, "A", "B"), "", "", "", "", ""},
		{"hint changed", sqModel(1, map[string]string{"A": "x"}, "A", "B"), sqModel(1, map[string]string{"A": "y"}, "A", "B"), "", "", "A", "A", "A,B"},
	}
	for _, c := range cases {
		var diags diag.Diagnostics
		ch := planChange(ctx, c.state, c.plan, &diags)
		got := []string{strings.Join(ch.removed, ","), strings.Join(ch.added, ","), strings.Join(ch.replaced, ","),
			strings.Join(ch.needsAnswers(false), ","), strings.Join(ch.needsAnswers(true), ",")}
		want := []string{c.removed, c.added, c.replaced, c.adminNeeds, c.selfNeeds}
		if strings.Join(got, "|") != strings.Join(want, "|") || diags.HasError() {
			t.Errorf("%s: removed|added|replaced|admin needs|self needs = %q, want %q (%v)", c.name, got, want, diags)
		}
	}
}

// The checks against the domain's rules name the attribute and never quote an answer.
func TestCheckQuestionRules(t *testing.T) {
	rules := &client.SecurityQuestionSettings{NumQuestionsToSetUp: 2, MinAnswerLength: 4, MaxFieldLength: 10}
	catalogue := []client.CatalogQuestion{{ID: "A", Active: true}, {ID: "B", Active: true}, {ID: "Off", Active: false}}
	cases := []struct {
		name    string
		ids     []string
		answers map[string]string
		hints   map[string]string
		want    []string // summaries, in order; none: no error
	}{
		{"fine", []string{"A", "B"}, map[string]string{"A": "alpha", "B": "bravo"}, map[string]string{"A": "greek"}, nil},
		{"inactive and too few", []string{"Off"}, map[string]string{"Off": "alpha"}, nil, []string{"Unknown security question", "Too few security questions"}},
		{"short and long", []string{"A", "B"}, map[string]string{"A": " ab ", "B": "far too long answer"}, nil, []string{"wrong length", "wrong length"}},
		{"same answer", []string{"A", "B"}, map[string]string{"A": "alpha", "B": "ALPHA"}, nil, []string{"same answer"}},
		{"hint is the answer", []string{"A", "B"}, map[string]string{"A": "alpha", "B": "bravo"}, map[string]string{"B": "Bravo"}, []string{"gives the answer away"}},
		{"hint without question", []string{"A", "B"}, map[string]string{"A": "alpha", "B": "bravo"}, map[string]string{"C": "x"}, []string{"A hint has no question"}},
	}
	for _, c := range cases {
		var diags diag.Diagnostics
		checkQuestionRules(c.ids, c.answers, c.hints, rules, catalogue, false, &diags)
		errs := diags.Errors()
		if len(errs) != len(c.want) {
			t.Errorf("%s: %d errors %v, want %v", c.name, len(errs), errs, c.want)
			continue
		}
		for i, d := range errs {
			if !strings.Contains(d.Summary(), c.want[i]) {
				t.Errorf("%s: error %d is %q, want %q", c.name, i, d.Summary(), c.want[i])
			}
			for _, a := range c.answers {
				if strings.Contains(d.Detail(), strings.TrimSpace(a)) {
					t.Errorf("%s: %q quotes an answer", c.name, d.Detail())
				}
			}
		}
	}
	// A new resource has no answers_wo_version to raise; an update may.
	short := map[string]string{"A": "ab", "B": "bravo"}
	for creating, want := range map[bool]string{true: "Change the answer.", false: "raise answers_wo_version"} {
		var diags diag.Diagnostics
		checkQuestionRules([]string{"A", "B"}, short, nil, rules, catalogue, creating, &diags)
		if errs := diags.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Detail(), want) ||
			creating && strings.Contains(errs[0].Detail(), "answers_wo_version") {
			t.Errorf("creating=%v: a short answer: %v, want %q", creating, errs, want)
		}
	}
	var diags diag.Diagnostics
	checkAnswersMatch([]string{"A", "B"}, map[string]string{"A": "alpha", "C": "charlie"}, &diags)
	if errs := diags.Errors(); len(errs) != 2 || !strings.Contains(errs[0].Detail(), "B") || !strings.Contains(errs[1].Detail(), "C") ||
		strings.Contains(errs[1].Detail(), "charlie") || !strings.Contains(errs[0].Detail(), "remove it from questions") ||
		!strings.Contains(errs[1].Detail(), "Add it to questions, or remove its answer") {
		t.Errorf("answers that do not match the questions (one id each: singular): %v", errs)
	}
	diags = nil
	checkAnswersMatch([]string{"A"}, map[string]string{"A": "alpha", "C": "charlie", "D": "delta"}, &diags)
	if errs := diags.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Detail(), "C, D") || !strings.Contains(errs[0].Detail(), "Add them to questions, or remove their answers") {
		t.Errorf("two answers without a question (plural): %v", errs)
	}
}
