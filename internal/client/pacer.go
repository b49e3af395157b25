package client

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// An identity domain limits requests per group of endpoints, per second and per minute, by
// domain type (Oracle's "API Rate Limits" table, API doc section 7.4). The AuthN group is the
// one the domain's own sign-in pages verify users through, so a provider that takes all of it
// turns people away while it applies. The pacer keeps every request of the process, retries
// and token requests included, within a share of each group's limits when the domain type is
// known, and slows a group for everyone when the domain answers 429.

// rateGroup is one of Oracle's rate-limit groups.
type rateGroup int

const (
	groupAuthN rateGroup = iota
	groupToken
	groupOthers
	groupCount
)

var groupNames = [groupCount]string{"AuthN", "Token Management", "Others"}

func (g rateGroup) String() string { return groupNames[g] }

// Domain types, as the provider's domain_type names them.
const (
	DomainTypeFree              = "free"
	DomainTypeOracleApps        = "oracle-apps"
	DomainTypeOracleAppsPremium = "oracle-apps-premium"
	DomainTypePremium           = "premium"
	DomainTypeExternalUser      = "external-user"
)

// DefaultAPICapacity is the share, in percent, of each group's limits the client uses when
// Config.APICapacity is 0: half, so that an apply at full speed still leaves the other half
// of the AuthN group to the people signing in through the domain's MFA API.
const DefaultAPICapacity = 50

// groupLimit is one group's published limit.
type groupLimit struct{ perSecond, perMinute int }

// domainLimits is Oracle's table (API doc section 7.4), per domain type: AuthN, Token
// Management, Others.
var domainLimits = map[string][groupCount]groupLimit{
	DomainTypeFree:              {{10, 150}, {10, 150}, {20, 150}},
	DomainTypeOracleApps:        {{50, 1000}, {40, 1000}, {50, 1500}},
	DomainTypeOracleAppsPremium: {{80, 2100}, {50, 1700}, {55, 1750}},
	DomainTypePremium:           {{95, 4500}, {65, 3400}, {90, 5000}},
	DomainTypeExternalUser:      {{90, 3100}, {60, 2300}, {80, 4000}},
}

// DomainTypes lists the domain types Config.DomainType accepts, in the order of Oracle's table.
func DomainTypes() []string {
	return []string{DomainTypeFree, DomainTypeOracleApps, DomainTypeOracleAppsPremium, DomainTypePremium, DomainTypeExternalUser}
}

var (
	// /mfa/v1/users/{id}/factors[/...]; /mfa/v1/users and /mfa/v1/users/{id} are not.
	factorsPath = regexp.MustCompile(`^/mfa/v1/users/[^/]+/factors(/|$)`)
	// The SCIM endpoints Oracle lists in the AuthN group.
	authnSCIMPath = regexp.MustCompile(`^/admin/v1/(My)?(AuthenticationFactor|BypassCodes|Devices)`)
)

// groupsOf returns the groups a request to path counts against. Oracle's table does not
// say where /mfa/v1/users (E2) and /mfa/v1/users/{id} (E7) belong (API doc 7.4, "[?]"), so
// they count against both AuthN and Others: paced for either, never over the one that
// turns out to hold them.
func groupsOf(path string) []rateGroup {
	switch {
	case strings.HasPrefix(path, "/oauth2/v1/"):
		return []rateGroup{groupToken}
	case strings.HasPrefix(path, "/mfa/v1/requests"), factorsPath.MatchString(path), authnSCIMPath.MatchString(path):
		return []rateGroup{groupAuthN}
	case strings.HasPrefix(path, "/mfa/v1/users"):
		return []rateGroup{groupAuthN, groupOthers}
	}
	return []rateGroup{groupOthers}
}

// Adaptive pacing, when the domain type is not known or the domain answers 429 anyway
// (someone else shares the budget): nothing waits until a 429 (a slow start at the smallest
// domain's limits was tried and dropped: it made a 300-factor apply against an unlimited
// domain 4x slower, 13.7 s against 3.1 s, to spare a Free domain the first burst of 429s,
// which domain_type spares it at no cost); the first 429 spaces the group's requests by
// adaptiveFirstGap (10 a second, the smallest per-second limit in Oracle's table), each
// further round of 429s (of requests sent after the last slowing) widens it by a quarter,
// up to adaptiveMaxGap or the client's longest retry wait, and each answer that is not a 429
// shortens it by 1/adaptiveRecovery: the pace comes back gradually (a widening is undone
// after about 45 answers) and probes for the limit again, so that few requests meet a 429
// while the pace stays within a quarter of the limit. A 429 also teaches the group's limit,
// which holds the group from then on and is kept for the next provider process on the domain
// (pacer_learn.go, pace_cache.go): nothing is learned, and nothing waits, until a 429.
const (
	adaptiveFirstGap = 100 * time.Millisecond
	adaptiveMaxGap   = time.Second // past it, Retry-After says how long to wait
	adaptiveRecovery = 200
	adaptiveMinGap   = 5 * time.Millisecond // below it, the group is no longer paced
)

// window allows at most limit requests in any span as the domain counts them. The domain
// counts a request when it gets it, at some time between its send and its answer: so a
// request holds its place from its send until its answer, and a new one may go a span after
// the limit-th last one (and every one before it) was answered. A slow answer (the network,
// a busy machine) then delays the next requests instead of squeezing them into the span,
// with no guessed margin. Oracle does not say how it counts (fixed or sliding windows); no
// more than limit in any span satisfies both.
type window struct {
	span  time.Duration
	limit int
	// answered holds when each of the last limit requests was answered, zero while it is in
	// flight; a ring from head when full. Each is the request's own, so that the ring can be
	// resized (a learned limit, pacer_learn.go) while requests are in flight.
	answered []*time.Time
	head     int
	floor    time.Time // the latest answer of the requests that left the ring
}

// windowMargin covers the difference between this machine's clock and the domain's.
const windowMargin = 10 * time.Millisecond

// inFlightPoll is how often a request waiting for an answer that frees its place asks again.
const inFlightPoll = 10 * time.Millisecond

func newWindow(limit int, span time.Duration) *window {
	return &window{span: span + windowMargin, limit: limit, answered: make([]*time.Time, 0, limit)}
}

func (w *window) earliest(now time.Time) time.Time {
	if len(w.answered) < w.limit {
		return time.Time{}
	}
	if w.answered[w.head].IsZero() {
		return now.Add(inFlightPoll)
	}
	return latest(w.floor, *w.answered[w.head]).Add(w.span)
}

// record books a request sent now (earliest has allowed it) and returns its place.
func (w *window) record() place {
	pl := place(new(time.Time))
	if len(w.answered) < w.limit {
		w.answered = append(w.answered, pl)
		return pl
	}
	i := w.head
	w.floor = latest(w.floor, *w.answered[i])
	w.answered[i] = pl
	w.head = (i + 1) % w.limit
	return pl
}

// place is a request's place in a window: when it was answered, zero until then.
type place *time.Time

// groupPace is the pacing state of one group.
type groupPace struct {
	windows      []*window // per second and per minute, when the domain type is known
	gap          time.Duration
	next         time.Time // earliest send allowed by gap
	blockedUntil time.Time // Retry-After of the last 429
	slowedAt     time.Time // when a 429 last widened gap
	learning               // adaptive pacing only (pacer_learn.go)
}

// pacer spaces the requests of every Client of the process that talks to one domain with
// the same settings (see pacerFor).
type pacer struct {
	mu     sync.Mutex
	now    func() time.Time
	groups [groupCount]groupPace
	// changesFrom is when the process's first request that changes the service may go. A new
	// process does not know what the process before it sent: Terraform runs a plan and its
	// apply (a destroy's refresh and its deletions) in provider processes one right after the
	// other. Two processes that each use more than half of a second's budget can together
	// exceed it, so above an api_capacity of 50 the first change waits a second from the
	// process's start (measured: 10 of a Free domain's 132 requests of a destroy of 100
	// factors at api_capacity 100 answered 429 without it, none with it). Reads do not wait:
	// a plan pays nothing, and a read answered 429 is retried like any other. The minute's
	// budget is not assumed spent: waiting a minute would cost more than the 429s it saves.
	changesFrom time.Time
	// readsFrom is the same for every other request: set only in a process that starts from
	// a learned pace (useStore), where the domain has answered 429s within the hour.
	readsFrom time.Time
	// maxWait caps a Retry-After and the adaptive gap: the client's longest retry wait.
	maxWait time.Duration
	// adaptive: no domain type; the pacer learns the groups' limits from 429s and keeps
	// them in store between processes (pacer_learn.go).
	adaptive bool
	store    paceStore
	started  time.Time
}

func newPacer(domainType string, capacity int, maxWait time.Duration, now func() time.Time) *pacer {
	p := &pacer{now: now, maxWait: maxWait, started: now()}
	limits, ok := domainLimits[domainType]
	if !ok {
		p.adaptive = true
		return p
	}
	for g := range p.groups {
		l := limits[g]
		p.groups[g].windows = []*window{
			newWindow(share(l.perSecond, capacity), time.Second),
			newWindow(share(l.perMinute, capacity), time.Minute),
		}
	}
	if capacity > 50 {
		p.changesFrom = now().Add(time.Second + windowMargin)
	}
	return p
}

// share is capacity percent of limit, rounded down, at least one request.
func share(limit, capacity int) int {
	return max(1, limit*capacity/100)
}

// take books a send of a request counted against groups now and returns 0 and its places,
// to be given to answered; or returns how long to wait before asking again. changes says the
// request changes the service (see changesFrom).
func (p *pacer) take(groups []rateGroup, changes bool) (time.Duration, []place) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	at := now
	if changes {
		at = latest(at, p.changesFrom)
	} else {
		at = latest(at, p.readsFrom)
	}
	for _, g := range groups {
		gp := &p.groups[g]
		at = latest(at, gp.next, gp.blockedUntil)
		for _, w := range gp.windows {
			at = latest(at, w.earliest(now))
		}
	}
	if at.After(now) {
		return at.Sub(now), nil
	}
	var places []place
	for _, g := range groups {
		gp := &p.groups[g]
		gp.next = now.Add(gp.gap)
		for _, w := range gp.windows {
			places = append(places, w.record())
		}
	}
	return 0, places
}

func latest(t time.Time, more ...time.Time) time.Time {
	for _, u := range more {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// done records when the request that took places got its answer (or gave up).
func (p *pacer) done(places []place) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, pl := range places {
		*pl = now
	}
}

// limited records a 429 answered to a request sent at sentAt: nothing of the groups goes
// before retryAfter has passed, and the groups are slowed, once per round of 429s (the
// answers to requests sent before the last slowing say nothing new).
func (p *pacer) limited(groups []rateGroup, sentAt time.Time, retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, g := range groups {
		gp := &p.groups[g]
		gp.blockedUntil = latest(gp.blockedUntil, now.Add(min(retryAfter, p.maxWait)))
		if sentAt.Before(gp.slowedAt) {
			continue
		}
		gp.gap = min(max(gp.gap+gp.gap/4, adaptiveFirstGap), adaptiveMaxGap, p.maxWait)
		gp.slowedAt = now
		if p.adaptive {
			p.relearn(g, retryAfter, now)
		}
	}
}

// answered records an answer that was not a 429: the pace of the groups recovers a little.
func (p *pacer) answered(groups []rateGroup) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, g := range groups {
		gp := &p.groups[g]
		if gp.gap -= gp.gap / adaptiveRecovery; gp.gap < adaptiveMinGap {
			gp.gap = 0
		}
		if p.adaptive {
			p.recover(gp, now)
		}
	}
}

// pacers holds one pacer per domain and settings for the whole process: every provider
// instance, resource and data source of one Terraform run shares the domain's limits.
// pacers holds the process's pacers, one per domain and setting.
var (
	pacersMu sync.Mutex
	pacers   = map[pacerKey]*pacer{}
)

type pacerKey struct {
	host       string
	domainType string
	capacity   int
	maxWait    time.Duration
}

func pacerFor(host, domainType string, capacity int, maxWait time.Duration) *pacer {
	key := pacerKey{host, domainType, capacity, maxWait}
	pacersMu.Lock()
	defer pacersMu.Unlock()
	p, ok := pacers[key]
	if !ok {
		p = newPacer(domainType, capacity, maxWait, time.Now)
		if p.adaptive {
			cache, note := paceCacheFor(host)
			p.useStore(fileStore(cache, note))
		}
		pacers[key] = p
	}
	return p
}

// ForgetPacer drops the process's pacers of the domain at host, as a new provider process
// starts without them: for a harness that runs several Terraform commands against one
// in-process provider and must see each start as Terraform's own processes would (what the
// pace cache keeps is then all that carries over).
func ForgetPacer(host string) {
	pacersMu.Lock()
	defer pacersMu.Unlock()
	for key := range pacers {
		if strings.TrimSuffix(key.host, "/") == strings.TrimSuffix(host, "/") {
			delete(pacers, key)
		}
	}
}

// checkPacing validates Config.DomainType and Config.APICapacity and returns the capacity.
func checkPacing(domainType string, capacity int) (int, error) {
	if domainType != "" && !slices.Contains(DomainTypes(), domainType) {
		return 0, fmt.Errorf("unknown domain type %q: use one of %s", domainType, strings.Join(DomainTypes(), ", "))
	}
	switch {
	case capacity == 0:
		return DefaultAPICapacity, nil
	case capacity < 1 || capacity > 100:
		return 0, fmt.Errorf("API capacity %d%% is out of range: use a percentage from 1 to 100", capacity)
	}
	return capacity, nil
}

// pacedTransport waits for the pacer before each attempt and tells it how the attempt was
// answered. It sits above the HTTP client's transport and applies the attempt timeout
// itself, after the wait: a request queued behind the domain's limits has not been sent, and
// its wait must not count as a slow answer.
type pacedTransport struct {
	next    http.RoundTripper
	pacer   *pacer
	timeout time.Duration // one attempt's, from the send to the whole answer read
	// prepare puts the current bearer token on a request that waited: the token it was
	// given may have expired meanwhile (Client.refreshBearer).
	prepare func(*http.Request) error
	log     Logger // for the pacer's note on its cache (pacer.takeNote); may be nil
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	groups := groupsOf(req.URL.Path)
	// A token request changes nothing the domain's users see, and one per process is no burst.
	changes := req.Method != http.MethodGet && req.Method != http.MethodHead && groups[0] != groupToken
	ctx := req.Context()
	wait, places := t.pacer.take(groups, changes)
	waited := wait > 0
	for ; wait > 0; wait, places = t.pacer.take(groups, changes) {
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
	defer t.pacer.done(places)
	if waited && t.prepare != nil {
		req = req.Clone(ctx) // a RoundTripper must not change the request it was given
		if err := t.prepare(req); err != nil {
			return nil, err
		}
	}
	sentAt := t.pacer.now()
	actx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel() // the answer below is read whole (exchangeTransport)
	resp, err := t.next.RoundTrip(req.WithContext(actx))
	switch {
	case err != nil && actx.Err() != nil && ctx.Err() == nil:
		return nil, fmt.Errorf("no complete answer within the attempt timeout of %s: %w", t.timeout, err)
	case err != nil:
		return nil, err
	case resp.StatusCode == http.StatusTooManyRequests:
		// Without Retry-After, the waiter's backoff spaces this request; the gap the others.
		wait, _ := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		t.pacer.limited(groups, sentAt, wait)
	default:
		t.pacer.answered(groups)
	}
	if note := t.pacer.takeNote(); note != "" && t.log != nil {
		t.log.Debug(ctx, "identity domain pacing", map[string]any{"pace_cache": note})
	}
	return resp, nil
}
