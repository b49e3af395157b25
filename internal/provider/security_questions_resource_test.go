package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

const sqAddr = "idcsmfa_security_questions.test"

// sqConfig is provider plus an idcsmfa_security_questions "test" for userID with answers (nil:
// no answers_wo) at version, and extra HCL after it.
func sqConfig(provider, userID string, answers map[string]string, version int, extra string) string {
	ids := make([]string, 0, len(answers))
	for id := range answers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return sqConfigIDs(provider, userID, ids, answers, version, extra)
}

func sqConfigIDs(provider, userID string, ids []string, answers map[string]string, version int, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nresource \"idcsmfa_security_questions\" \"test\" {\n  user_id   = %q\n  questions = [", provider, userID)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", id)
	}
	b.WriteString("]\n")
	if answers != nil {
		b.WriteString("  answers_wo = {\n")
		for id, a := range answers {
			fmt.Fprintf(&b, "    %s = %q\n", id, a)
		}
		fmt.Fprintf(&b, "  }\n  answers_wo_version = %d\n", version)
	}
	b.WriteString("}\n" + extra)
	return b.String()
}

// checkAnswersVerify verifies the factor with the answers through the client (V1, V2): the
// service accepts them. Every question is answered, whichever the service asks.
func checkAnswersVerify(env *testEnv, userID string, answers map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := env.Client.Verify(context.Background(), client.VerifyRequest{UserID: userID,
			FactorID: client.SecurityQuestionsFactorID, Method: client.MethodSecurityQuestions, SecurityAnswers: answers})
		if err != nil {
			return fmt.Errorf("verifying with the answers applied: %v", err)
		}
		return nil
	}
}

// checkEmulatorQuestions: the questions the emulator holds for userID are want (none: no factor).
func checkEmulatorQuestions(env *testEnv, userID string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		qs, err := env.Client.UserSecurityQuestions(context.Background(), userID)
		if err != nil {
			return err
		}
		var got []string
		for _, q := range qs {
			got = append(got, q.ID)
		}
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("the service holds questions %v, want %v", got, want)
		}
		return nil
	}
}

func expectQuestions(ids ...string) statecheck.StateCheck {
	var vals []knownvalue.Check
	for _, id := range ids {
		vals = append(vals, knownvalue.StringExact(id))
	}
	return statecheck.ExpectKnownValue(sqAddr, tfjsonpath.New("questions"), knownvalue.SetExact(vals))
}

// noAnswerInState: no answer appears in any attribute of the state.
func noAnswerInState(answers ...map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for name, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				for _, m := range answers {
					for _, a := range m {
						if strings.Contains(v, a) {
							return fmt.Errorf("%s: attribute %s holds an answer", name, k)
						}
					}
				}
			}
		}
		return nil
	}
}

var (
	sqAnswers1 = map[string]string{"FirstCar": "ford pinto", "FirstPet": "rex the dog", "DreamJob": "astronaut"}
	sqAnswers2 = map[string]string{"FirstCar": "trabant 601", "FirstPet": "felix the cat", "DreamJob": "lighthouse keeper"}
	sqAnswers3 = map[string]string{"FirstCar": "trabant 601", "FirstPet": "felix the cat", "MaidenName": "smithers"}
)

// TestAccSecurityQuestions_lifecycle in the administrator's mode, with the role that reads the
// domain's rules: plan-time mistakes, create, a verification through
// idcsmfa_factor_verification, a wrong answer, rotation, a change of questions, drift (changed
// and removed outside Terraform), and destroy.
func TestAccSecurityQuestions_lifecycle(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "the Security Administrator role and out-of-band changes", withSettingsReader)
	p := env.providerConfig()
	verify := func(answers map[string]string) string {
		var b strings.Builder
		for id, a := range answers {
			fmt.Fprintf(&b, "    %s = %q\n", id, a)
		}
		return fmt.Sprintf(`
ephemeral "idcsmfa_factor_verification" "v" {
  user_id          = %q
  factor_id        = "SecurityQuestions"
  method           = "SECURITY_QUESTIONS"
  security_answers = {
%s  }
}

provider "echo" {
  data = { verified = ephemeral.idcsmfa_factor_verification.v.verified }
}

resource "echo" "v" {}
`, userID, b.String())
	}
	// Every answer wrong: the service asks numQuestionsToAns questions, drawn at random.
	wrong := map[string]string{"FirstCar": "ford capri", "FirstPet": "tiddles", "DreamJob": "plumber"}
	short := map[string]string{"FirstCar": "ab", "FirstPet": "rex the dog", "DreamJob": "astronaut"}
	same := map[string]string{"FirstCar": "same answer", "FirstPet": "same answer", "DreamJob": "astronaut"}
	twoOnly := map[string]string{"FirstCar": "ford pinto", "FirstPet": "rex the dog"}
	unknown := map[string]string{"FirstCar": "ford pinto", "FirstPet": "rex the dog", "NoSuchQuestion": "whatever"}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: verificationFactories,
		TerraformVersionChecks:   skipBelow1_11,
		CheckDestroy:             checkEmulatorQuestions(env, userID),
		Steps: []resource.TestStep{
			{Config: sqConfigIDs(p, userID, []string{"FirstCar", "FirstPet", "DreamJob"}, twoOnly, 1, ""), PlanOnly: true,
				ExpectError: diagRE("A question has no answer", "DreamJob", "answers_wo")},
			{Config: sqConfigIDs(p, userID, []string{"FirstCar", "FirstPet", "DreamJob"}, nil, 0, ""), PlanOnly: true,
				ExpectError: diagRE("Missing security answers", "answers_wo", "every answer")},
			{Config: sqConfig(p, userID, unknown, 1, ""), PlanOnly: true, ExpectError: diagRE("Unknown security question", "NoSuchQuestion", "FirstCar")},
			{Config: sqConfig(p, userID, twoOnly, 1, ""), PlanOnly: true, ExpectError: diagRE("Too few security questions", "require 3")},
			{Config: sqConfig(p, userID, short, 1, ""), PlanOnly: true, ExpectError: diagRE("wrong length", "FirstCar", "has 2 characters")},
			{Config: sqConfig(p, userID, same, 1, ""), PlanOnly: true, ExpectError: diagRE("same answer", "FirstCar", "FirstPet")},
			{
				Config:            sqConfig(p, userID, sqAnswers1, 1, ""),
				ConfigStateChecks: []statecheck.StateCheck{expectQuestions("DreamJob", "FirstCar", "FirstPet")},
				Check: resource.ComposeTestCheckFunc(checkEmulatorQuestions(env, userID, "DreamJob", "FirstCar", "FirstPet"),
					noAnswerInState(sqAnswers1), resource.TestCheckNoResourceAttr(sqAddr, "answers_wo.%")),
			},
			{
				// The verification through Terraform passes with the answers just applied.
				Config:           sqConfig(p, userID, sqAnswers1, 1, verify(sqAnswers1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionNoop)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.v", tfjsonpath.New("data").AtMapKey("verified"), knownvalue.Bool(true)),
				},
			},
			{
				// A wrong answer fails, counts towards the lockout, and says so.
				Config:      sqConfig(p, userID, sqAnswers1, 1, verify(wrong)),
				ExpectError: diagRE("AUTH-1026", "counts each wrong answer towards locking the user"),
			},
			{
				// Rotation: a new version sends the new answers, which then verify.
				PreConfig: func() {
					if n, err := env.Client.UserLoginAttempts(context.Background(), userID); err != nil || n != 1 {
						t.Errorf("after one wrong answer, loginAttempts is %d (%v), want 1", n, err)
					}
				},
				Config:           sqConfig(p, userID, sqAnswers2, 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(checkAnswersVerify(env, userID, sqAnswers2), noAnswerInState(sqAnswers1, sqAnswers2),
					func(*terraform.State) error {
						if n, err := env.Client.UserLoginAttempts(context.Background(), userID); err != nil || n != 0 {
							return fmt.Errorf("loginAttempts %d (%v) after a right answer, want 0", n, err)
						}
						return nil
					}),
			},
			{
				// A changed answer without a changed version sends nothing.
				// PlanOnly: both plans (without and with refresh) must be empty.
				Config:   sqConfig(p, userID, sqAnswers1, 2, ""),
				PlanOnly: true,
			},
			{
				// A change of questions: DreamJob removed, MaidenName added, in place; a verification
				// that references factor_id waits for the apply.
				Config: sqConfig(p, userID, sqAnswers3, 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(sqAddr, tfjsonpath.New("factor_id"))}},
				ConfigStateChecks: []statecheck.StateCheck{expectQuestions("FirstCar", "FirstPet", "MaidenName")},
				Check:             resource.ComposeTestCheckFunc(checkEmulatorQuestions(env, userID, "FirstCar", "FirstPet", "MaidenName"), checkAnswersVerify(env, userID, sqAnswers3)),
			},
			{
				// Drift: a question replaced outside Terraform is seen and set back.
				PreConfig: func() {
					ops := []client.SecurityAnswer{{ID: "MaidenName", Op: "remove"}, {ID: "FavoriteFood", Answer: "dal makhani", Op: "add"}}
					if err := env.Client.SetSecurityQuestions(context.Background(), userID, ops); err != nil {
						t.Fatal(err)
					}
				},
				Config:           sqConfig(p, userID, sqAnswers3, 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionUpdate)}},
				Check:            checkEmulatorQuestions(env, userID, "FirstCar", "FirstPet", "MaidenName"),
			},
			{
				// Drift: the factor removed outside Terraform is planned again.
				PreConfig: func() {
					if err := env.Client.DeleteFactor(context.Background(), userID, client.SecurityQuestionsFactorID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           sqConfig(p, userID, sqAnswers3, 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionCreate)}},
				Check:            checkEmulatorQuestions(env, userID, "FirstCar", "FirstPet", "MaidenName"),
			},
		},
	})
}

// TestAccSecurityQuestions_importAndSelfService: questions set up outside Terraform are
// imported by user id with no change planned, in the administrator's mode; then the
// signed-in user manages their own through PATCH /admin/v1/Me: create, verify, change,
// rotate, drift, destroy.
func TestAccSecurityQuestions_importAndSelfService(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "a user with a password")
	set := []client.SecurityAnswer{{ID: "FirstCar", Answer: "ford pinto", HintText: "a colour"}, {ID: "FirstPet", Answer: "rex the dog"}, {ID: "DreamJob", Answer: "astronaut"}}
	if err := env.Client.EnrollSecurityQuestions(context.Background(), userID, set); err != nil {
		t.Fatal(err)
	}
	importBlock := fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", sqAddr, userID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelow1_11,
		Steps: []resource.TestStep{
			{
				Config:           sqConfigIDs(env.providerConfig(), userID, []string{"DreamJob", "FirstCar", "FirstPet"}, nil, 0, importBlock),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionNoop)}},
				ConfigStateChecks: []statecheck.StateCheck{expectQuestions("DreamJob", "FirstCar", "FirstPet"),
					statecheck.ExpectKnownValue(sqAddr, tfjsonpath.New("hints"), knownvalue.MapExact(map[string]knownvalue.Check{"FirstCar": knownvalue.StringExact("a colour")}))},
			},
			{
				// Without the import block: both plans (without and with refresh) are empty.
				Config:   sqConfigIDs(env.providerConfig(), userID, []string{"DreamJob", "FirstCar", "FirstPet"}, nil, 0, ""),
				PlanOnly: true,
			},
			{
				// Adding a question of an imported set without its answer is refused at plan time.
				Config:      sqConfigIDs(env.providerConfig(), userID, []string{"DreamJob", "FirstCar", "FirstPet", "MaidenName"}, nil, 0, ""),
				PlanOnly:    true,
				ExpectError: diagRE("Missing security answers", "MaidenName", "answers_wo"),
			},
		},
	})

	u := newSelfServiceUser(t, nil)
	ss := u.provider()
	ssTest(t, u, checkEmulatorQuestions(u.env, u.id),
		resource.TestStep{
			Config:            sqConfig(ss, u.id, sqAnswers1, 1, ""),
			ConfigStateChecks: []statecheck.StateCheck{expectQuestions("DreamJob", "FirstCar", "FirstPet")},
			Check:             resource.ComposeTestCheckFunc(checkAnswersVerify(u.env, u.id, sqAnswers1), noAnswerInState(sqAnswers1)),
		},
		resource.TestStep{
			// Self-service replaces the whole set: a change of questions needs every answer.
			Config:      sqConfigIDs(ss, u.id, []string{"FirstCar", "FirstPet", "MaidenName"}, nil, 0, ""),
			PlanOnly:    true,
			ExpectError: diagRE("Missing security answers", "self-service mode"),
		},
		resource.TestStep{
			Config:            sqConfig(ss, u.id, sqAnswers3, 2, ""),
			ConfigStateChecks: []statecheck.StateCheck{expectQuestions("FirstCar", "FirstPet", "MaidenName")},
			Check:             resource.ComposeTestCheckFunc(checkAnswersVerify(u.env, u.id, sqAnswers3), checkEmulatorQuestions(u.env, u.id, "FirstCar", "FirstPet", "MaidenName")),
		},
		resource.TestStep{
			// Removed outside Terraform: planned again.
			PreConfig: func() {
				if err := u.env.Client.DeleteFactor(context.Background(), u.id, client.SecurityQuestionsFactorID); err != nil {
					t.Fatal(err)
				}
			},
			Config:           sqConfig(ss, u.id, sqAnswers3, 2, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionCreate)}},
			Check:            checkEmulatorQuestions(u.env, u.id, "FirstCar", "FirstPet", "MaidenName"),
		},
		resource.TestStep{
			Config: sqConfig(ss, u.id, sqAnswers3, 2, `
data "idcsmfa_security_question_settings" "domain" {}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.idcsmfa_security_question_settings.domain", tfjsonpath.New("num_questions_to_set_up"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue("data.idcsmfa_security_question_settings.domain", tfjsonpath.New("questions").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact("FavoriteBook")),
			},
		},
	)
}

// TestAccSecurityQuestions_answersNowhere runs the terraform CLI with TF_LOG=TRACE through a
// create with a saved plan and a rotation, in administrator and in self-service mode, and
// finds no answer in the output, the saved plans (terraform show -json) or the state file.
// The answers come from an ephemeral variable, as the examples recommend.
func TestAccSecurityQuestions_answersNowhere(t *testing.T) {
	t.Parallel()
	t.Run("administrator", func(t *testing.T) {
		t.Parallel()
		env := newTestEnv(t)
		env.requireEmulator(t, "a fresh user per run")
		checkAnswersNowhere(t, env, env.providerConfig(), env.newUser(t))
	})
	t.Run("self-service", func(t *testing.T) {
		t.Parallel()
		u := newSelfServiceUser(t, nil)
		checkAnswersNowhere(t, u.env, u.provider(), u.id)
	})
}

// redactedAnswer is an answer in a logged request body, redacted (JSON quotes may be escaped).
var redactedAnswer = regexp.MustCompile(`answer\\*"\s*:\s*\\*"` + regexp.QuoteMeta(client.Redacted))

// checkAnswersNowhere creates and rotates userID's answers through provider with TF_LOG=TRACE
// and fails on any answer in the output, the saved plans, the state or its private part.
func checkAnswersNowhere(t *testing.T, env *testEnv, provider, userID string) {
	cli := newCLIRun(t, "TF_LOG=TRACE")
	cli.writeProviderConfig(provider + fmt.Sprintf(`
variable "answers" {
  type      = map(string)
  sensitive = true
  ephemeral = true
}

variable "answers_version" {
  type = number
}

resource "idcsmfa_security_questions" "test" {
  user_id            = %q
  questions          = ["DreamJob", "FirstCar", "FirstPet"]
  answers_wo         = var.answers
  answers_wo_version = var.answers_version
}
`, userID))
	hcl := func(m map[string]string) string {
		var parts []string
		for id, a := range m {
			parts = append(parts, fmt.Sprintf("%s=%q", id, a))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ",") + "}"
	}
	var plans strings.Builder
	for i, answers := range []map[string]string{sqAnswers1, sqAnswers2} {
		vars := []string{"TF_VAR_answers=" + hcl(answers), fmt.Sprintf("TF_VAR_answers_version=%d", i+1)}
		cli.mustRun(0, vars, "plan", "-input=false", "-no-color", "-out=tfplan")
		plans.WriteString(cli.mustRun(0, vars, "show", "-json", "-no-color", "tfplan"))
		cli.mustRun(0, vars, "apply", "-input=false", "-no-color", "tfplan")
		if err := checkAnswersVerify(env, userID, answers)(nil); err != nil {
			t.Fatalf("after apply %d: %v", i+1, err)
		}
	}
	if !strings.Contains(plans.String(), `"answers_wo_version"`) {
		t.Fatalf("the saved plans do not show the resource: the plan check would prove nothing")
	}
	st := readStateFile(t, filepath.Join(cli.dir, "terraform.tfstate"))
	cli.mustRun(0, []string{"TF_VAR_answers=" + hcl(sqAnswers2), "TF_VAR_answers_version=2"}, "destroy", "-auto-approve", "-input=false", "-no-color")
	log := cli.output.String()
	// Both modes log the bodies that carry the answers (the administrator's PATCH of
	// .../factors/SecurityQuestions, the self-service PATCH of /admin/v1/Me), redacted.
	if !strings.Contains(log, "[TRACE]") || !redactedAnswer.MatchString(log) {
		t.Fatalf("the captured output has no TRACE line with a redacted answer in a request body: the log check would prove nothing")
	}
	for _, m := range []map[string]string{sqAnswers1, sqAnswers2} {
		for id, a := range m {
			for what, text := range map[string]string{"TRACE output": log, "saved plan": plans.String(), "state file": st.raw, "private state": st.privateDecoded} {
				if strings.Contains(text, a) {
					t.Errorf("the %s contains the answer to %s", what, id)
				}
			}
		}
	}
}

// TestAccSecurityQuestions_withoutUserReadRole: an application with MFA Client only cannot
// read which questions a user has (SCIM Users); the resource then checks only that the factor
// exists: create, an empty plan, and a factor removed outside Terraform planned again.
func TestAccSecurityQuestions_withoutUserReadRole(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, func(c *emulator.Config) {
		c.Clients = []emulator.Client{{ID: emulator.DefaultClientID, Secret: emulator.DefaultClientSecret, Roles: []string{emulator.RoleMFAClient}}}
	})
	env.requireEmulator(t, "an application without User Administrator")
	userID := env.newUser(t)
	sqFactor := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for _, f := range env.Emulator.Factors(userID) {
				if f.ID == client.SecurityQuestionsFactorID {
					if !want || f.Status != emulator.StatusEnrolled {
						return fmt.Errorf("the SecurityQuestions factor is %s, want it gone", f.Status)
					}
					return nil
				}
			}
			if want {
				return fmt.Errorf("no SecurityQuestions factor")
			}
			return nil
		}
	}
	cfg := sqConfig(env.providerConfig(), userID, sqAnswers1, 1, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelow1_11,
		CheckDestroy:             sqFactor(false),
		Steps: []resource.TestStep{
			// Its post-apply plans (without and with refresh) must be empty.
			{Config: cfg, Check: resource.ComposeTestCheckFunc(sqFactor(true), checkAnswersVerify(env, userID, sqAnswers1))},
			{
				PreConfig: func() {
					if err := env.Client.DeleteFactor(context.Background(), userID, client.SecurityQuestionsFactorID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionCreate)}},
				Check:            sqFactor(true),
			},
		},
	})
}

// TestAccSecurityQuestions_importByIdentity: the identity {user_id} imports the questions
// too, with no change planned (Terraform 1.12+).
func TestAccSecurityQuestions_importByIdentity(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	set := []client.SecurityAnswer{{ID: "FirstCar", Answer: "ford pinto"}, {ID: "FirstPet", Answer: "rex the dog"}, {ID: "DreamJob", Answer: "astronaut"}}
	if err := env.Client.EnrollSecurityQuestions(context.Background(), userID, set); err != nil {
		t.Fatal(err)
	}
	cfg := sqConfigIDs(env.providerConfig(), userID, []string{"DreamJob", "FirstCar", "FirstPet"}, nil, 0, "")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow1_12,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg + fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", sqAddr, userID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(sqAddr, map[string]knownvalue.Check{attrUserID: knownvalue.StringExact(userID)}),
				},
			},
			{
				Config: cfg, ResourceName: sqAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sqAddr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

// TestAccSecurityQuestions_verifiedInSameConfig: an idcsmfa_factor_verification in the
// configuration of the questions, with factor_id taken from the resource (as the CI guide
// shows), verifies only after the apply has sent the answers: the first apply passes (with
// the literal "SecurityQuestions" its plan met AUTH-1014, no factor yet), and so does a
// rotation, whose plan sends no answer (with the literal it verified the new answers against
// the old ones: AUTH-1026, counted towards the lockout).
func TestAccSecurityQuestions_verifiedInSameConfig(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "the emulator's request counts and loginAttempts", withSettingsReader)
	p := env.providerConfig()
	verify := fmt.Sprintf(`
variable "answers" {
  type      = map(string)
  ephemeral = true
}

ephemeral "idcsmfa_factor_verification" "v" {
  user_id          = %q
  factor_id        = %s.factor_id
  method           = "SECURITY_QUESTIONS"
  security_answers = var.answers
}

provider "echo" {
  data = { verified = ephemeral.idcsmfa_factor_verification.v.verified }
}

resource "echo" "v" {}
`, userID, sqAddr)
	const initiate = "POST /mfa/v1/requests"
	var before int
	step := func(answers map[string]string, version int) resource.TestStep {
		vars := map[string]config.Variable{}
		for id, a := range answers {
			vars[id] = config.StringVariable(a)
		}
		return resource.TestStep{
			PreConfig:       func() { before = env.Emulator.Stats().Requests[initiate] },
			Config:          sqConfig(p, userID, answers, version, verify),
			ConfigVariables: config.Variables{"answers": config.MapVariable(vars)},
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(sqAddr, tfjsonpath.New("factor_id")),
				noVerificationYet(env, userID, initiate, &before),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(sqAddr, tfjsonpath.New("factor_id"), knownvalue.StringExact(client.SecurityQuestionsFactorID)),
				statecheck.ExpectKnownValue("echo.v", tfjsonpath.New("data").AtMapKey("verified"), knownvalue.Bool(true)),
			},
			Check: func(*terraform.State) error {
				if n, err := env.Client.UserLoginAttempts(context.Background(), userID); err != nil || n != 0 {
					return fmt.Errorf("loginAttempts %d (%v) after the apply, want 0: a wrong answer was counted", n, err)
				}
				return nil
			},
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: verificationFactories,
		TerraformVersionChecks:   skipBelow1_11,
		CheckDestroy:             checkEmulatorQuestions(env, userID),
		Steps:                    []resource.TestStep{step(sqAnswers1, 1), step(sqAnswers2, 2)},
	})
}

// noVerificationYet: the plan started no verification (it is deferred to the apply) and
// counted no wrong answer.
func noVerificationYet(env *testEnv, userID, key string, before *int) plancheck.PlanCheck {
	return planCheckFunc(func() error {
		if n := env.Emulator.Stats().Requests[key] - *before; n != 0 {
			return fmt.Errorf("the plan started %d verifications, want 0 (deferred to the apply)", n)
		}
		if n, err := env.Client.UserLoginAttempts(context.Background(), userID); err != nil || n != 0 {
			return fmt.Errorf("loginAttempts %d (%v) after the plan, want 0", n, err)
		}
		return nil
	})
}
