package provider

// Two applies at the same moment (issue 25, item 2): two terraform processes, as two CI jobs
// would be, apply the same user's e-mail factor (or the same SMS number) against one emulator
// whose enrollments are held until both processes have read the user's devices, so that both
// pending-enrollment checks see nothing and both enroll. Every round must end with exactly one
// apply holding the factor and the other failing, saying so, with nothing in its state.

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// enrollmentGate holds every enrollment of a user until `readers` reads of that user's devices
// have been answered, then lets the held enrollments go one at a time, spacing apart (two CI
// runners' requests never reach the domain in the same millisecond); each enrollment's answer
// leaves before the next goes on (answerEarly) or after.
type enrollmentGate struct {
	next    http.Handler
	readers int
	spacing time.Duration

	mu    sync.Mutex
	reads map[string]int
	open  map[string]chan struct{}
	turn  map[string]*sync.Mutex
	met   map[string]bool // every reader had read before the first enrollment went on
	// nextAt is when the user's next enrollment may go on (answerEarly).
	nextAt map[string]time.Time
	// answerEarly answers each enrollment at once and holds the next one for the spacing;
	// otherwise the answer leaves after the next enrollment has gone on.
	answerEarly bool
}

func newEnrollmentGate(next http.Handler, readers int) *enrollmentGate {
	return &enrollmentGate{next: next, readers: readers, spacing: 300 * time.Millisecond,
		reads: map[string]int{}, open: map[string]chan struct{}{}, turn: map[string]*sync.Mutex{}, met: map[string]bool{}, nextAt: map[string]time.Time{}}
}

func (g *enrollmentGate) user(path, prefix, suffix string) string {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok {
		return ""
	}
	id, ok := strings.CutSuffix(rest, suffix)
	if !ok || strings.Contains(id, "/") {
		return ""
	}
	return id
}

func (g *enrollmentGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if uid := g.user(r.URL.Path, "/admin/v1/Users/", ""); r.Method == http.MethodGet && uid != "" &&
		strings.Contains(r.URL.Query().Get("attributes"), "devices") {
		// A read counts once answered 200: a retried one (429, say) is one reader.
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		g.next.ServeHTTP(rec, r)
		if rec.status == http.StatusOK {
			g.mu.Lock()
			g.reads[uid]++
			if ch := g.channel(uid); g.reads[uid] == g.readers {
				close(ch)
			}
			g.mu.Unlock()
		}
		return
	}
	uid := g.user(r.URL.Path, "/mfa/v1/users/", "/factors")
	if r.Method != http.MethodPost || uid == "" {
		g.next.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	ch, turn := g.channel(uid), g.turn[uid]
	g.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
	}
	turn.Lock()
	defer turn.Unlock()
	g.mu.Lock()
	wait, early := time.Until(g.nextAt[uid]), g.answerEarly
	if _, seen := g.met[uid]; !seen {
		g.met[uid] = g.reads[uid] >= g.readers
	}
	g.mu.Unlock()
	time.Sleep(wait)
	g.next.ServeHTTP(w, r)
	if !early {
		// The answer leaves after the next enrollment has gone on.
		time.Sleep(g.spacing)
		return
	}
	g.mu.Lock()
	g.nextAt[uid] = time.Now().Add(g.spacing)
	g.mu.Unlock()
}

// statusRecorder keeps the status of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// channel is the user's gate (g.mu held).
func (g *enrollmentGate) channel(uid string) chan struct{} {
	if g.open[uid] == nil {
		g.open[uid] = make(chan struct{})
		g.turn[uid] = &sync.Mutex{}
	}
	return g.open[uid]
}

func (g *enrollmentGate) raced(uid string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.met[uid]
}

// applyAsync runs `terraform apply` in cli's directory without touching t (it may run in a
// goroutine).
func applyAsync(cli *cliRun) (int, string) {
	var out bytes.Buffer
	cmd := exec.Command(cli.bin, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = cli.dir, cli.env
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return exitErr.ExitCode(), out.String()
	} else if err != nil {
		return -1, err.Error()
	}
	return 0, out.String()
}

// keyDeviceTimes is the read of one device's times after a pending enrollment.
const keyDeviceTimes = "GET /admin/v1/Devices/{id}"

func TestAccPasscodeFactor_twoProcessesOneDevice(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "holding enrollments until two terraform processes have checked")
	gate := newEnrollmentGate(env.Emulator, 2)
	srv := httptest.NewServer(gate)
	t.Cleanup(srv.Close)
	provider := providerBlock(srv.URL, env.ClientID, env.ClientSecret, "")
	const rounds = 5
	// Two working directories, as two CI jobs have; each round starts from an empty state.
	clis := [2]*cliRun{newCLIRun(t), newCLIRun(t)}
	for _, kind := range []struct {
		name     string
		resource func(userID string) string
	}{
		{"email", func(userID string) string { return emailResource("f", userID, "") }},
		{"sms", func(userID string) string { return smsResource("f", userID, "+44", "7700900123", "") }},
	} {
		for round := 1; round <= rounds; round++ {
			userID := env.newUser(t)
			// Odd rounds: the first process gets its answer at once and usually reads the device
			// before the second enrollment restarts it; even rounds: after.
			gate.mu.Lock()
			gate.answerEarly = round%2 == 1
			gate.mu.Unlock()
			for _, cli := range clis {
				for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
					if err := os.Remove(filepath.Join(cli.dir, f)); err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
				}
				cli.writeProviderConfig(provider + kind.resource(userID))
			}
			devicesRead := env.Emulator.Stats().Requests[keyDeviceTimes]
			var codes [2]int
			var outs [2]string
			var wg sync.WaitGroup
			for i, cli := range clis {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes[i], outs[i] = applyAsync(cli)
				}()
			}
			wg.Wait()
			where := fmt.Sprintf("%s round %d", kind.name, round)
			if !gate.raced(userID) {
				t.Fatalf("%s: the first enrollment went out before both processes had checked: the round tested no race", where)
			}
			onServer := env.Emulator.Factors(userID)
			if len(onServer) != 1 || onServer[0].Status != emulator.StatusInitiated {
				t.Fatalf("%s: want one pending factor on the service, got %+v", where, onServer)
			}
			factorID := onServer[0].ID
			won, lost := -1, -1
			for i := range clis {
				held := stateFactors(t, clis[i])[factorKey{userID, factorID}]
				switch {
				case codes[i] == 0 && held:
					won = i
				case codes[i] != 0 && !held && len(stateFactors(t, clis[i])) == 0:
					lost = i
				}
			}
			if won < 0 || lost < 0 {
				t.Fatalf("%s: want one apply holding factor %s and one failing with an empty state; exit codes %v\n--- first:\n%s\n--- second:\n%s",
					where, factorID, codes, lastBytes(outs[0], 3000), lastBytes(outs[1], 3000))
			}
			if !strings.Contains(outs[lost], "Another apply enrolled this") || !strings.Contains(outs[lost], factorID) {
				t.Errorf("%s: the failing apply does not say another apply holds factor %s:\n%s", where, factorID, lastBytes(outs[lost], 3000))
			}
			// The check's cost: one read of the device's times per create that sent a passcode.
			if n := env.Emulator.Stats().Requests[keyDeviceTimes] - devicesRead; n != 2 {
				t.Errorf("%s: %d reads of the device's times for two creates, want one each", where, n)
			}
			// The winner saw the restart (and warns that its passcode is void) or read before it.
			t.Logf("%s: apply %d kept factor %s (saw the restart: %v), apply %d failed saying so", where, won+1, factorID,
				strings.Contains(outs[won], "Another enrollment of this"), lost+1)
		}
	}
}
