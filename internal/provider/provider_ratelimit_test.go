package provider

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

func TestProvider_resolveRateLimits(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, tc := range []struct {
		name       string
		domainType types.String
		capacity   types.Int64
		env        map[string]string
		wantType   string
		wantCap    int
		wantErr    string
	}{
		{name: "nothing set: adaptive, the client's default share", domainType: types.StringNull(), capacity: types.Int64Null()},
		{name: "block", domainType: types.StringValue("premium"), capacity: types.Int64Value(80), wantType: "premium", wantCap: 80},
		{name: "environment", domainType: types.StringNull(), capacity: types.Int64Null(),
			env: map[string]string{envDomainType: "Free", envAPICapacity: "100%"}, wantType: "free", wantCap: 100},
		{name: "the console's spelling", domainType: types.StringValue("Oracle Apps Premium"), capacity: types.Int64Null(),
			env: map[string]string{envDomainType: "External User"}, wantType: "oracle-apps-premium", wantCap: 0},
		{name: "the console's spelling from the environment", domainType: types.StringNull(), capacity: types.Int64Null(),
			env: map[string]string{envDomainType: "External  User"}, wantType: "external-user", wantCap: 0},
		{name: "block wins", domainType: types.StringValue("oracle-apps"), capacity: types.Int64Value(30),
			env: map[string]string{envDomainType: "free", envAPICapacity: "100"}, wantType: "oracle-apps", wantCap: 30},
		{name: "unknown type from the environment", domainType: types.StringNull(), capacity: types.Int64Null(),
			env: map[string]string{envDomainType: "gold"}, wantErr: "is not a domain type: use one of free, oracle-apps"},
		{name: "capacity out of range from the environment", domainType: types.StringNull(), capacity: types.Int64Null(),
			env: map[string]string{envAPICapacity: "0"}, wantErr: "IDCS_API_CAPACITY=\"0\" is not a percentage from 1 to 100"},
		{name: "unknown at plan time", domainType: types.StringUnknown(), capacity: types.Int64Null(), wantErr: "must be known to plan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dt, pct, diags := resolveRateLimits(tc.domainType, tc.capacity, env(tc.env))
			if tc.wantErr != "" {
				if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tc.wantErr) {
					t.Fatalf("diags %v, want an error saying %q", diags, tc.wantErr)
				}
				return
			}
			if diags.HasError() || dt != tc.wantType || pct != tc.wantCap {
				t.Fatalf("got %q %d %v, want %q %d", dt, pct, diags, tc.wantType, tc.wantCap)
			}
			if _, err := client.New(client.Config{Host: "https://idcs-x.identity.oraclecloud.com", AccessToken: "t", DomainType: dt, APICapacity: pct}); err != nil {
				t.Errorf("the client refuses what the provider accepted: %v", err)
			}
		})
	}
}

// The schema refuses a domain type or a capacity it does not know, at plan time, naming the
// attribute.
func TestAccProvider_rateLimitSettingsValidated(t *testing.T) {
	env, userID := newEmulatorUser(t, "the cases use the emulator's address")
	for _, tc := range []struct{ settings, want string }{
		{`domain_type = "gold"`, `"gold" is not a domain type: use one of free,`},
		{`api_capacity = 0`, `api_capacity value must be between 1 and 100`},
	} {
		block := strings.Replace(env.providerConfig(), "provider \"idcsmfa\" {\n", "provider \"idcsmfa\" {\n  "+tc.settings+"\n", 1)
		accTest(t, nil, tfresource.TestStep{
			Config:      testAccProviderOnlyConfig(block, userID),
			PlanOnly:    true,
			ExpectError: diagRE(tc.want),
		})
	}
}

// A host that refuses connections or does not resolve fails the apply within seconds, with a
// summary that names the cause and the host (not the step that met it), instead of about 40
// seconds of retries titled after an internal step.
func TestAccProvider_unreachableHostFailsFast(t *testing.T) {
	env, userID := newEmulatorUser(t, "a user id for the configuration")
	refused := httptest.NewServer(http.NotFoundHandler())
	refused.Close()
	for _, tc := range []struct{ host, named string }{
		{refused.URL, strings.TrimPrefix(refused.URL, "http://")}, // the port too: it may be the typo
		{"https://idcs-0123456789abcdef.invalid", "idcs-0123456789abcdef.invalid"},
	} {
		start := time.Now()
		accTest(t, nil, tfresource.TestStep{
			Config:      testAccProviderOnlyConfig(providerBlock(tc.host, env.ClientID, env.ClientSecret, ""), userID),
			ExpectError: diagRE("Cannot reach the identity domain at "+tc.named, "Check that host"),
		})
		// Terraform's own init, plan and apply included, which take seconds of their own on a
		// busy machine (10.9 s seen at a load average near 20 on 2 cores): the bound tells the fast failure from the failure budget's 40 seconds of
		// retries, not the machine's speed. BENCHMARKS.md and the closing notes give the times.
		if took := time.Since(start); took > 30*time.Second {
			t.Errorf("%s: the apply failed after %s, want well under the 40 s of retries it took before", tc.host, took.Round(100*time.Millisecond))
		} else {
			t.Logf("%s: failed after %s", tc.host, took.Round(100*time.Millisecond))
		}
	}
}
