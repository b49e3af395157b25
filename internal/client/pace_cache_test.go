package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const paceTestHost = "http://127.0.0.1:41234"

// testStore is the pace cache of paceTestHost in dir; its saves wait in *pending until the
// test runs them (runSaves), as the timer would.
func testStore(t *testing.T, dir string, pending *[]func()) paceStore {
	t.Helper()
	t.Setenv(PaceCacheEnv, dir)
	cache, note := paceCacheFor(paceTestHost)
	if cache == nil {
		t.Fatalf("no pace cache in %s: %s", dir, note)
	}
	s := fileStore(cache, note)
	s.schedule = func(_ time.Duration, f func()) { *pending = append(*pending, f) }
	return s
}

func runSaves(pending *[]func()) {
	for _, f := range *pending {
		f()
	}
	*pending = nil
}

// answerNow sends a request of groups now (it must not wait) and answers it at once, not 429.
func answerNow(t *testing.T, p *pacer, groups []rateGroup) {
	t.Helper()
	wait, places := p.take(groups, false)
	if wait != 0 {
		t.Fatalf("a request waits %s", wait)
	}
	p.done(places)
	p.answered(groups)
}

// burstUntil429 sends n requests of AuthN answered within the clock's next n*step, then a
// 429 with Retry-After retryAfter: what a first unpaced burst meets.
func burstUntil429(t *testing.T, p *pacer, c *fakeClock, n int, retryAfter time.Duration) {
	t.Helper()
	authn := []rateGroup{groupAuthN}
	for i := 0; i < n; i++ {
		answerNow(t, p, authn)
		c.advance(5 * time.Millisecond)
	}
	p.limited(authn, c.now(), retryAfter)
}

// burstWaits is how many of n AuthN requests sent at once, with no answer between them, would
// wait: a new process's first burst.
func burstWaits(p *pacer, n int) int {
	waits := 0
	for i := 0; i < n; i++ {
		if wait, places := p.take([]rateGroup{groupAuthN}, false); wait > 0 {
			waits++
		} else {
			p.done(places)
		}
	}
	return waits
}

// What a process learned from a Free domain's 429 (10 AuthN requests answered in the second
// before it) is written to the cache, and the next process's pacer starts at that pace: of
// its first burst of 20, 10 go and 10 wait; without the file all 20 would go.
func TestPaceCacheStartsTheNextProcessAtTheLearnedPace(t *testing.T) {
	dir, clock := t.TempDir(), newFakeClock()
	var pending []func()
	first := adaptivePacer(t, dir, clock, &pending)
	if waits := burstWaits(first, 20); waits != 0 {
		t.Fatalf("a pacer with nothing learned held %d of a burst of 20, want none (today's behaviour)", waits)
	}
	burstUntil429(t, first, clock, 10, time.Second)
	if got := first.groups[groupAuthN].learned.PerSecond; got != 10 {
		t.Fatalf("learned %d a second, want the 10 answered in the second before the 429", got)
	}
	if len(pending) != 1 {
		t.Fatalf("%d saves scheduled after a round of 429s, want 1", len(pending))
	}
	runSaves(&pending)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache holds %v, want one file", files)
	}
	data, _ := os.ReadFile(files[0])
	for _, leak := range []string{"127.0.0.1", "41234", "http"} {
		if strings.Contains(files[0], leak) || strings.Contains(string(data), leak) {
			t.Errorf("the cache file %s (%s) names the host (%s)", files[0], data, leak)
		}
	}

	clock.advance(time.Minute) // the next Terraform command
	next := adaptivePacer(t, dir, clock, &pending)
	clock.advance(time.Second + windowMargin) // past its first second (see below)
	if waits := burstWaits(next, 20); waits != 10 {
		t.Errorf("the next process held %d of its first burst of 20, want 10 (the learned 10 a second)", waits)
	}
	if wait := waitFor(next, []rateGroup{groupOthers}); wait != 0 {
		t.Errorf("an Others request waits %s: nothing was learned of that group", wait)
	}
	// Its first requests wait for the second the command before it may have spent (a
	// destroy's deletions right after its refresh, a refresh right after an apply).
	changer := adaptivePacer(t, dir, clock, &pending)
	if wait, _ := changer.take([]rateGroup{groupOthers}, true); wait < time.Second {
		t.Errorf("the first change of a process that starts paced waits %s, want a second from its start", wait)
	}
	if wait, _ := changer.take([]rateGroup{groupOthers}, false); wait < time.Second {
		t.Errorf("the first read of a process that starts paced waits %s, want a second from its start", wait)
	}
	if wait, _ := first.take([]rateGroup{groupOthers}, true); wait != 0 {
		t.Errorf("a change of a process that started with nothing learned waits %s, want none", wait)
	}
	// The process's pacers (on the real clock): an adaptive one reads the cache; with a domain
	// type, the table rules and nothing is read; with the cache off, nothing either.
	t.Setenv(PaceCacheEnv, dir)
	cache, _ := paceCacheFor(paceTestHost)
	if err := cache.save([groupCount]learnedLimit{groupAuthN: {PerSecond: 10, LearnedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	ForgetPacer(paceTestHost)
	t.Cleanup(func() { ForgetPacer(paceTestHost) })
	if p := pacerFor(paceTestHost, DomainTypePremium, 100, DefaultRetryWaitMax); p.groups[groupAuthN].learned.known() {
		t.Errorf("a pacer told the domain type read the learned limits: %+v", p.groups[groupAuthN].learned)
	}
	if p := pacerFor(paceTestHost+"/", "", DefaultAPICapacity, DefaultRetryWaitMax); p.groups[groupAuthN].learned.PerSecond != 10 {
		t.Errorf("the process's adaptive pacer of the host did not read the cache: %+v", p.groups[groupAuthN].learned)
	}
	ForgetPacer(paceTestHost)
	t.Setenv(PaceCacheEnv, "off")
	if p := pacerFor(paceTestHost, "", DefaultAPICapacity, DefaultRetryWaitMax); p.groups[groupAuthN].learned.known() || p.store.cache != nil {
		t.Errorf("with %s=off the pacer read or keeps a cache: %+v", PaceCacheEnv, p.groups[groupAuthN].learned)
	}
}

// A limit learned more than paceCacheTTL ago, and a file that is not understood, are
// ignored: the pacer starts unpaced and writes over the file when it learns again.
func TestPaceCacheIgnoresExpiredAndCorruptFiles(t *testing.T) {
	dir, clock := t.TempDir(), newFakeClock()
	var pending []func()
	p := adaptivePacer(t, dir, clock, &pending)
	burstUntil429(t, p, clock, 10, time.Second)
	runSaves(&pending)

	clock.advance(paceCacheTTL - time.Minute)
	fresh := adaptivePacer(t, dir, clock, &pending)
	clock.advance(time.Second + windowMargin) // past its first second
	if waits := burstWaits(fresh, 20); waits != 10 {
		t.Fatalf("just within the expiry, the next process held %d of 20, want 10", waits)
	}
	clock.advance(2 * time.Minute)
	expired := adaptivePacer(t, dir, clock, &pending)
	if waits := burstWaits(expired, 20); waits != 0 {
		t.Errorf("past the expiry, the next process held %d of 20, want none", waits)
	}

	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, bad := range []string{"{not json", `{"version":99,"groups":{"AuthN":{"per_second":1}}}`, `{"version":1,"groups":{"AuthN":{"per_second":-5,"learned_at":"2026-01-01T01:00:00Z"}}}`} {
		if err := os.WriteFile(files[0], []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		q := adaptivePacer(t, dir, clock, &pending)
		if waits := burstWaits(q, 20); waits != 0 {
			t.Errorf("file %q: held %d of 20, want none", bad, waits)
		}
		burstUntil429(t, q, clock, 10, time.Second)
		runSaves(&pending)
		if got := newPacerFrom(t, dir, clock).groups[groupAuthN].learned.PerSecond; got != 10 {
			t.Errorf("file %q: after a new 429 the file holds %d a second, want 10", bad, got)
		}
	}
}

// adaptivePacer is a new process's pacer without a domain type, on the cache in dir.
func adaptivePacer(t *testing.T, dir string, clock *fakeClock, pending *[]func()) *pacer {
	t.Helper()
	p := newPacer("", 0, DefaultRetryWaitMax, clock.now)
	p.useStore(testStore(t, dir, pending))
	return p
}

// newPacerFrom is a new process's pacer on the cache in dir, as the cache left it.
func newPacerFrom(t *testing.T, dir string, clock *fakeClock) *pacer {
	t.Helper()
	var pending []func()
	return adaptivePacer(t, dir, clock, &pending)
}

// The learned limit comes back up, a request a second per adaptiveRecovery answers without a
// 429, and the recovery is kept (its time stays the 429's, so it still expires); a 429 at the
// learned pace lowers it by one; a 429 asking to wait longer than 2 seconds teaches the
// minute's budget, not the second's.
func TestPaceCacheLearnedLimitRecoversAndLowers(t *testing.T) {
	dir, clock := t.TempDir(), newFakeClock()
	var pending []func()
	p := adaptivePacer(t, dir, clock, &pending)
	burstUntil429(t, p, clock, 10, time.Second)
	learnedAt := p.groups[groupAuthN].learned.LearnedAt
	runSaves(&pending)
	authn := []rateGroup{groupAuthN}
	clock.advance(2 * time.Second) // past Retry-After
	for i := 0; i < adaptiveRecovery; i++ {
		clock.advance(200 * time.Millisecond)
		answerNow(t, p, authn)
	}
	if got := p.groups[groupAuthN].learned.PerSecond; got != 11 {
		t.Errorf("after %d answers without a 429 the limit is %d a second, want 11", adaptiveRecovery, got)
	}
	clock.advance(paceSaveEvery)
	runSaves(&pending)
	if got := newPacerFrom(t, dir, clock).groups[groupAuthN].learned; got.PerSecond != 11 || !got.LearnedAt.Equal(learnedAt) {
		t.Errorf("the file holds %+v, want 11 a second learned at the 429 (%s)", got, learnedAt)
	}

	// n answered, every apart, then a 429 of a new round: the learned limit it leaves.
	refusedAfter := func(n int, every time.Duration) int {
		clock.advance(2 * time.Second)
		for i := 0; i < n; i++ {
			clock.advance(every)
			answerNow(t, p, authn)
		}
		p.limited(authn, clock.now(), time.Second)
		return p.groups[groupAuthN].learned.PerSecond
	}
	// Paced at 11 and refused: 10.
	if got := refusedAfter(11, 50*time.Millisecond); got != 10 {
		t.Errorf("a 429 at the learned 11 a second left %d, want 10", got)
	}
	// Refused again at 10, a Free domain's AuthN rate: the limit stays there.
	if got := refusedAfter(10, 100*time.Millisecond); got != 10 {
		t.Errorf("a 429 at a Free domain's 10 a second left %d, want 10: never below the published floor", got)
	}

	// 200 answered over 20 s, then a 429 asking to wait 40 s: the minute's budget is 200, when
	// the process has been running for a minute; a younger one does not know who spent the rest.
	// 30 answered: the minute's floor, a Free domain's 150.
	for _, c := range []struct {
		age           time.Duration
		answers, want int
	}{{0, 200, 0}, {time.Minute, 200, 200}, {time.Minute, 30, 150}} {
		age := c.age
		m := newPacer("", 0, DefaultRetryWaitMax, clock.now)
		clock.advance(age)
		for i := 0; i < c.answers; i++ {
			clock.advance(100 * time.Millisecond)
			answerNow(t, m, authn)
		}
		m.limited(authn, clock.now(), 40*time.Second)
		want := learnedLimit{}
		if c.want > 0 {
			want = learnedLimit{PerMinute: c.want, LearnedAt: clock.now()}
		}
		if got := m.groups[groupAuthN].learned; got != want {
			t.Errorf("a process %s old, after %d answers and a 429 asking for 40 s, learned %+v, want %+v", age, c.answers, got, want)
		}
	}
}

// A cache directory that cannot be written gives the pacer nothing to keep, and one note for
// the debug log; pacing goes on.
func TestPaceCacheUnwritableIsDisabledQuietly(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock()
	var pending []func()
	p := newPacer("", 0, DefaultRetryWaitMax, clock.now)
	p.useStore(testStore(t, filepath.Join(blocker, "pace"), &pending)) // a directory under a file
	burstUntil429(t, p, clock, 10, time.Second)
	runSaves(&pending)
	if p.store.cache != nil {
		t.Error("a cache that cannot be written is still in use")
	}
	if note := p.takeNote(); !strings.Contains(note, "not written") {
		t.Errorf("note %q, want why nothing is kept", note)
	}
	if note := p.takeNote(); note != "" {
		t.Errorf("a second note %q, want it said once", note)
	}
	if got := p.groups[groupAuthN].learned.PerSecond; got != 10 {
		t.Errorf("the process paces at %d a second, want the learned 10 still", got)
	}
}

// Several processes saving one domain's file at once: each save replaces the file whole, so a
// reader never sees half of one (once the file exists, every load finds a limit), the last
// writer wins, and no temporary file is left behind.
func TestPaceCacheConcurrentSavesAreAtomic(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(PaceCacheEnv, dir)
	cache, _ := paceCacheFor(paceTestHost)
	now := time.Now()
	if err := cache.save([groupCount]learnedLimit{groupAuthN: {PerSecond: 1, LearnedAt: now}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for w := 1; w <= 4; w++ {
		go func(w int) {
			var err error
			for i := 0; i < 50 && err == nil; i++ {
				err = cache.save([groupCount]learnedLimit{groupAuthN: {PerSecond: w*100 + i, LearnedAt: now}})
			}
			done <- err
		}(w)
	}
	for running := 4; running > 0; {
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
			running--
		default:
			if got := cache.load(now)[groupAuthN].PerSecond; got == 0 {
				t.Fatal("a load during the saves found no limit: it read a partial file")
			}
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".pace-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if got := cache.load(now)[groupAuthN].PerSecond; got%100 != 49 {
		t.Errorf("the file holds %d a second, want one writer's last save (x49)", got)
	}
}
