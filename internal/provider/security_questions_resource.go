package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &SecurityQuestionsResource{}
	_ resource.ResourceWithModifyPlan  = &SecurityQuestionsResource{}
	_ resource.ResourceWithImportState = &SecurityQuestionsResource{}
	_ resource.ResourceWithIdentity    = &SecurityQuestionsResource{}
)

const (
	attrQuestions        = "questions"
	attrHints            = "hints"
	attrAnswersWO        = "answers_wo"
	attrAnswersWOVersion = "answers_wo_version"
	securityQuestionsTF  = "idcsmfa_security_questions"
)

// SecurityQuestionsResource is idcsmfa_security_questions: one user's security questions, the
// backup factor SecurityQuestions. The question ids (and hints) are plain; the answers are
// write-only and reach only the request that sets them.
type SecurityQuestionsResource struct {
	api securityQuestionsAPI
	fa  factorAPI
}

// NewSecurityQuestionsResource is the constructor the provider registers.
func NewSecurityQuestionsResource() resource.Resource { return &SecurityQuestionsResource{} }

type securityQuestionsModel struct {
	ID               types.String `tfsdk:"id"`
	UserID           types.String `tfsdk:"user_id"`
	FactorID         types.String `tfsdk:"factor_id"`
	Questions        types.Set    `tfsdk:"questions"`
	Hints            types.Map    `tfsdk:"hints"`
	AnswersWO        types.Map    `tfsdk:"answers_wo"`
	AnswersWOVersion types.Int64  `tfsdk:"answers_wo_version"`
}

func (r *SecurityQuestionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_security_questions"
}

func (r *SecurityQuestionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A user's security questions, the backup factor `SecurityQuestions`: which questions of the " +
			"domain's list the user answers, and the answers (write-only). In the administrator's mode it uses " +
			"`/mfa/v1` (set up with `POST .../factors` and `PATCH .../factors/SecurityQuestions`, changed with its " +
			"add/replace/remove operations, removed with `DELETE`); in self-service mode `PATCH /admin/v1/Me` on the " +
			"security questions extension, then the validator, as Oracle's self-service sample does. Reading which " +
			"questions a user has needs a role that reads users (User Administrator) in the administrator's mode; " +
			"without it only the factor's presence is checked. See `data.idcsmfa_security_question_settings` for the " +
			"domain's questions and rules.\n\n" +
			"To verify the answers in the same configuration, give `idcsmfa_factor_verification` " +
			"`factor_id = idcsmfa_security_questions.<name>.factor_id`: it is unknown in the plan whenever answers are sent, " +
			"so the verification runs during the apply, after them. A literal `factor_id = \"SecurityQuestions\"` verifies " +
			"at plan time against the answers the domain holds then (none on the first apply, the old ones on a rotation).",
		Attributes: map[string]schema.Attribute{
			attrID: schema.StringAttribute{
				Computed: true, MarkdownDescription: "The user's GUID (one set of questions per user).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			attrUserID: schema.StringAttribute{
				Required: true, MarkdownDescription: userGUIDDescription + " Changing it replaces the resource.",
				Validators:    []validator.String{userIDValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			attrFactorID: schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The factor id, always `SecurityQuestions` (Oracle's id of the factor). It is unknown " +
					"in the plan whenever the plan sends answers (set-up, `answers_wo_version` raised, questions or hints " +
					"changed), so an `idcsmfa_factor_verification` with `factor_id = idcsmfa_security_questions.<name>.factor_id` " +
					"waits until this resource is applied and verifies the answers just sent. A literal `\"SecurityQuestions\"` " +
					"instead verifies at plan time against the answers the domain holds then: the questions are not set " +
					"up yet on the first apply (`AUTH-1014`), and on a rotation the new answers meet the old ones " +
					"(`AUTH-1026`, a wrong answer counted towards the lockout).",
				// ModifyPlan makes it unknown when answers are sent.
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			attrQuestions: schema.SetAttribute{
				Required: true, ElementType: types.StringType,
				MarkdownDescription: "The ids of the questions the user answers (for example `FirstCar`), as the domain " +
					"lists them. At least the domain's `num_questions_to_set_up`. A change adds and removes questions " +
					"in place; a question added needs its answer in `answers_wo`. A change made outside Terraform shows " +
					"as drift and is set back (which needs the answers).",
				Validators: []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			attrHints: schema.MapAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Hints shown with the questions at a verification, by question id (plain text, " +
					"stored in the state; never the answer itself). Changing a hint sends that question's answer again, " +
					"so `answers_wo` must hold it. Left out, the hints the service holds are kept (and shown).",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			attrAnswersWO: schema.MapAttribute{
				Optional: true, Sensitive: true, WriteOnly: true, ElementType: types.StringType,
				MarkdownDescription: "Write-only (Terraform 1.11+): the answers, by question id; exactly the ids of " +
					"`questions`. Never stored in the plan, the state or the private state, and never logged. Sent when " +
					"the questions are set up, when `answers_wo_version` changes (every answer is replaced), and for " +
					"the questions a change adds (in self-service mode every change sends every answer). An imported " +
					"resource needs neither this nor its version until something is to be sent.",
				Validators: []validator.Map{mapvalidator.AlsoRequires(path.MatchRoot(attrAnswersWOVersion))},
			},
			attrAnswersWOVersion: schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "The version of `answers_wo` (1 or more). Raise it to send new answers: the " +
					"answers cannot be read back, so a changed answer without a changed version is not sent.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

func (r *SecurityQuestionsResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	userIdentitySchema(ctx, req, resp)
}

func (r *SecurityQuestionsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	fa := providerAPI(req.ProviderData, &resp.Diagnostics)
	if fa == nil {
		return
	}
	r.api, r.fa = fa.securityQuestions(), fa
}

// answersFrom reads the write-only answers of the configuration: nil when not set or not
// known yet.
func answersFrom(ctx context.Context, cfg securityQuestionsModel, diags *diag.Diagnostics) map[string]string {
	if cfg.AnswersWO.IsNull() || cfg.AnswersWO.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(cfg.AnswersWO.ElementsAs(ctx, &out, false)...)
	return out
}

func stringsOf(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	var out []string
	if !s.IsNull() && !s.IsUnknown() {
		diags.Append(s.ElementsAs(ctx, &out, false)...)
	}
	sort.Strings(out)
	return out
}

func hintsOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if !m.IsNull() && !m.IsUnknown() {
		diags.Append(m.ElementsAs(ctx, &out, false)...)
	}
	return out
}

// answerList is the answers to ids, with their hints, in the order of ids.
func answerList(ids []string, answers, hints map[string]string, op string) []client.SecurityAnswer {
	out := make([]client.SecurityAnswer, 0, len(ids))
	for _, id := range ids {
		out = append(out, client.SecurityAnswer{ID: id, Answer: answers[id], HintText: hints[id], Op: op})
	}
	return out
}

func (r *SecurityQuestionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, cfg securityQuestionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := plan.UserID.ValueString()
	ids := stringsOf(ctx, plan.Questions, &resp.Diagnostics)
	answers := answersFrom(ctx, cfg, &resp.Diagnostics)
	if _, _, exists, err := r.api.userQuestions(ctx, userID); err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Could not read the user's security questions", err))
		return
	} else if exists {
		resp.Diagnostics.AddAttributeError(path.Root(attrUserID), "The user already has security questions",
			fmt.Sprintf("User %s has set up security questions already; Terraform does not overwrite them. Import them "+
				"(an import block with id = %q, or terraform import %s.<name> %s), then raise answers_wo_version to "+
				"replace the answers. (After an apply of this configuration that was interrupted, or whose answer was lost, the "+
				"questions may be the ones it sent: import them the same way.)", userID, userID, securityQuestionsTF, userID))
		return
	}
	if err := r.api.setUp(ctx, userID, answerList(ids, answers, hintsOf(ctx, plan.Hints, &resp.Diagnostics), "")); err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Could not set up the security questions", err))
		return
	}
	plan.ID = types.StringValue(userID)
	plan.FactorID = types.StringValue(client.SecurityQuestionsFactorID)
	plan.AnswersWO = types.MapNull(types.StringType)
	r.readBack(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setUserIdentity(ctx, resp.Identity, userID)...)
}

// readBack fills the hints left to the service (unknown in the plan) from the user's questions.
func (r *SecurityQuestionsResource) readBack(ctx context.Context, m *securityQuestionsModel, diags *diag.Diagnostics) {
	if !m.Hints.IsUnknown() {
		return
	}
	m.Hints = types.MapValueMust(types.StringType, map[string]attr.Value{})
	qs, known, _, err := r.api.userQuestions(ctx, m.UserID.ValueString())
	if err != nil || !known {
		return
	}
	m.Hints = hintsValue(qs)
}

func hintsValue(qs []client.UserSecurityQuestion) types.Map {
	hints := map[string]attr.Value{}
	for _, q := range qs {
		if q.HintText != "" {
			hints[q.ID] = types.StringValue(q.HintText)
		}
	}
	return types.MapValueMust(types.StringType, hints)
}

func (r *SecurityQuestionsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state securityQuestionsModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	userID := state.UserID.ValueString()
	// First, so that every way out (removed, refreshed) carries the identity.
	resp.Diagnostics.Append(setUserIdentity(ctx, resp.Identity, userID)...)
	qs, known, exists, err := r.api.userQuestions(ctx, userID)
	switch {
	case err != nil && errors.Is(err, client.ErrNotFound):
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic("Could not read the user's security questions", err))
		return
	case !exists:
		// Removed outside Terraform (or the user's MFA reset): planned again.
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(userID)
	// Also fills it in a state written before the attribute existed, and after an import.
	state.FactorID = types.StringValue(client.SecurityQuestionsFactorID)
	if known {
		ids := make([]attr.Value, 0, len(qs))
		for _, q := range qs {
			ids = append(ids, types.StringValue(q.ID))
		}
		state.Questions = types.SetValueMust(types.StringType, ids)
		state.Hints = hintsValue(qs)
	}
	if state.Hints.IsNull() {
		state.Hints = types.MapValueMust(types.StringType, map[string]attr.Value{})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update sends what the plan changes: in the administrator's mode single operations (remove
// the questions dropped, add the new ones, replace the kept ones whose answer version or hint
// changed); in self-service mode the whole new set.
func (r *SecurityQuestionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, cfg securityQuestionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ch := planChange(ctx, state, plan, &resp.Diagnostics)
	answers := answersFrom(ctx, cfg, &resp.Diagnostics)
	if ch.any() {
		var all []client.SecurityAnswer
		if answers != nil {
			all = answerList(ch.ids, answers, ch.hints, "")
		}
		ops := append(answerList(ch.removed, nil, nil, "remove"), answerList(ch.added, answers, ch.hints, "add")...)
		ops = append(ops, answerList(ch.replaced, answers, ch.hints, "replace")...)
		if err := r.api.change(ctx, plan.UserID.ValueString(), ops, all); err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic("Could not change the security questions", err))
			return
		}
	}
	plan.FactorID = types.StringValue(client.SecurityQuestionsFactorID)
	plan.AnswersWO = types.MapNull(types.StringType)
	r.readBack(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setUserIdentity(ctx, resp.Identity, plan.UserID.ValueString())...)
}

func (r *SecurityQuestionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state securityQuestionsModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if err := r.api.remove(ctx, state.UserID.ValueString()); err != nil {
		resp.Diagnostics.Append(deleteFailedDiagnostic("Could not remove the security questions", err))
	}
}

// ImportState takes the user's GUID; the questions come from the read, the answers never.
func (r *SecurityQuestionsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByUserID(ctx, securityQuestionsTF, req, resp)
}
