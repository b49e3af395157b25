package provider

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

type countingLister struct {
	calls   atomic.Int32
	release chan struct{} // when set, each call waits for it
	err     error
}

func (l *countingLister) ListFactors(_ context.Context, userID string) (*client.UserFactors, error) {
	l.calls.Add(1)
	if l.release != nil {
		<-l.release
	}
	if l.err != nil {
		return nil, l.err
	}
	return &client.UserFactors{UserGUID: userID, Factors: []client.Factor{{FactorID: "f1", Methods: []string{"SMS"}}}}, nil
}

func TestFactorListingsShareOneRequestAmongConcurrentReads(t *testing.T) {
	l := &countingLister{release: make(chan struct{})}
	listings := newFactorListings(l)
	var wg sync.WaitGroup
	results := make(chan *client.UserFactors, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			list, err := listings.get(context.Background(), "u1")
			if err != nil {
				t.Error(err)
			}
			results <- list
		}()
	}
	// Let every reader reach the listing in flight before it answers.
	for l.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(l.release)
	wg.Wait()
	close(results)
	for list := range results {
		if findFactor(list, "f1") == nil {
			t.Fatalf("a reader got %+v", list)
		}
	}
	if got := l.calls.Load(); got != 1 {
		t.Errorf("10 concurrent reads of one user made %d listing requests, want 1", got)
	}
	if _, err := listings.get(context.Background(), "u2"); err != nil || l.calls.Load() != 2 {
		t.Errorf("another user must be listed on its own: calls %d, err %v", l.calls.Load(), err)
	}
}

func TestFactorListingsExpireAndAreForgotten(t *testing.T) {
	l := &countingLister{}
	listings := newFactorListings(l)
	now := time.Unix(1000, 0)
	listings.now = func() time.Time { return now }
	get := func() {
		t.Helper()
		if _, err := listings.get(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
	}
	get()
	get()
	if l.calls.Load() != 1 {
		t.Fatalf("a fresh listing was fetched again: %d calls", l.calls.Load())
	}
	now = now.Add(factorListingTTL)
	get()
	if l.calls.Load() != 2 {
		t.Fatalf("a listing older than the TTL was reused: %d calls", l.calls.Load())
	}
	listings.forget("u1")
	get()
	if l.calls.Load() != 3 {
		t.Fatalf("a forgotten listing was reused: %d calls", l.calls.Load())
	}
}

func TestFactorListingsDoNotKeepErrors(t *testing.T) {
	l := &countingLister{err: errors.New("boom")}
	listings := newFactorListings(l)
	if _, err := listings.get(context.Background(), "u1"); err == nil {
		t.Fatal("want the listing's error")
	}
	l.err = nil
	if _, err := listings.get(context.Background(), "u1"); err != nil {
		t.Fatalf("an error was cached: %v", err)
	}
	if l.calls.Load() != 2 {
		t.Errorf("calls = %d, want 2", l.calls.Load())
	}
}

func TestFactorListingsWaiterHonoursItsContext(t *testing.T) {
	l := &countingLister{release: make(chan struct{})}
	listings := newFactorListings(l)
	go func() { _, _ = listings.get(context.Background(), "u1") }()
	for l.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := listings.get(ctx, "u1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled waiter got %v, want context.Canceled", err)
	}
	close(l.release)
}
