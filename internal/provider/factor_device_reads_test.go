package provider

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// N creates over M users read the users' devices M times, each user's creates take turns,
// and each sees what the earlier ones enrolled (issue 24, item 5).
func TestUserDeviceReads_oneReadPerUser(t *testing.T) {
	u := newUserDeviceReads()
	var reads atomic.Int32
	read := func(_ context.Context, userID string) ([]client.MFADevice, error) {
		reads.Add(1)
		return []client.MFADevice{{Value: userID + "-old", FactorType: client.MethodSMS}}, nil
	}
	const users, perUser = 5, 4
	var inTurn [users]atomic.Int32
	var wg sync.WaitGroup
	seen := make([][]int, users)
	var mu sync.Mutex
	for i := range users {
		for j := range perUser {
			wg.Add(1)
			go func() {
				defer wg.Done()
				userID := fmt.Sprintf("u%d", i)
				devices, release, err := u.take(t.Context(), userID, read)
				if err != nil {
					t.Error(err)
				}
				if inTurn[i].Add(1) != 1 {
					t.Errorf("two creates of user %s at once", userID)
				}
				mu.Lock()
				seen[i] = append(seen[i], len(devices))
				mu.Unlock()
				inTurn[i].Add(-1)
				release(&client.MFADevice{Value: fmt.Sprintf("%s-new%d", userID, j)}, true)
			}()
		}
	}
	wg.Wait()
	if n := reads.Load(); n != users {
		t.Errorf("%d reads for %d creates over %d users, want %d", n, users*perUser, users, users)
	}
	for i, s := range seen {
		total := 0
		for _, n := range s {
			total += n
		}
		// The creates see 1, 2, 3, 4 devices in some order: each earlier create's device.
		if total != 1+2+3+4 {
			t.Errorf("user %d's creates saw %v devices, want each earlier create's device added", i, s)
		}
	}
}

// A create that sent its request and made nothing known, and a delete, make the next create
// read again; a read that failed for another reason than a refusal is not shared.
func TestUserDeviceReads_readAgainWhenUnsure(t *testing.T) {
	u := newUserDeviceReads()
	var reads atomic.Int32
	fail := true
	read := func(context.Context, string) ([]client.MFADevice, error) {
		reads.Add(1)
		if fail {
			fail = false
			return nil, fmt.Errorf("HTTP 500")
		}
		return nil, nil
	}
	step := func(added *client.MFADevice, sent bool) {
		_, release, _ := u.take(t.Context(), "u", read)
		release(added, sent)
	}
	step(nil, false)                           // the read fails: not shared
	step(&client.MFADevice{Value: "f1"}, true) // read again, and shared from here
	step(&client.MFADevice{Value: "f2"}, true) // shared
	step(nil, true)                            // sent, nothing known: the next create reads
	step(nil, false)                           // read again
	u.stale("u")                               // a delete
	step(nil, false)                           // read again
	if n := reads.Load(); n != 4 {
		t.Errorf("%d reads, want 4", n)
	}
}

// Without the role, the refusal is shared: asking again would be refused again.
func TestUserDeviceReads_refusalIsShared(t *testing.T) {
	u := newUserDeviceReads()
	var reads atomic.Int32
	read := func(context.Context, string) ([]client.MFADevice, error) {
		reads.Add(1)
		return nil, fmt.Errorf("no role: %w", client.ErrForbidden)
	}
	for range 3 {
		_, release, err := u.take(t.Context(), "u", read)
		if err == nil {
			t.Error("the refusal was lost")
		}
		release(&client.MFADevice{Value: "f"}, true)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads, want 1", n)
	}
}
