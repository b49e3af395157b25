package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

type phaseSpec struct {
	name     string
	args     []string
	wantExit []int
}

// phases are the commands timed for both configurations. -detailed-exitcode turns "the plan
// after an apply is not empty" into a failure instead of a silently wrong figure.
func phases(parallelism int) []phaseSpec {
	p := fmt.Sprintf("-parallelism=%d", parallelism)
	return []phaseSpec{
		{"plan (create)", []string{"plan", "-input=false", "-no-color", p, "-detailed-exitcode", "-out=create.tfplan"}, []int{2}},
		{"apply", []string{"apply", "-input=false", "-no-color", p, "create.tfplan"}, []int{0}},
		{"refresh-only plan", []string{"plan", "-refresh-only", "-input=false", "-no-color", p, "-detailed-exitcode"}, []int{0}},
		{"no-op plan", []string{"plan", "-input=false", "-no-color", p, "-detailed-exitcode"}, []int{0}},
		{"plan -refresh=false", []string{"plan", "-refresh=false", "-input=false", "-no-color", p, "-detailed-exitcode"}, []int{0}},
		{"destroy", []string{"destroy", "-auto-approve", "-input=false", "-no-color", p}, []int{0}},
	}
}

// phaseResult holds one phase over all runs: wall times of both configurations, and the
// provider's requests (from the last run: they do not vary) and resource use.
type phaseResult struct {
	name       string
	walls      []time.Duration
	floorWalls []time.Duration
	noopWalls  []time.Duration // empty without -noop
	echoWalls  []time.Duration // the plugin floor, refresh-only plan only (empty without -noop)
	stats      emulator.Stats
	usage      providerUsage // from the measured cycle
}

func (p phaseResult) wall() time.Duration  { return median(p.walls) }
func (p phaseResult) floor() time.Duration { return median(p.floorWalls) }
func (p phaseResult) noop() time.Duration  { return median(p.noopWalls) }
func (p phaseResult) echo() time.Duration  { return median(p.echoWalls) }

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

type sizeResult struct {
	w                     workload
	phases                []phaseResult
	loadBefore, loadAfter string
	latency               time.Duration // the emulator's added API latency
}

func runSize(ctx context.Context, o options, dir string, cfgs cliConfigs, w workload) (res sizeResult, err error) {
	res = sizeResult{w: w, loadBefore: loadAverage()}
	defer func() { res.loadAfter = loadAverage() }()
	progress("%s", w.describe())
	dirs, em, err := setUp(ctx, o, dir, w)
	if err != nil {
		return res, err
	}
	defer em.stop()
	provDir, floorDir := dirs.provider, dirs.floor

	tf := &terraformRunner{bin: o.terraform, cliCfg: cfgs.timed, provider: o.provider, logDir: filepath.Join(dir, "logs"), host: em.url}
	// Each run starts with an empty pace cache (a -workdir may be reused); its commands share it.
	if err := os.RemoveAll(paceCacheDir(tf.logDir)); err != nil {
		return res, err
	}
	measured := *tf
	measured.cliCfg = cfgs.measured
	echo := *tf
	echo.extraEnv = []string{"IDCSMFA_BENCH_ECHO=1"}

	// Untimed warm-up: the first start of terraform and of the provider binary pays for
	// reading them from disk, which is not what the phases measure.
	warm := []string{floorDir, provDir}
	if o.noop != "" {
		warm = append(warm, dirs.noop)
	}
	for _, d := range warm {
		if _, err := tf.exec(ctx, d, "warmup-"+filepath.Base(d), []int{0}, "validate", "-no-color"); err != nil {
			return res, err
		}
	}

	specs := phases(o.parallelism)
	res.phases = make([]phaseResult, len(specs))
	for i, ph := range specs {
		res.phases[i].name = ph.name
	}
	// Whole cycles, floor then provider, repeated: the machine's load drifts, and taking the
	// median per phase over interleaved cycles keeps a burst from landing on one side only.
	for run := 1; run <= o.runs; run++ {
		progress("  run %d/%d (load average %s)", run, o.runs, loadAverage())
		for i, ph := range specs {
			r, err := tf.exec(ctx, floorDir, fmt.Sprintf("floor-r%d-%d", run, i), ph.wantExit, ph.args...)
			if err != nil {
				return res, err
			}
			res.phases[i].floorWalls = append(res.phases[i].floorWalls, r.wall)
			progress("    floor   %-20s %8.2fs", ph.name, r.wall.Seconds())
		}
		for i, ph := range specs {
			if o.noop == "" {
				break
			}
			r, err := tf.exec(ctx, dirs.noop, fmt.Sprintf("noop-r%d-%d", run, i), ph.wantExit, ph.args...)
			if err != nil {
				return res, err
			}
			res.phases[i].noopWalls = append(res.phases[i].noopWalls, r.wall)
			progress("    noop    %-20s %8.2fs", ph.name, r.wall.Seconds())
			if ph.name == "refresh-only plan" {
				// The plugin floor refreshes the no-op provider's state (same schema and address).
				r, err := echo.exec(ctx, dirs.noop, fmt.Sprintf("echo-r%d-%d", run, i), ph.wantExit, ph.args...)
				if err != nil {
					return res, err
				}
				res.phases[i].echoWalls = append(res.phases[i].echoWalls, r.wall)
				progress("    echo    %-20s %8.2fs", ph.name, r.wall.Seconds())
			}
		}
		for i, ph := range specs {
			if err := em.resetStats(ctx); err != nil {
				return res, err
			}
			r, err := tf.exec(ctx, provDir, fmt.Sprintf("idcsmfa-r%d-%d", run, i), ph.wantExit, ph.args...)
			if err != nil {
				return res, err
			}
			st, err := em.stats(ctx)
			if err != nil {
				return res, err
			}
			p := &res.phases[i]
			p.walls = append(p.walls, r.wall)
			p.stats = st
			progress("    idcsmfa %-20s %8.2fs  %5d requests", ph.name, r.wall.Seconds(), totalRequests(st))
			if err := verifyAfter(ctx, ph.name, em, w, provDir); err != nil {
				return res, err
			}
		}
	}

	// One more cycle, untimed, through the RSS wrapper: the provider's peak memory and CPU.
	progress("  measured cycle (provider memory and CPU)")
	for i, ph := range specs {
		r, err := measured.exec(ctx, provDir, fmt.Sprintf("idcsmfa-measured-%d", i), ph.wantExit, ph.args...)
		if err != nil {
			return res, err
		}
		u, err := readUsage(r.rssLog)
		if err != nil {
			return res, err
		}
		res.phases[i].usage = u
		progress("    idcsmfa %-20s peak RSS %s  CPU %.2fs  %d processes", ph.name, mib(u.peakKiB), u.cpu.Seconds(), u.processes)
		if err := verifyAfter(ctx, ph.name, em, w, provDir); err != nil {
			return res, err
		}
	}

	return res, nil
}

// setUp writes the workload's users and configurations into dir and starts an emulator with
// them (and the extra flags), adding the run's latency to every API request.
func setUp(ctx context.Context, o options, dir string, w workload, extra ...string) (configDirs, *emulatorProcess, error) {
	usersFile := filepath.Join(dir, "users.json")
	if err := w.writeUsersFile(usersFile); err != nil {
		return configDirs{}, nil, err
	}
	dirs, err := w.writeConfigs(dir)
	if err != nil {
		return dirs, nil, err
	}
	em, err := startEmulator(ctx, o.emulator, usersFile, filepath.Join(dir, "logs", "emulator.log"), extra...)
	if err != nil {
		return dirs, nil, err
	}
	if err := em.setFaults(ctx, emulator.Faults{Latency: o.latency}); err != nil {
		em.stop()
		return dirs, nil, err
	}
	return dirs, em, nil
}

// verifyAfter checks the emulator after the phases that change it: N factors after apply, none
// after destroy.
func verifyAfter(ctx context.Context, phase string, em *emulatorProcess, w workload, provDir string) error {
	switch phase {
	case "apply":
		return verify(ctx, em, w, provDir, w.factors)
	case "destroy":
		return verify(ctx, em, w, provDir, 0)
	}
	return nil
}

// verify checks the emulator and the state agree on exactly want factors, all ENROLLED, with
// no two factors for the same device of a user.
func verify(ctx context.Context, em *emulatorProcess, w workload, provDir string, want int) error {
	total, dups := 0, 0
	for _, u := range w.users {
		fs, err := em.factors(ctx, u.ID)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, f := range fs {
			if f.Method != emulator.MethodSMS && f.Method != emulator.MethodEmail {
				continue
			}
			total++
			if f.Status != emulator.StatusEnrolled {
				return fmt.Errorf("user %s: factor %s is %s, want %s", u.UserName, f.ID, f.Status, emulator.StatusEnrolled)
			}
			device := f.Method + " " + f.CountryCode + f.MobileNumber
			if seen[device] {
				dups++
			}
			seen[device] = true
		}
	}
	inState, err := stateInstances(filepath.Join(provDir, "terraform.tfstate"))
	if err != nil {
		return err
	}
	if total != want || inState != want || dups != 0 {
		return fmt.Errorf("after the phase: %d factors on the emulator, %d in state, %d duplicates; want %d, %d, 0", total, inState, dups, want, want)
	}
	return nil
}

func totalRequests(s emulator.Stats) int {
	n := 0
	for _, v := range s.Requests {
		n += v
	}
	return n
}

// loadAverage is the 1, 5 and 15 minute load average, to say how busy the machine was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
