package provider

import (
	"context"
	"sync"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// factorListingTTL bounds how long a user's listing serves reads. A refresh reads all of a
// user's factors within a second or two; anything older is read again.
const factorListingTTL = 15 * time.Second

// factorLister is the one client call the listings need (a fake in unit tests).
type factorLister interface {
	ListFactors(ctx context.Context, userGUID string) (*client.UserFactors, error)
}

// factorListings shares one listing of a user's enrolled factors (E1) among the reads of that
// user's factors in one provider process, so that refreshing k factors of a user costs one
// request instead of k: what counts against the identity domain's rate limit. Concurrent
// reads of the same user wait for the one request in flight. The provider's own writes to a
// user's factors drop that user's listing.
type factorListings struct {
	client factorLister
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*factorListing

	// devices shares the users' SCIM device reads among creates (factor_device_reads.go).
	devices *userDeviceReads
}

type factorListing struct {
	done    chan struct{}
	fetched time.Time
	factors *client.UserFactors
	err     error
}

func newFactorListings(c factorLister) *factorListings {
	return &factorListings{client: c, now: time.Now, entries: map[string]*factorListing{}, devices: newUserDeviceReads()}
}

// get returns the user's enrolled factors, from a listing at most factorListingTTL old.
func (l *factorListings) get(ctx context.Context, userID string) (*client.UserFactors, error) {
	l.mu.Lock()
	e := l.entries[userID]
	fresh := e != nil && (!isClosed(e.done) || (e.err == nil && l.now().Sub(e.fetched) < factorListingTTL))
	if !fresh {
		e = &factorListing{done: make(chan struct{})}
		l.entries[userID] = e
		l.mu.Unlock()
		// The listing serves other reads too, so one caller's cancellation must not fail them.
		e.factors, e.err = l.client.ListFactors(context.WithoutCancel(ctx), userID)
		e.fetched = l.now()
		close(e.done)
		return e.factors, e.err
	}
	l.mu.Unlock()
	select {
	case <-e.done:
		return e.factors, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// forget drops a user's listing after the provider changed that user's factors.
func (l *factorListings) forget(userID string) {
	l.mu.Lock()
	delete(l.entries, userID)
	l.mu.Unlock()
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// find returns the listed factor with this id, or nil.
func findFactor(list *client.UserFactors, factorID string) *client.Factor {
	if list == nil {
		return nil
	}
	for i := range list.Factors {
		if list.Factors[i].FactorID == factorID {
			return &list.Factors[i]
		}
	}
	return nil
}
