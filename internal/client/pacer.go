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
// (someone else shares the budget): the first 429 spaces the group's requests by
// adaptiveFirstGap (10 a second, the smallest per-second limit in Oracle's table), each
// further round of 429s (of requests sent after the last slowing) widens it by a quarter,
// up to adaptiveMaxGap or the client's longest retry wait, and each answer that is not a 429
// shortens it by 1/adaptiveRecovery: the pace comes back gradually (a widening is undone
// after about 45 answers) and probes for the limit again, so that few requests meet a 429
// while the pace stays within a quarter of the limit.
const (
	adaptiveFirstGap = 100 * time.Millisecond
	adaptiveMaxGap   = time.Second // past it, Retry-After says how long to wait
	adaptiveRecovery = 200
	adaptiveMinGap   = 5 * time.Millisecond // below it, the group is no longer paced
)

// Margins added to each window: a request paced exactly one window after another may arrive
// a little sooner after it (network jitter, a connection opened for one and not the other).
const (
	windowMarginFactor = 0.02
	windowMargin       = 50 * time.Millisecond
)

// window allows at most limit sends in any span: a send may go once the limit-th last one
// has left the span. Oracle does not say how it counts (fixed or sliding windows); no more
// than limit in any span satisfies both.
type window struct {
	span  time.Duration
	limit int
	sent  []time.Time // the last limit send times, a ring from head when full
	head  int
}

func newWindow(limit int, span time.Duration) *window {
	span += time.Duration(float64(span)*windowMarginFactor) + windowMargin
	return &window{span: span, limit: limit, sent: make([]time.Time, 0, limit)}
}

func (w *window) earliest() time.Time {
	if len(w.sent) < w.limit {
		return time.Time{}
	}
	return w.sent[w.head].Add(w.span)
}

func (w *window) record(t time.Time) {
	if len(w.sent) < w.limit {
		w.sent = append(w.sent, t)
		return
	}
	w.sent[w.head] = t
	w.head = (w.head + 1) % w.limit
}

// groupPace is the pacing state of one group.
type groupPace struct {
	windows      []*window // per second and per minute, when the domain type is known
	gap          time.Duration
	next         time.Time // earliest send allowed by gap
	blockedUntil time.Time // Retry-After of the last 429
	slowedAt     time.Time // when a 429 last widened gap
}

// pacer spaces the requests of every Client of the process that talks to one domain with
// the same settings (see pacerFor).
type pacer struct {
	mu     sync.Mutex
	now    func() time.Time
	groups [groupCount]groupPace
	// maxWait caps a Retry-After and the adaptive gap: the client's longest retry wait.
	maxWait time.Duration
}

func newPacer(domainType string, capacity int, maxWait time.Duration, now func() time.Time) *pacer {
	p := &pacer{now: now, maxWait: maxWait}
	limits, ok := domainLimits[domainType]
	if !ok {
		return p
	}
	for g := range p.groups {
		l := limits[g]
		p.groups[g].windows = []*window{
			newWindow(share(l.perSecond, capacity), time.Second),
			newWindow(share(l.perMinute, capacity), time.Minute),
		}
	}
	return p
}

// share is capacity percent of limit, rounded down, at least one request.
func share(limit, capacity int) int {
	return max(1, limit*capacity/100)
}

// reserve returns when a request counted against groups may be sent, and books that time.
// Times are booked in order, so a request never overtakes one booked before it.
func (p *pacer) reserve(groups []rateGroup) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.now()
	for _, g := range groups {
		gp := &p.groups[g]
		at = latest(at, gp.next, gp.blockedUntil)
		for _, w := range gp.windows {
			at = latest(at, w.earliest())
		}
	}
	for _, g := range groups {
		gp := &p.groups[g]
		gp.next = at.Add(gp.gap)
		for _, w := range gp.windows {
			w.record(at)
		}
	}
	return at
}

func latest(t time.Time, more ...time.Time) time.Time {
	for _, u := range more {
		if u.After(t) {
			t = u
		}
	}
	return t
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
	}
}

// answered records an answer that was not a 429: the pace of the groups recovers a little.
func (p *pacer) answered(groups []rateGroup) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, g := range groups {
		gp := &p.groups[g]
		if gp.gap -= gp.gap / adaptiveRecovery; gp.gap < adaptiveMinGap {
			gp.gap = 0
		}
	}
}

// pacers holds one pacer per domain and settings for the whole process: every provider
// instance, resource and data source of one Terraform run shares the domain's limits.
var pacers sync.Map // pacerKey -> *pacer

type pacerKey struct {
	host       string
	domainType string
	capacity   int
	maxWait    time.Duration
}

func pacerFor(host, domainType string, capacity int, maxWait time.Duration) *pacer {
	key := pacerKey{host, domainType, capacity, maxWait}
	if p, ok := pacers.Load(key); ok {
		return p.(*pacer)
	}
	p, _ := pacers.LoadOrStore(key, newPacer(domainType, capacity, maxWait, time.Now))
	return p.(*pacer)
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
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	groups := groupsOf(req.URL.Path)
	ctx := req.Context()
	if err := sleep(ctx, time.Until(t.pacer.reserve(groups))); err != nil {
		return nil, err
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
	return resp, nil
}
