package client

import (
	"reflect"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

// sendAt waits on the fake clock until p lets a request of groups go, and returns when; the
// request is answered at once.
func sendAt(p *pacer, c *fakeClock, groups []rateGroup) time.Time {
	wait, places := p.take(groups, false)
	for ; wait > 0; wait, places = p.take(groups, false) {
		c.advance(wait)
	}
	p.done(places)
	return c.now()
}

// waitFor is how long a request of groups would wait now; when it need not, it is sent and
// answered at once.
func waitFor(p *pacer, groups []rateGroup) time.Duration {
	wait, places := p.take(groups, false)
	p.done(places)
	return wait
}

// maxIn is the most times of ts (sorted) that fall in any window of length span.
func maxIn(ts []time.Time, span time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= span {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func TestGroupsOfFollowOraclesTable(t *testing.T) {
	for path, want := range map[string][]rateGroup{
		"/oauth2/v1/token":                                  {groupToken},
		"/mfa/v1/users/u1/factors":                          {groupAuthN},
		"/mfa/v1/users/u1/factors/f1":                       {groupAuthN},
		"/mfa/v1/requests":                                  {groupAuthN},
		"/mfa/v1/requests/r1":                               {groupAuthN},
		"/admin/v1/MyAuthenticationFactorEnroller":          {groupAuthN},
		"/admin/v1/MyAuthenticationFactorValidator":         {groupAuthN},
		"/admin/v1/MyAuthenticationFactorsRemover":          {groupAuthN},
		"/admin/v1/MyDevices/d1":                            {groupAuthN},
		"/admin/v1/AuthenticationFactorSettings/Authentica": {groupAuthN},
		"/admin/v1/Users":                                   {groupOthers},
		"/admin/v1/Users/u1":                                {groupOthers},
		"/admin/v1/Me":                                      {groupOthers},
		// Not in Oracle's table: paced for both.
		"/mfa/v1/users":    {groupAuthN, groupOthers},
		"/mfa/v1/users/u1": {groupAuthN, groupOthers},
	} {
		if got := groupsOf(path); !reflect.DeepEqual(got, want) {
			t.Errorf("groupsOf(%s) = %v, want %v", path, got, want)
		}
	}
}

// With the domain type known, the pacer books no more than the group's share of each limit
// in any second and any minute, and no less than it can: the free AuthN group (10/s,
// 150/min) at 100% lets 150 requests go within the first 15 seconds or so, then the 151st
// waits for the first to leave the minute.
func TestPacerKeepsEachGroupWithinItsLimits(t *testing.T) {
	for _, tc := range []struct {
		capacity             int
		perSecond, perMinute int
	}{{100, 10, 150}, {50, 5, 75}, {1, 1, 1}} {
		clock := newFakeClock()
		p := newPacer(DomainTypeFree, tc.capacity, DefaultRetryWaitMax, clock.now)
		var ts []time.Time
		for i := 0; i < 2*tc.perMinute+5; i++ {
			ts = append(ts, sendAt(p, clock, []rateGroup{groupAuthN}))
		}
		start := ts[0] // a second after the pacer's start: TestPacerWaitsASecondBeforeItsFirstRequest
		if got := maxIn(ts, time.Second); got != tc.perSecond {
			t.Errorf("capacity %d%%: %d requests in one second, want %d", tc.capacity, got, tc.perSecond)
		}
		if got := maxIn(ts, time.Minute); got != tc.perMinute {
			t.Errorf("capacity %d%%: %d requests in one minute, want %d", tc.capacity, got, tc.perMinute)
		}
		// The minute's share goes at the per-second pace, not spread over the minute.
		last := ts[tc.perMinute-1].Sub(start)
		if want := time.Duration(tc.perMinute/tc.perSecond) * 1150 * time.Millisecond; tc.perMinute > tc.perSecond && last > want {
			t.Errorf("capacity %d%%: the %dth request goes after %s, want at most %s", tc.capacity, tc.perMinute, last, want)
		}
		if next := ts[tc.perMinute].Sub(start); next < time.Minute || next > 61*time.Second {
			t.Errorf("capacity %d%%: request %d goes after %s, want just over a minute", tc.capacity, tc.perMinute+1, next)
		}
		// Other groups are not held up by the AuthN group.
		if wait := waitFor(p, []rateGroup{groupOthers}); wait != 0 {
			t.Errorf("an Others request waits %s behind AuthN", wait)
		}
	}
}

// Above an api_capacity of 50, a new process's first request that changes the service waits
// a second from the process's start: the process before it (Terraform's plan before its
// apply) may have used more than the rest of that second's budget. Reads never wait for it;
// at 50 or less, or without the domain type, nothing does.
func TestPacerFirstChangeWaitsForThePreviousProcessesSecond(t *testing.T) {
	authn := []rateGroup{groupAuthN}
	change := func(p *pacer) time.Duration {
		wait, places := p.take(authn, true)
		p.done(places)
		return wait
	}
	clock := newFakeClock()
	p := newPacer(DomainTypeFree, 100, DefaultRetryWaitMax, clock.now)
	if wait := waitFor(p, authn); wait != 0 {
		t.Errorf("a read waits %s at the process's start", wait)
	}
	if wait := change(p); wait != time.Second+windowMargin {
		t.Errorf("the first change waits %s, want a second (and the clock margin)", wait)
	}
	clock.advance(time.Second + windowMargin)
	if wait := change(p); wait != 0 {
		t.Errorf("a change a second after the start waits %s", wait)
	}
	for _, q := range []*pacer{newPacer(DomainTypeFree, 50, DefaultRetryWaitMax, clock.now), newPacer("", 100, DefaultRetryWaitMax, clock.now)} {
		if wait := change(q); wait != 0 {
			t.Errorf("the first change waits %s at api_capacity 50 or without a domain type", wait)
		}
	}
}

// A request holds its place in the window until its answer: the domain may count it as late
// as that, so the next window's requests wait a span from the answer, not from the send.
func TestPacerCountsARequestUntilItsAnswer(t *testing.T) {
	clock := newFakeClock()
	p := newPacer(DomainTypeFree, 100, DefaultRetryWaitMax, clock.now)
	authn := []rateGroup{groupAuthN}
	var inFlight [][]place
	for i := 0; i < 10; i++ {
		wait, places := p.take(authn, false)
		if wait != 0 {
			t.Fatalf("request %d of the first second waits %s", i+1, wait)
		}
		inFlight = append(inFlight, places)
	}
	clock.advance(2 * time.Second)
	if wait := waitFor(p, authn); wait == 0 || wait > inFlightPoll {
		t.Fatalf("with ten requests unanswered, the 11th waits %s, want to poll for an answer", wait)
	}
	for _, places := range inFlight {
		p.done(places)
	}
	if wait := waitFor(p, authn); wait != time.Second+windowMargin {
		t.Errorf("after the answers, the 11th waits %s, want a second from them", wait)
	}
}

// Requests to an endpoint Oracle's table does not place count against both groups.
func TestPacerChargesAnUnplacedEndpointToBothGroups(t *testing.T) {
	clock := newFakeClock()
	p := newPacer(DomainTypeFree, 100, DefaultRetryWaitMax, clock.now)
	for i := 0; i < 10; i++ {
		sendAt(p, clock, groupsOf("/mfa/v1/users/u1"))
	}
	if wait := waitFor(p, []rateGroup{groupAuthN}); wait < time.Second {
		t.Errorf("the 11th AuthN request of the second goes after %s, want a second", wait)
	}
	// Others allows 20 a second: 10 used.
	if wait := waitFor(p, []rateGroup{groupOthers}); wait != 0 {
		t.Errorf("an Others request waits %s with 10 of 20 used", wait)
	}
}

// Without the domain type, nothing waits until a 429; then every request of that group (not
// only the one answered 429) waits Retry-After and is spaced; further 429s of requests sent
// after the slowing widen the spacing by a quarter, earlier ones do not; answers bring the
// pace back gradually.
func TestAdaptivePacerSlowsTheGroupAfterA429AndRecovers(t *testing.T) {
	clock := newFakeClock()
	p := newPacer("", 0, DefaultRetryWaitMax, clock.now)
	authn := []rateGroup{groupAuthN}
	for i := 0; i < 100; i++ {
		if wait := waitFor(p, authn); wait != 0 {
			t.Fatalf("request %d waits %s before any 429", i, wait)
		}
	}
	sent := clock.now()
	clock.advance(10 * time.Millisecond)
	p.limited(authn, sent, 2*time.Second)
	p.limited(authn, sent, 2*time.Second) // the same round
	if got := p.groups[groupAuthN].gap; got != adaptiveFirstGap {
		t.Fatalf("gap after one round of 429s: %s, want %s", got, adaptiveFirstGap)
	}
	if wait := waitFor(p, []rateGroup{groupOthers}); wait != 0 {
		t.Errorf("an Others request waits %s for the AuthN group's 429", wait)
	}
	want := clock.now().Add(2 * time.Second)
	if first := sendAt(p, clock, authn); !first.Equal(want) {
		t.Errorf("the next request goes at %s, want after Retry-After (%s)", first, want)
	}
	if second := sendAt(p, clock, authn); second.Sub(want) != adaptiveFirstGap {
		t.Errorf("the one after it goes %s later, want %s", second.Sub(want), adaptiveFirstGap)
	}
	clock.advance(3 * time.Second)
	p.limited(authn, clock.now().Add(-time.Millisecond), time.Second)
	if got := p.groups[groupAuthN].gap; got != adaptiveFirstGap*5/4 {
		t.Errorf("gap after a 429 of a request sent after the slowing: %s, want %s", got, adaptiveFirstGap*5/4)
	}
	n := 0
	for ; p.groups[groupAuthN].gap > adaptiveFirstGap; n++ {
		p.answered(authn)
	}
	if n < 30 || n > 60 {
		t.Errorf("the widening was undone after %d answers, want gradually (30 to 60)", n)
	}
	for i := 0; i < 2000; i++ {
		p.answered(authn)
	}
	if got := p.groups[groupAuthN].gap; got != 0 {
		t.Errorf("gap after 2000 answers: %s, want none", got)
	}
}

// Every Client of the process on one host with the same settings shares one pacer.
func TestClientsOfOneDomainShareAPacer(t *testing.T) {
	mk := func(host, domainType string, capacity int) *pacer {
		c, err := New(Config{Host: host, AccessToken: "t", DomainType: domainType, APICapacity: capacity})
		if err != nil {
			t.Fatal(err)
		}
		return c.safe.HTTPClient.Transport.(*pacedTransport).pacer
	}
	a := mk("https://idcs-share.identity.oraclecloud.com", DomainTypeFree, 0)
	if b := mk("https://idcs-share.identity.oraclecloud.com/", DomainTypeFree, DefaultAPICapacity); a != b {
		t.Error("two clients of one domain have separate pacers")
	}
	if b := mk("https://idcs-other.identity.oraclecloud.com", DomainTypeFree, 0); a == b {
		t.Error("clients of two domains share a pacer")
	}
	for _, bad := range []Config{{DomainType: "gold"}, {APICapacity: 101}, {APICapacity: -1}} {
		bad.Host, bad.AccessToken = "https://idcs-x.identity.oraclecloud.com", "t"
		if _, err := New(bad); err == nil {
			t.Errorf("New accepted %+v", bad)
		}
	}
}
