package provider

// The passcode kinds' runs of one scenario as one TestCase (issue 26).
//
// Every passcode scenario runs for each passcode kind, and each terraform-plugin-testing step
// costs about seven terraform processes whatever its configuration holds. Run as a TestCase
// per kind, the SMS and email runs were half of the suite's terraform processes. Together,
// each step's configuration holds every kind's resources (each kind on a user of its own), so
// one plan and one apply run all kinds' steps; every check, plan check, state check and
// expected error of every kind is kept. An expected error must match once per kind: each
// kind's pattern a part of the output, in either order, so a pattern that names no kind (the
// same diagnostic for both) must be there twice, and a kind that stops failing fails the step.
// A step's change to the emulator as a whole is made once for all kinds (onceForAllKinds:
// a moved clock); a dropped answer is aimed at one kind's user or factor (userEnrollKey,
// factorPatchKey), so that a request the provider repeats cannot take the other kind's drop.
//
// Each kind's steps are written as if alone (passcodeKindCase.config and friends): the first
// kind's configuration is taken as is, and each other kind's is added to it without its
// provider block (which must be the same) and with its variables renamed: variable "otp" of
// the email kind is variable "email_otp", its var.otp is var.email_otp, and its
// ConfigVariables "otp" is "email_otp". A resource or data source address two kinds share
// makes terraform refuse the configuration: such a scenario names its objects per kind.

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// variablePrefix is what kind k's variables are renamed with when its steps run beside the
// first kind's: "email_" for the email kind.
func (k passcodeKindCase) variablePrefix() string { return strings.ToLower(k.method) + "_" }

// passcodeKindsTogether runs every passcode kind's steps zipped into one TestCase: run(k,
// userID), userID a new user of env for each kind, gives kind k's steps and the check that
// follows the TestCase's destroy (or nil).
func passcodeKindsTogether(t *testing.T, env *testEnv,
	run func(k passcodeKindCase, userID string) (steps []resource.TestStep, checkDestroy resource.TestCheckFunc),
) {
	t.Helper()
	steps, checkDestroy := kindStepsTogether(t, env, run)
	accTest(t, checkDestroy, steps...)
}

// kindStepsTogether is passcodeKindsTogether's steps and check, for a TestCase of its own or
// to run beside other steps; users, if given, are the first kinds' users.
func kindStepsTogether(t *testing.T, env *testEnv,
	run func(k passcodeKindCase, userID string) (steps []resource.TestStep, checkDestroy resource.TestCheckFunc),
	users ...string,
) ([]resource.TestStep, resource.TestCheckFunc) {
	t.Helper()
	perKind := make([][]resource.TestStep, len(passcodeKinds))
	var checkDestroy resource.TestCheckFunc
	for i, k := range passcodeKinds {
		var userID string
		if i < len(users) {
			userID = users[i]
		} else {
			userID = env.newUser(t)
		}
		steps, destroyed := run(k, userID)
		perKind[i], checkDestroy = steps, bothChecks(checkDestroy, destroyed)
	}
	zipped, err := zipKindSteps(passcodeKinds, perKind)
	if err != nil {
		t.Fatalf("the passcode kinds' steps cannot run together (run them apart): %s", err)
	}
	return zipped, checkDestroy
}

// onceForAllKinds is f for the first passcode kind and nil for the others: a step's change to
// the emulator as a whole (moving its clock) is made once when the kinds run together.
func onceForAllKinds(k passcodeKindCase, f func()) func() {
	if k.typeName != passcodeKinds[0].typeName {
		return nil
	}
	return f
}

// zipKindSteps zips kinds' steps, perKind[i] being kinds[i]'s: step n of the result is every
// kind's step n (zipTwoSteps). The kinds must have as many steps, each of the same shape.
func zipKindSteps(kinds []passcodeKindCase, perKind [][]resource.TestStep) ([]resource.TestStep, error) {
	if len(kinds) == 0 || len(kinds) != len(perKind) {
		return nil, fmt.Errorf("%d kinds and %d lists of steps", len(kinds), len(perKind))
	}
	zipped := perKind[0]
	for i := 1; i < len(kinds); i++ {
		if len(perKind[i]) != len(zipped) {
			return nil, fmt.Errorf("the %s kind has %d steps, the %s kind %d", kinds[0].label, len(zipped), kinds[i].label, len(perKind[i]))
		}
		var next []resource.TestStep
		for n := range zipped {
			steps, err := zipTwoSteps(zipped[n], perKind[i][n], kinds[i].variablePrefix())
			if err != nil {
				return nil, fmt.Errorf("step %d, %s kind: %w", n+1, kinds[i].label, err)
			}
			next = append(next, steps...)
		}
		zipped = next
	}
	return zipped, nil
}

// zipTwoSteps is one step that does what a and b do (b's variables renamed with prefix). Import
// steps check one resource each: they stay two, one after the other, each with both
// configurations.
func zipTwoSteps(a, b resource.TestStep, prefix string) ([]resource.TestStep, error) {
	if err := zippable(a, b); err != nil {
		return nil, err
	}
	cfg, err := mergeKindConfigs(a.Config, b.Config, prefix)
	if err != nil {
		return nil, err
	}
	vars := mergeKindVariables(a.ConfigVariables, b.ConfigVariables, prefix)
	if a.ImportState {
		a.Config, b.Config = cfg, cfg
		a.ConfigVariables, b.ConfigVariables = vars, vars
		return []resource.TestStep{a, b}, nil
	}
	z := a
	z.Config, z.ConfigVariables = cfg, vars
	z.PreConfig = bothFuncs(a.PreConfig, b.PreConfig)
	z.Check = bothChecks(a.Check, b.Check)
	z.ConfigStateChecks = slices.Concat(a.ConfigStateChecks, b.ConfigStateChecks)
	z.ConfigPlanChecks = resource.ConfigPlanChecks{
		PreApply:             slices.Concat(a.ConfigPlanChecks.PreApply, b.ConfigPlanChecks.PreApply),
		PostApplyPreRefresh:  slices.Concat(a.ConfigPlanChecks.PostApplyPreRefresh, b.ConfigPlanChecks.PostApplyPreRefresh),
		PostApplyPostRefresh: slices.Concat(a.ConfigPlanChecks.PostApplyPostRefresh, b.ConfigPlanChecks.PostApplyPostRefresh),
	}
	if a.ExpectError != nil {
		z.ExpectError = bothMatch(a.ExpectError, b.ExpectError)
	}
	return []resource.TestStep{z}, nil
}

// zippable says why a and b cannot be one step: they must do the same kind of thing (plan,
// apply, fail; or import, each its own) and use only what zipTwoSteps knows how to join.
func zippable(a, b resource.TestStep) error {
	type flag struct {
		what string
		a, b bool
	}
	same := []flag{{"ImportState", a.ImportState, b.ImportState}, {"Config", a.Config != "", b.Config != ""}}
	if !a.ImportState {
		// Imports stay two steps: only their configurations are joined.
		same = append(same, []flag{
			{"PlanOnly", a.PlanOnly, b.PlanOnly},
			{"ExpectNonEmptyPlan", a.ExpectNonEmptyPlan, b.ExpectNonEmptyPlan},
			{"RefreshState", a.RefreshState, b.RefreshState},
			{"Destroy", a.Destroy, b.Destroy},
			{"ExpectError", a.ExpectError != nil, b.ExpectError != nil},
		}...)
	}
	for _, s := range same {
		if s.a != s.b {
			return fmt.Errorf("%s differs (%t and %t)", s.what, s.a, s.b)
		}
	}
	for _, s := range []resource.TestStep{a, b} {
		if s.RefreshState || s.Destroy || s.Query || s.SkipFunc != nil || s.PostApplyFunc != nil || len(s.Taint) > 0 ||
			s.ConfigDirectory != nil || s.ConfigFile != nil || s.ExternalProviders != nil || s.ProtoV6ProviderFactories != nil ||
			len(s.RefreshPlanChecks.PostRefresh) > 0 || len(s.QueryResultChecks) > 0 {
			return errors.New("a step with refresh-only, destroy, query, skip, taint, a configuration directory or file, " +
				"its own providers or refresh or query checks")
		}
	}
	return nil
}

// mergeKindConfigs is configuration a with b's added: b without its provider block, which
// must be a's, and with its variables renamed (renameVariables).
func mergeKindConfigs(a, b, prefix string) (string, error) {
	if b == "" {
		return a, nil
	}
	providerB, restB, err := cutProviderBlock(b)
	if err != nil {
		return "", err
	}
	providerA, _, err := cutProviderBlock(a)
	if err != nil {
		return "", err
	}
	if providerB != providerA {
		return "", fmt.Errorf("the kinds' configurations have different provider blocks:\n%s\n%s", providerA, providerB)
	}
	return a + renameVariables(restB, prefix), nil
}

// providerBlockStart opens the provider's configuration block.
const providerBlockStart = `provider "idcsmfa" {`

// cutProviderBlock splits cfg into its provider block (empty if it has none) and the rest. A
// second provider block is refused: zipped kinds share one provider configuration.
func cutProviderBlock(cfg string) (block, rest string, err error) {
	start := strings.Index(cfg, providerBlockStart)
	if start < 0 {
		return "", cfg, nil
	}
	depth, inString := 0, false
	for i := start; i < len(cfg); i++ {
		switch c := cfg[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				block, rest = cfg[start:i+1], cfg[:start]+cfg[i+1:]
				if strings.Contains(rest, providerBlockStart) {
					return "", "", errors.New("a configuration with two provider blocks")
				}
				return block, rest, nil
			}
		}
	}
	return "", "", errors.New("a provider block that does not close")
}

var variableDeclaration = regexp.MustCompile(`variable "([A-Za-z0-9_-]+)"`)

// renameVariables prefixes the name of every variable cfg declares, in its declaration and in
// every var.<name> reference.
func renameVariables(cfg, prefix string) string {
	for _, m := range variableDeclaration.FindAllStringSubmatch(cfg, -1) {
		name := m[1]
		cfg = strings.ReplaceAll(cfg, `variable "`+name+`"`, `variable "`+prefix+name+`"`)
		cfg = regexp.MustCompile(`\bvar\.`+regexp.QuoteMeta(name)+`\b`).ReplaceAllString(cfg, "var."+prefix+name)
	}
	return cfg
}

// mergeKindVariables is a's variables and b's, b's renamed with prefix.
func mergeKindVariables(a, b config.Variables, prefix string) config.Variables {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	vars := config.Variables{}
	for name, v := range a {
		vars[name] = v
	}
	for name, v := range b {
		vars[prefix+name] = v
	}
	return vars
}

func bothFuncs(a, b func()) func() {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func() { a(); b() }
}

func bothChecks(a, b resource.TestCheckFunc) resource.TestCheckFunc {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func(s *terraform.State) error { return errors.Join(a(s), b(s)) }
}

// bothMatch matches an output in which a and b each match a part, in either order: the kinds'
// diagnostics come in the order the resources failed.
func bothMatch(a, b *regexp.Regexp) *regexp.Regexp {
	ra, rb := "(?:"+a.String()+")", "(?:"+b.String()+")"
	return regexp.MustCompile(`(?s)(?:` + ra + `.*` + rb + `|` + rb + `.*` + ra + `)`)
}
