package client_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// TestRateLimitedThroughput: 100 calls, 10 at a time, against a 10 req/s limit all succeed,
// each served exactly once. The time against the limit's floor ((100 - burst of 10) / 10 per
// second = 9 s) is logged, not asserted: timing belongs to make bench, not to tests.
func TestRateLimitedThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 10 s")
	}
	emu, host := startEmulator(t, emulator.Config{})
	c := newClient(t, host, func(c *client.Config) { c.RetryWaitMin, c.RetryWaitMax = 0, 0 })
	if _, err := c.ListFactors(context.Background(), emulator.AliceID); err != nil {
		t.Fatal(err)
	}
	emu.SetFaults(emulator.Faults{RateLimitPerSecond: 10})
	time.Sleep(1100 * time.Millisecond)
	emu.ResetStats()
	const n, par = 100, 10
	var next atomic.Int32
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < par; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= n {
				if _, err := c.ListFactors(context.Background(), emulator.AliceID); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	st := emu.Stats()
	floor := time.Duration(n-10) * 100 * time.Millisecond
	t.Logf("%d calls in %v (floor %v, ratio %.2f); 429s %d", n, el, floor, el.Seconds()/floor.Seconds(), st.Faults.RateLimited)
	if got := st.Requests["GET /mfa/v1/users/{id}/factors"] - st.Faults.RateLimited; got != n {
		t.Errorf("%d calls served, want %d", got, n)
	}
}
