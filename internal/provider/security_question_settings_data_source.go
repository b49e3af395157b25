package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

var (
	_ datasource.DataSource              = &SecurityQuestionSettingsDataSource{}
	_ datasource.DataSourceWithConfigure = &SecurityQuestionSettingsDataSource{}
)

// SecurityQuestionSettingsDataSource is idcsmfa_security_question_settings: Oracle's
// SecurityQuestionSettings (the answer rules) and the SecurityQuestions they apply to, so that
// a configuration of idcsmfa_security_questions can be written without the console. Named
// after Oracle's settings resource (and the OCI provider's
// oci_identity_domains_security_question_setting); the questions come with them because the
// rules are useless without the ids they apply to.
type SecurityQuestionSettingsDataSource struct {
	api securityQuestionsAPI
}

// NewSecurityQuestionSettingsDataSource is the constructor the provider registers.
func NewSecurityQuestionSettingsDataSource() datasource.DataSource {
	return &SecurityQuestionSettingsDataSource{}
}

type securityQuestionSettingsModel struct {
	NumQuestionsToSetUp types.Int64             `tfsdk:"num_questions_to_set_up"`
	NumQuestionsToAns   types.Int64             `tfsdk:"num_questions_to_answer"`
	MinAnswerLength     types.Int64             `tfsdk:"min_answer_length"`
	MaxFieldLength      types.Int64             `tfsdk:"max_field_length"`
	Questions           []securityQuestionModel `tfsdk:"questions"`
}

type securityQuestionModel struct {
	ID     types.String `tfsdk:"id"`
	Text   types.String `tfsdk:"text"`
	Active types.Bool   `tfsdk:"active"`
	Type   types.String `tfsdk:"type"`
}

func (d *SecurityQuestionSettingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_security_question_settings"
}

func (d *SecurityQuestionSettingsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if fa := providerAPI(req.ProviderData, &resp.Diagnostics); fa != nil {
		d.api = fa.securityQuestions()
	}
}

func (d *SecurityQuestionSettingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The identity domain's security questions and the rules for answering them (Oracle's " +
			"`SecurityQuestionSettings` and `SecurityQuestions`), read-only: no arguments. Both modes read them (Oracle's " +
			"self-service sample reads them with the user's token); an application needs a role that reads the domain's " +
			"settings (" + settingsReaderRole + " or Identity Domain Administrator). `idcsmfa_security_questions` checks " +
			"its configuration against the same values at plan time.",
		Attributes: map[string]schema.Attribute{
			"num_questions_to_set_up": num("How many questions a user must set up (`numQuestionsToSetup`)."),
			"num_questions_to_answer": num("How many of them a verification asks (`numQuestionsToAns`)."),
			"min_answer_length":       num("The fewest characters of an answer (`minAnswerLength`)."),
			"max_field_length":        num("The most characters of an answer or a hint (`maxFieldLength`)."),
			"questions": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every question of the domain, in the domain's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":     schema.StringAttribute{Computed: true, MarkdownDescription: "The id to use in `questions` (e.g. `FirstCar`)."},
					"text":   schema.StringAttribute{Computed: true, MarkdownDescription: "The question in the domain's default locale."},
					"active": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether users may choose it."},
					"type":   schema.StringAttribute{Computed: true, MarkdownDescription: "`default` (Oracle's) or `custom`."},
				}},
			},
		},
	}
}

func (d *SecurityQuestionSettingsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.api == nil {
		resp.Diagnostics.AddError("Provider not configured", "The provider has no API to read the security questions with. This is a bug in the provider; please report it.")
		return
	}
	reader := d.api.catalogue()
	rules, err := reader.GetSecurityQuestionSettings(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the domain's security question settings", apiErrorDetail(err)+securityRulesRoleHint(err))
		return
	}
	qs, err := reader.ListSecurityQuestions(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the domain's security questions", apiErrorDetail(err)+securityRulesRoleHint(err))
		return
	}
	m := securityQuestionSettingsModel{
		NumQuestionsToSetUp: types.Int64Value(int64(rules.NumQuestionsToSetUp)),
		NumQuestionsToAns:   types.Int64Value(int64(rules.NumQuestionsToAns)),
		MinAnswerLength:     types.Int64Value(int64(rules.MinAnswerLength)),
		MaxFieldLength:      types.Int64Value(int64(rules.MaxFieldLength)),
		Questions:           []securityQuestionModel{},
	}
	for _, q := range qs {
		m.Questions = append(m.Questions, securityQuestionModel{ID: types.StringValue(q.ID), Text: types.StringValue(q.Text),
			Active: types.BoolValue(q.Active), Type: types.StringValue(q.Type)})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// securityRulesRoleHint names the roles that read the security questions and their settings,
// when the error is the token's lack of one; "" otherwise.
func securityRulesRoleHint(err error) string {
	if !errors.Is(err, client.ErrForbidden) && !errors.Is(err, client.ErrUnauthorized) {
		return ""
	}
	return "\n\nReading the domain's security questions and their settings needs the " + settingsReaderRole + " app role " +
		"(or Identity Domain Administrator) on the provider's confidential application; MFA Client and User Administrator " +
		"do not read them. In self-service mode the signed-in user reads them."
}
