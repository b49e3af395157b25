package provider

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// rateLimitedRun applies, refreshes and destroys shape's factors on an emulator with a free
// domain's rate limits, with the provider's rate-limit settings in settings, and returns the
// emulator's counts over the whole run and how long the apply took.
func rateLimitedRun(t *testing.T, shape bulkShape, settings string) (*testEnv, []string, emulator.Stats, time.Duration) {
	env := newTestEnv(t, func(c *emulator.Config) { c.RateLimits = "free" })
	env.requireEmulator(t, "the emulator's model of the domain's rate limits")
	ids := newBulkUsers(t, env, shape.users)
	provider := strings.Replace(env.providerConfig(), "provider \"idcsmfa\" {\n", "provider \"idcsmfa\" {\n"+settings, 1)
	cfg := provider + bulkFactorsConfig(ids, shape.smsPerUser)
	var start time.Time
	var applied time.Duration
	accTest(t, checkNoFactorsLeft(env, ids...), resource.TestStep{
		PreConfig: func() { env.Emulator.ResetStats(); start = time.Now() },
		Config:    cfg,
		Check: resource.ComposeTestCheckFunc(func(*terraform.State) error { applied = time.Since(start); return nil },
			checkBulkConverged(env, ids, shape.factors(), nil)),
	})
	return env, ids, env.Emulator.Stats(), applied
}

// limitedShare is how many of the run's API requests were answered 429, and of how many.
func limitedShare(s emulator.Stats) (limited, total int) {
	for _, n := range s.Requests {
		total += n
	}
	return s.Faults.RateLimited, total
}

// With domain_type = "free" and api_capacity = 100, a run of 50 factors over 10 users
// (apply, refresh, destroy: about 120 AuthN requests, within a free domain's 150 a minute,
// at Terraform's parallelism of 10) meets no 429 at all: the provider paces each group to
// the domain's limits instead of reacting to them.
func TestAccRateLimits_freeDomainPacedGetsNo429(t *testing.T) {
	t.Parallel()
	shape := bulkShape{users: 10, smsPerUser: 4}
	_, _, st, applied := rateLimitedRun(t, shape, "  domain_type  = \"free\"\n  api_capacity = 100\n")
	limited, total := limitedShare(st)
	authn := 0
	for k, n := range st.Requests {
		if strings.Contains(k, "/factors") {
			authn += n
		}
	}
	// The floor of the apply: its AuthN requests (one enrollment a factor) at 10 a second.
	floor := time.Duration(shape.factors()) * 100 * time.Millisecond
	t.Logf("%d factors: %d requests (%d AuthN) in the run, %d answered 429 %v; apply %s (AuthN floor %s, ratio %.2f)",
		shape.factors(), total, authn, limited, st.RateLimitedByGroup, applied.Round(10*time.Millisecond), floor, applied.Seconds()/floor.Seconds())
	if limited != 0 {
		t.Errorf("%d requests answered 429 (%v), want none with domain_type set", limited, st.RateLimitedByGroup)
	}
	if authn < shape.factors() {
		t.Errorf("%d AuthN requests for %d factors: the run did not do what it claims", authn, shape.factors())
	}
}

// Without domain_type the provider adapts: the same run meets some 429s (Terraform's ten
// concurrent creates exceed 10 a second at once) and still converges; a 429 slows the
// group for every request, so few requests meet one.
func TestAccRateLimits_freeDomainAdaptive(t *testing.T) {
	t.Parallel()
	shape := bulkShape{users: 10, smsPerUser: 4}
	env, ids, st, applied := rateLimitedRun(t, shape, "")
	limited, total := limitedShare(st)
	t.Logf("%d factors: %d requests in the run, %d answered 429 (%.1f%%) %v; apply %s",
		shape.factors(), total, limited, 100*float64(limited)/float64(total), st.RateLimitedByGroup, applied.Round(10*time.Millisecond))
	if limited == 0 {
		// A machine slow enough that Terraform never sent 10 AuthN requests in a second
		// meets none (3 or 4 is usual): then the limits must still be shown to be on.
		if n := burst429s(t, env, ids[0], 15); n == 0 {
			t.Errorf("no 429 in the run, nor to 15 requests at once: the emulator's limits are not on")
		}
		t.Logf("the run never exceeded the domain's rate, so the adaptation was not exercised (the pacer's unit tests cover it)")
	}
	if max := total / 10; limited > max {
		t.Errorf("%d of %d requests answered 429, want at most %d (10%%)", limited, total, max)
	}
}

// burst429s sends n concurrent reads of userID's factors (the AuthN group) with a token of
// its own and counts the answers 429.
func burst429s(t *testing.T, env *testEnv, userID string, n int) int {
	t.Helper()
	tok := fetchToken(t, env.Host, url.Values{"grant_type": {"client_credentials"}, "scope": {"urn:opc:idm:__myscopes__"}}, env.ClientID, env.ClientSecret)
	var limited atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, env.Host+"/mfa/v1/users/"+userID+"/factors", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("burst request: %v", err)
				return
			}
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests {
				limited.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(limited.Load())
}
