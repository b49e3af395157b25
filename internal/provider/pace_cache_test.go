package provider

import (
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// paceCacheRun applies 40 factors over 20 users on an emulator with a Free domain's limits 50 ms away,
// without domain_type, then refreshes and destroys them, each step starting as a new provider
// process would (client.ForgetPacer) with the domain's whole budget (a quiet minute), and the
// pace cache set to cache. It returns the 429s of each of the three steps.
func paceCacheRun(t *testing.T, cache string) (apply, refresh, destroy int) {
	t.Setenv(client.PaceCacheEnv, cache)
	env := newTestEnv(t, func(c *emulator.Config) { c.RateLimits = "free" })
	env.requireEmulator(t, "the emulator's model of the domain's rate limits")
	shape := bulkShape{users: 20, smsPerUser: 1}
	ids := newBulkUsers(t, env, shape.users)
	// 50 ms away, as a real domain is: the requests a new process has in flight when the
	// first 429 returns are a burst (at no latency, a loaded machine spaces them itself).
	env.Emulator.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})
	cfg := env.providerConfig() + bulkFactorsConfig(ids, shape.smsPerUser)
	limited := func() int { return env.Emulator.Stats().Faults.RateLimited }
	newProcess := func() {
		client.ForgetPacer(env.Host)
		env.Emulator.ResetRateLimits()
		env.Emulator.ResetStats()
	}
	t.Cleanup(func() { client.ForgetPacer(env.Host) })
	accTest(t, checkNoFactorsLeft(env, ids...),
		resource.TestStep{
			PreConfig: newProcess,
			Config:    cfg,
			Check:     checkBulkConverged(env, ids, shape.factors(), nil),
		},
		// A refresh-only plan: 20 factor listings, twice Terraform's parallelism.
		resource.TestStep{PreConfig: func() { apply = limited(); newProcess() }, Config: cfg, PlanOnly: true},
		// A destroy: its refresh and its deletions (a plan -destroy and its apply).
		resource.TestStep{PreConfig: func() { refresh = limited(); newProcess() }, Config: cfg, Destroy: true},
	)
	// The destroy's count: with the state empty, the TestCase ends without another terraform
	// run, and the emulator lives until the test ends.
	return apply, refresh, limited()
}

// Without domain_type, what the apply's 429s taught is kept in the pace cache, so that the
// refresh and the destroy that follow, in provider processes of their own, start at the
// learned pace instead of overrunning the Free domain's 10 a second with their first burst;
// with the cache off, each process meets that burst again.
func TestAccPaceCache_nextProcessStartsAtTheLearnedPace(t *testing.T) {
	dir := t.TempDir()
	apply, refresh, destroy := paceCacheRun(t, dir)
	t.Logf("with the pace cache: 429s in apply %d, refresh %d, destroy %d", apply, refresh, destroy)
	if files, _ := os.ReadDir(dir); len(files) != 1 {
		t.Errorf("the pace cache holds %d files after a run that met 429s, want one for the domain", len(files))
	}
	offApply, offRefresh, offDestroy := paceCacheRun(t, "off")
	t.Logf("pace cache off: 429s in apply %d, refresh %d, destroy %d", offApply, offRefresh, offDestroy)

	if apply == 0 || offApply == 0 {
		t.Fatalf("no 429 in an apply at Terraform's parallelism against a free domain's 10 a second: the emulator's limits are not on")
	}
	if offRefresh == 0 || offDestroy == 0 {
		t.Errorf("with the cache off the refresh met %d 429s and the destroy %d, want each its first burst's", offRefresh, offDestroy)
	}
	if refresh+destroy > 1 || 2*(refresh+destroy) > offRefresh+offDestroy {
		t.Errorf("with the cache the refresh and the destroy met %d 429s, want at most 1 and at most half the %d without it",
			refresh+destroy, offRefresh+offDestroy)
	}
}
