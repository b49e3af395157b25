package client

import "time"

// Adaptive pacing learns each group's limit from the domain's 429s and keeps it in the pace
// cache (pace_cache.go), so that the next provider process on the domain starts at that pace
// instead of overrunning it with its first burst. A 429 is answered to a request the domain
// would have counted next: the group's requests it answered in the second before are as many
// as it accepts in a second (fewer when someone else shares the budget, which is then what is
// left), and those of the minute before, when the 429 asks to wait longer than
// minuteRetryAfter and the process has run for a minute, are the minute's budget. The group is then held to them like a known
// domain type's limits (window), and the learned limit rises again by one request a second
// after each adaptiveRecovery answers without a 429: the pace probes for more (a domain that
// was upgraded, fewer sign-ins) at the cost of about one 429 in adaptiveRecovery requests.

// Learned limits never go below a Free domain's published ones, the least Oracle gives any
// domain (API doc 7.4): 429s below that rate come from a budget shared with others (sign-ins,
// another pipeline) or from a limit that is not Oracle's per-group one, and following them
// down one request at a time slowed a run to a request a second, kept for an hour by the
// cache. Below the floor the gap and Retry-After still hold the group back, as before.

// minuteRetryAfter: a 429 whose Retry-After is longer says the minute's budget is spent (the
// second's frees within a second); shorter, the second's.
const minuteRetryAfter = 2 * time.Second

// learning is a group's adaptive state beyond the gap.
type learning struct {
	learned        learnedLimit
	perSec, perMin *window     // learned.PerSecond and PerMinute as windows, nil when unknown
	recent         []time.Time // the answers (not 429) of the last minute, oldest first
	calm           int         // answers without a 429 since the limit last changed
}

// paceStore is where a pacer keeps what it learned.
type paceStore struct {
	cache *paceCache // nil: nothing is kept
	// note says why nothing is kept, once, at DEBUG (pacedTransport): "" when it was turned off.
	note     string
	saving   bool // a save is scheduled
	savedAt  time.Time
	schedule func(time.Duration, func())
}

func fileStore(cache *paceCache, note string) paceStore {
	return paceStore{cache: cache, note: note, schedule: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

// useStore makes s the pacer's store and starts each group at what s learned recently.
func (p *pacer) useStore(s paceStore) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.store = s
	learned := s.cache.load(p.now())
	for g := range p.groups {
		if l := learned[g]; l.known() {
			// Held to a second's budget, the process's first request waits for the second the
			// command before it may have spent (see changesFrom): a destroy's deletions right
			// after its refresh met 8 to 10 429s, and a refresh right after an apply up to 6
			// of 17, without it. Unlike with a known domain type, reads wait too: this domain
			// answered 429s within the hour, and a process starts half a second before its
			// first request anyway.
			from := p.started.Add(time.Second + windowMargin)
			p.changesFrom, p.readsFrom = latest(p.changesFrom, from), latest(p.readsFrom, from)
			free := domainLimits[DomainTypeFree][g]
			if l.PerSecond > 0 {
				l.PerSecond = max(l.PerSecond, free.perSecond)
			}
			if l.PerMinute > 0 {
				l.PerMinute = max(l.PerMinute, free.perMinute)
			}
			p.groups[g].learned = l
			p.groups[g].setLimits()
		}
	}
}

// relearn lowers a group's learned limit after a 429 of a new round, answered now, never
// below a Free domain's published limit (learnedFloor).
func (p *pacer) relearn(g rateGroup, retryAfter time.Duration, now time.Time) {
	gp := &p.groups[g]
	span, limit, floor := time.Second, &gp.learned.PerSecond, domainLimits[DomainTypeFree][g].perSecond
	if retryAfter > minuteRetryAfter {
		// A process younger than a minute does not know who spent the rest of the minute's
		// budget (the command before it, most likely): Retry-After alone holds it back.
		if now.Sub(p.started) < time.Minute {
			return
		}
		span, limit, floor = time.Minute, &gp.learned.PerMinute, domainLimits[DomainTypeFree][g].perMinute
	}
	n := countSince(gp.recent, now.Add(-span))
	if n == 0 {
		// Refused before anything was answered: someone else spent the budget. Nothing to
		// learn, but a limit learned before still holds: it is kept another hour.
		if gp.learned.known() {
			gp.learned.LearnedAt = now
			p.changed()
		}
		return
	}
	switch {
	case *limit == 0 || n < *limit:
		*limit = n
	default: // paced at *limit and refused all the same
		*limit--
	}
	*limit = max(*limit, floor)
	gp.learned.LearnedAt = now
	gp.calm = 0
	gp.setLimits()
	p.changed()
}

// recover records an answer that was not a 429 and, after adaptiveRecovery of them, raises
// the learned limit by a second's request (and the minute's by as much).
func (p *pacer) recover(gp *groupPace, now time.Time) {
	cut := now.Add(-time.Minute)
	for len(gp.recent) > 0 && !gp.recent[0].After(cut) {
		gp.recent = gp.recent[1:]
	}
	gp.recent = append(gp.recent, now)
	if !gp.learned.known() {
		return
	}
	if gp.calm++; gp.calm < adaptiveRecovery {
		return
	}
	gp.calm = 0
	if gp.learned.PerSecond > 0 {
		gp.learned.PerSecond++
	}
	if gp.learned.PerMinute > 0 {
		gp.learned.PerMinute += max(1, gp.learned.PerMinute/60)
	}
	gp.setLimits()
	p.changed()
}

// countSince is how many times of ts (oldest first) are after t.
func countSince(ts []time.Time, t time.Time) int {
	n := 0
	for i := len(ts) - 1; i >= 0 && ts[i].After(t); i-- {
		n++
	}
	return n
}

// setLimits holds the group to its learned limits, keeping the requests the windows hold.
func (gp *groupPace) setLimits() {
	gp.perSec = resized(gp.perSec, gp.learned.PerSecond, time.Second)
	gp.perMin = resized(gp.perMin, gp.learned.PerMinute, time.Minute)
	gp.windows = nil
	for _, w := range []*window{gp.perSec, gp.perMin} {
		if w != nil {
			gp.windows = append(gp.windows, w)
		}
	}
}

// resized is w with room for limit requests: the latest ones it holds stay in it.
func resized(w *window, limit int, span time.Duration) *window {
	switch {
	case limit <= 0:
		return nil
	case w == nil:
		return newWindow(limit, span)
	case w.limit == limit:
		return w
	}
	held := make([]*time.Time, 0, len(w.answered))
	if len(w.answered) < w.limit {
		held = append(held, w.answered...)
	} else {
		held = append(append(held, w.answered[w.head:]...), w.answered[:w.head]...)
	}
	nw := newWindow(limit, span)
	nw.floor = w.floor
	for ; len(held) > limit; held = held[1:] {
		nw.floor = latest(nw.floor, *held[0])
	}
	nw.answered = append(nw.answered, held...)
	return nw
}

// changed schedules a save of what the pacer learned: at once, or paceSaveEvery after the
// last one.
func (p *pacer) changed() {
	s := &p.store
	if s.cache == nil || s.saving {
		return
	}
	s.saving = true
	s.schedule(max(0, s.savedAt.Add(paceSaveEvery).Sub(p.now())), p.save)
}

// save writes what the pacer learned. A cache that cannot be written (a read-only or
// missing home) is given up for the process, with a note for the debug log: pacing goes on.
func (p *pacer) save() {
	p.mu.Lock()
	var learned [groupCount]learnedLimit
	for g := range p.groups {
		learned[g] = p.groups[g].learned
	}
	cache := p.store.cache
	p.store.saving, p.store.savedAt = false, p.now()
	p.mu.Unlock()
	if cache == nil {
		return
	}
	if err := cache.save(learned); err != nil {
		p.mu.Lock()
		p.store.cache, p.store.note = nil, "pace cache not written, what the pacer learns is not kept: "+err.Error()
		p.mu.Unlock()
	}
}

// takeNote returns, once, why the pacer keeps nothing; "" when it does or it was said.
func (p *pacer) takeNote() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	note := p.store.note
	p.store.note = ""
	return note
}
