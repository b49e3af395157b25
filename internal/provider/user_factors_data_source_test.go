package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// emulatorDisplayName is what the emulator shows for a factor, the truth to compare with.
func emulatorDisplayName(t *testing.T, env *testEnv, userID, factorID string) string {
	t.Helper()
	for _, f := range env.emulatorFactors(userID) {
		if f.ID == factorID {
			return f.DisplayName
		}
	}
	t.Fatalf("factor %s of user %s not in the emulator", factorID, userID)
	return ""
}

func factorValue(id, displayName string, methods ...string) knownvalue.Check {
	ms := make([]knownvalue.Check, 0, len(methods))
	for _, m := range methods {
		ms = append(ms, knownvalue.StringExact(m))
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"factor_id":    knownvalue.StringExact(id),
		"methods":      knownvalue.ListExact(ms),
		"display_name": knownvalue.StringExact(displayName),
	})
}

func TestAccUserFactors_zeroOneSeveral(t *testing.T) {
	t.Parallel()
	env, ids := newEmulatorWithUsers(t, "users with known names and factors", "uf-none", "uf-one", "uf-many")
	none, one, many := ids["uf-none"], ids["uf-one"], ids["uf-many"]

	oneEmail := enrollDirect(t, env, one, emailSkip())
	// Enrolled first, so the preferred factor; the sort must still put EMAIL before SMS.
	manySMS1 := enrollDirect(t, env, many, smsReq("7700900111", true))
	manyEmail := enrollDirect(t, env, many, emailSkip())
	manySMS2 := enrollDirect(t, env, many, smsReq("7700900222", true))
	// Pending: the service lists enrolled factors only.
	enrollDirect(t, env, many, smsReq("7700900333", false))

	smsFirst, smsSecond := manySMS1, manySMS2
	if smsSecond < smsFirst {
		smsFirst, smsSecond = smsSecond, smsFirst
	}

	cfg := env.providerConfig() + fmt.Sprintf(`
data "idcsmfa_user_factors" "none" {
  user_id = %q
}

data "idcsmfa_user_factors" "one_by_name" {
  user_name = "uf-one"
}

data "idcsmfa_user_factors" "many" {
  user_id = %q
}
`, none, many)

	accTest(t, nil, resource.TestStep{
		Config: cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.none", tfjsonpath.New("factors"), knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.none", tfjsonpath.New("user_id"), knownvalue.StringExact(none)),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.none", tfjsonpath.New("preferred_factor_id"), knownvalue.Null()),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.none", tfjsonpath.New("preferred_method"), knownvalue.Null()),

			// Looked up by name: the GUID is resolved.
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.one_by_name", tfjsonpath.New("user_id"), knownvalue.StringExact(one)),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.one_by_name", tfjsonpath.New("factors"), knownvalue.ListExact([]knownvalue.Check{
				factorValue(oneEmail, emulatorDisplayName(t, env, one, oneEmail), "EMAIL"),
			})),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.one_by_name", tfjsonpath.New("preferred_factor_id"), knownvalue.StringExact(oneEmail)),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.one_by_name", tfjsonpath.New("preferred_method"), knownvalue.StringExact("EMAIL")),

			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.many", tfjsonpath.New("factors"), knownvalue.ListExact([]knownvalue.Check{
				factorValue(manyEmail, emulatorDisplayName(t, env, many, manyEmail), "EMAIL"),
				factorValue(smsFirst, emulatorDisplayName(t, env, many, smsFirst), "SMS"),
				factorValue(smsSecond, emulatorDisplayName(t, env, many, smsSecond), "SMS"),
			})),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.many", tfjsonpath.New("preferred_factor_id"), knownvalue.StringExact(manySMS1)),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.many", tfjsonpath.New("preferred_method"), knownvalue.StringExact("SMS")),
		},
	})
}

func TestAccUserFactors_byNameAndByIDAgree(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "demo users")
	enrollDirect(t, env, emulator.BobID, emailSkip())
	enrollDirect(t, env, emulator.BobID, smsReq("7700900444", true))

	accTest(t, nil, resource.TestStep{
		Config: env.providerConfig() + fmt.Sprintf(`
data "idcsmfa_user_factors" "by_id" {
  user_id = %q
}

data "idcsmfa_user_factors" "by_name" {
  user_name = "bob"
}
`, emulator.BobID),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.CompareValuePairs("data.idcsmfa_user_factors.by_id", tfjsonpath.New("factors"),
				"data.idcsmfa_user_factors.by_name", tfjsonpath.New("factors"), compare.ValuesSame()),
			statecheck.CompareValuePairs("data.idcsmfa_user_factors.by_id", tfjsonpath.New("user_id"),
				"data.idcsmfa_user_factors.by_name", tfjsonpath.New("user_id"), compare.ValuesSame()),
			statecheck.ExpectKnownValue("data.idcsmfa_user_factors.by_name", tfjsonpath.New("factors"), knownvalue.ListSizeExact(2)),
		},
	})
}

// TestAccUserFactors_refused: an unknown user, by name or id, is the service's AUTH-3018 with
// what was looked up; user_id and user_name are exactly one of, and user_id is a GUID (an
// OCID is refused at plan time).
func TestAccUserFactors_refused(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	steps := []resource.TestStep{{
		Config: env.providerConfig() + `
data "idcsmfa_user_factors" "missing" {
  user_name = "nobody-here"
}
`,
		ExpectError: regexp.MustCompile(`(?s)User not found.*user_name\s+"nobody-here".*AUTH-3018`),
	}, {
		Config: env.providerConfig() + `
data "idcsmfa_user_factors" "missing" {
  user_id = "0000000000000000000000000000dead"
}
`,
		ExpectError: regexp.MustCompile(`(?s)User not found.*0000000000000000000000000000dead.*AUTH-3018`),
	}}
	planOnly := func(config string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: env.providerConfig() + config, PlanOnly: true, ExpectError: want}
	}
	steps = append(steps,
		planOnly(`
data "idcsmfa_user_factors" "both" {
  user_id   = "a11ce000000000000000000000000001"
  user_name = "alice"
}
`, regexp.MustCompile(`(?s)Invalid Attribute Combination.*only one\) of \[user_id,user_name\] is`)),
		planOnly(`
data "idcsmfa_user_factors" "neither" {}
`, regexp.MustCompile(`(?s)Invalid Attribute Combination.*No attribute specified when one \(and only one\) of \[user_id,user_name\]`)),
		// user_id is checked like the factor resources' user_id: an OCID is refused at plan time.
		planOnly(`
data "idcsmfa_user_factors" "ocid" {
  user_id = "ocid1.user.oc1..aaaaaaaa5m3cjjlo7ml5ywkzcqbvnlh6rjvbdftqczjn6k5xtmnhcqwntkxq"
}
`, diagRE("OCID instead of the user's GUID", "To find a user's GUID")),
	)
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// TestAccUserFactors_badInput: a lookup that fails creates nothing (see badInputCase).
func TestAccUserFactors_badInput(t *testing.T) {
	runBadInputCases(t, []badInputCase{
		{
			name: "factors of an unknown user",
			steps: refusedBesideProvider(func(*testEnv, string) string {
				return "data \"idcsmfa_user_factors\" \"test\" {\n  user_id = \"0000000000000000000000000000dead\"\n}\n"
			}, diagRE("User not found", "no user with user_id", "Check the value")),
		},
		{
			name: "factors by user_id and user_name at once",
			steps: refusedBesideProvider(func(_ *testEnv, userID string) string {
				return fmt.Sprintf("data \"idcsmfa_user_factors\" \"test\" {\n  user_id   = %q\n  user_name = \"alice\"\n}\n", userID)
			}, diagRE("Invalid Attribute Combination", "user_id", "user_name")),
		},
	})
}

func TestSortedFactors(t *testing.T) {
	t.Parallel()
	got := sortedFactors([]client.Factor{
		{FactorID: "z", Methods: []string{"SMS"}},
		{FactorID: "BypassCode", Methods: []string{"BYPASSCODE"}},
		{FactorID: "b", Methods: []string{"SMS", "PHONE_CALL"}},
		{FactorID: "a", Methods: []string{"SMS"}},
		{FactorID: "e", Methods: []string{"EMAIL"}, DisplayName: "u@example.com"},
		{FactorID: "n", Methods: nil},
	})
	var order []string
	for _, f := range got {
		order = append(order, fmt.Sprintf("%s:%v", f.FactorID.ValueString(), f.Methods))
	}
	want := "[n:[] BypassCode:[BYPASSCODE] e:[EMAIL] b:[PHONE_CALL SMS] a:[SMS] z:[SMS]]"
	if fmt.Sprint(order) != want {
		t.Fatalf("order %v\nwant  %s", order, want)
	}
	if got[0].Methods == nil || !got[0].DisplayName.IsNull() || got[2].DisplayName.ValueString() != "u@example.com" {
		t.Fatalf("methods must never be nil, a missing display name must be null: %+v", got)
	}
	if empty := sortedFactors(nil); empty == nil || len(empty) != 0 {
		t.Fatalf("no factors must be an empty, non-nil list, got %#v", empty)
	}
}
