package provider

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

const scimUsersKey = "GET /admin/v1/Users"

func userValue(id, name, mfaStatus string, preferred knownvalue.Check, enrolled int64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"user_id":          knownvalue.StringExact(id),
		"user_name":        knownvalue.StringExact(name),
		"mfa_status":       knownvalue.StringExact(mfaStatus),
		"preferred_factor": preferred,
		"enrolled_devices": knownvalue.Int64Exact(enrolled),
	})
}

func TestAccUsers_filterAndMFAStatus(t *testing.T) {
	t.Parallel()
	env, ids := newEmulatorWithUsers(t, "a domain with known users", "ci-gamma", "ci-alpha", "dev-delta", "ci-beta")
	enrollDirect(t, env, ids["ci-beta"], emailSkip())
	enrollDirect(t, env, ids["ci-gamma"], smsReq("7700900555", true))
	enrollDirect(t, env, ids["ci-gamma"], emailSkip())
	enrollDirect(t, env, ids["dev-delta"], emailSkip())
	// A pending factor is a device but not an enrolled one.
	enrollDirect(t, env, ids["ci-alpha"], smsReq("7700900666", false))

	accTest(t, nil, resource.TestStep{
		Config: env.providerConfig() + `
data "idcsmfa_users" "ci" {
  filter = "userName sw \"ci-\""
}

data "idcsmfa_users" "all" {}

output "ci_without_mfa" {
  value = [for u in data.idcsmfa_users.ci.users : u.user_name if u.enrolled_devices == 0]
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.idcsmfa_users.ci", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
				userValue(ids["ci-alpha"], "ci-alpha", "UN_ENROLLED", knownvalue.Null(), 0),
				userValue(ids["ci-beta"], "ci-beta", "ENROLLED", knownvalue.StringExact("EMAIL"), 1),
				userValue(ids["ci-gamma"], "ci-gamma", "ENROLLED", knownvalue.StringExact("SMS"), 2),
			})),
			statecheck.ExpectKnownValue("data.idcsmfa_users.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(4)),
			statecheck.ExpectKnownValue("data.idcsmfa_users.all", tfjsonpath.New("users").AtSliceIndex(3),
				userValue(ids["dev-delta"], "dev-delta", "ENROLLED", knownvalue.StringExact("EMAIL"), 1)),
			statecheck.ExpectKnownOutputValue("ci_without_mfa", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("ci-alpha")})),
		},
	})
}

func TestAccUsers_badFilter(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)

	accTest(t, nil, resource.TestStep{
		Config: env.providerConfig() + `
data "idcsmfa_users" "bad" {
  filter = "userName sw"
}
`,
		ExpectError: regexp.MustCompile(`(?s)Could not list users.*HTTP\s+400.*Check\s+the\s+SCIM\s+filter`),
	})
}

// TestAccUsers_badInput: a listing that fails creates nothing (see badInputCase).
func TestAccUsers_badInput(t *testing.T) {
	runBadInputCases(t, []badInputCase{{
		name: "users with a malformed SCIM filter",
		steps: refusedBesideProvider(func(*testEnv, string) string {
			return "data \"idcsmfa_users\" \"test\" {\n  filter = \"userName starts ci-\"\n}\n"
		}, diagRE("Could not list users", "Check the SCIM filter", "userName sw")),
	}})
}

// TestAccUsers_paging2500 audits a domain of 2,500 users and proves the listing takes one
// request per 1,000-user page: ceil(2500/1000) = 3, not one per user nor per default page of 50.
func TestAccUsers_paging2500(t *testing.T) {
	t.Parallel()
	const n = 2500
	users := make([]emulator.User, n)
	for i := range users {
		name := fmt.Sprintf("audit-%04d", i)
		users[i] = emulator.User{UserName: name, Email: name + "@example.com"}
	}
	env := newTestEnv(t, func(c *emulator.Config) { c.Users = users })
	env.requireEmulator(t, "a domain of 2,500 users and its request counters")
	held := env.Emulator.Users()
	withMFA := map[string]bool{}
	for _, i := range []int{0, 999, 1000, 2499} { // page edges
		enrollDirect(t, env, held[i].ID, emailSkip())
		withMFA[held[i].UserName] = true
	}
	wantPages := int(math.Ceil(float64(len(held)) / 1000))

	accTest(t, nil, resource.TestStep{
		// The data source is read once, while planning; nothing else lists users.
		PreConfig: env.Emulator.ResetStats,
		Config: env.providerConfig() + `
data "idcsmfa_users" "all" {}

output "without_mfa_count" {
  value = length([for u in data.idcsmfa_users.all.users : u if u.enrolled_devices == 0])
}
`,
		Check: resource.ComposeTestCheckFunc(
			func(*terraform.State) error {
				stats := env.Emulator.Stats()
				total := 0
				for _, c := range stats.Requests {
					total += c
				}
				pages := stats.Requests[scimUsersKey]
				t.Logf("users audit of %d users: %d HTTP requests in all, %d of them %s (%d token)", len(held), total, pages, scimUsersKey, stats.TokenRequests)
				fmt.Printf("users audit: %d users listed with %d HTTP requests (%d %s, %d token)\n", len(held), total, pages, scimUsersKey, stats.TokenRequests)
				if pages != wantPages {
					return fmt.Errorf("%d %s requests for %d users; want %d (one per 1000-user page)", pages, scimUsersKey, len(held), wantPages)
				}
				if other := total - pages - stats.TokenRequests; other != 0 {
					return fmt.Errorf("the audit made %d requests besides the user pages and the token: %v", other, stats.Requests)
				}
				return nil
			},
			resource.TestCheckResourceAttr("data.idcsmfa_users.all", "users.#", strconv.Itoa(len(held))),
			resource.TestCheckOutput("without_mfa_count", strconv.Itoa(len(held)-len(withMFA))),
			checkUsersMatchEmulator(held, withMFA),
		),
	})
}

// checkUsersMatchEmulator compares every listed user, in order, with what the emulator holds:
// no user lost or repeated at a page edge.
func checkUsersMatchEmulator(held []emulator.User, withMFA map[string]bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources["data.idcsmfa_users.all"].Primary.Attributes
		want := append([]emulator.User(nil), held...)
		sort.Slice(want, func(i, j int) bool { return want[i].UserName < want[j].UserName })
		for i, u := range want {
			prefix := "users." + strconv.Itoa(i) + "."
			if attrs[prefix+"user_id"] != u.ID || attrs[prefix+"user_name"] != u.UserName {
				return fmt.Errorf("users[%d] is %s/%s, want %s/%s", i, attrs[prefix+"user_id"], attrs[prefix+"user_name"], u.ID, u.UserName)
			}
			wantDevices := "0"
			if withMFA[u.UserName] {
				wantDevices = "1"
			}
			if attrs[prefix+"enrolled_devices"] != wantDevices {
				return fmt.Errorf("users[%d] (%s) has enrolled_devices %s, want %s", i, u.UserName, attrs[prefix+"enrolled_devices"], wantDevices)
			}
		}
		return nil
	}
}

func TestUserMFASummary(t *testing.T) {
	t.Parallel()
	noMFA := userMFASummary(client.SCIMUser{ID: "1", UserName: "a"})
	if !noMFA.MFAStatus.IsNull() || !noMFA.PreferredFactor.IsNull() || noMFA.EnrolledDevices.ValueInt64() != 0 {
		t.Fatalf("a user without the MFA extension: %+v", noMFA)
	}
	got := userMFASummary(client.SCIMUser{ID: "2", UserName: "b", MFA: &client.MFAExtension{
		MFAStatus: "ENROLLED", PreferredAuthenticationFactor: "SMS",
		Devices: []client.MFADevice{
			{Value: "d1", Status: "ENROLLED", FactorStatus: "ENROLLED"},
			{Value: "d2", Status: "INITIATED", FactorStatus: "ENROLLMENT_INITIATED"},
			{Value: "d3", Status: "ENROLLED"}, // no factorStatus: status stands in
			{Value: "d4", Status: "ACTIVE", FactorStatus: "ENROLLED"},
		},
	}})
	if got.MFAStatus.ValueString() != "ENROLLED" || got.PreferredFactor.ValueString() != "SMS" || got.EnrolledDevices.ValueInt64() != 3 {
		t.Fatalf("summary %+v; want ENROLLED, SMS, 3 enrolled devices", got)
	}
}

func TestListUsersErrorDetail(t *testing.T) {
	t.Parallel()
	filter := types.StringValue(`userName sw`)
	bad := listUsersErrorDetail(&client.APIError{StatusCode: 400, Code: "invalidFilter", Message: "Bad filter."}, filter)
	if !strings.Contains(bad, "HTTP 400 invalidFilter: Bad filter.") || !strings.Contains(bad, `Check the SCIM filter "userName sw"`) {
		t.Errorf("bad filter detail:\n%s", bad)
	}
	denied := listUsersErrorDetail(&client.APIError{StatusCode: 403, Message: "Forbidden"}, types.StringNull())
	if !strings.Contains(denied, "User Administrator") || strings.Contains(denied, "SCIM filter") {
		t.Errorf("forbidden detail:\n%s", denied)
	}
}
