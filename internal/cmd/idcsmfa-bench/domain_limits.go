package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// The domain-limits workload (issue 30): N factors applied, refreshed and destroyed against an
// emulator that applies Oracle's published rate limits of one domain type (API reference 7.4,
// per group of endpoints, per second and per minute), once with the provider told the domain
// type (it paces itself to the table) and once without (it adapts to the 429s it gets).
//
// A phase's floor is Terraform's own time for the same phase of N resources of the do-nothing
// framework provider (terraform_data without -noop), plus the API latency of the last answer,
// plus the least time the slowest group's accepted requests take at the group's rate (n
// requests at 10 a second: (n-1)/10 whole seconds, the first ten at once): the least time any
// client of that domain could take. Each phase starts with the domain's whole budget (the
// emulator's windows are emptied before it), as it would after a quiet minute.

// limitMode is one way of configuring the provider for the workload.
type limitMode struct {
	name    string
	env     []string
	max429  float64 // the share of requests answered 429 the issue allows
	maxRate float64 // the ratio to the floor the issue allows
}

func limitModes(domainType string) []limitMode {
	return []limitMode{
		{fmt.Sprintf("domain_type = %q, api_capacity = 100", domainType),
			[]string{"IDCS_DOMAIN_TYPE=" + domainType, "IDCS_API_CAPACITY=100"}, 0, 1.2},
		{"no domain_type (adaptive)", nil, 0.05, 1.5},
	}
}

type limitPhase struct {
	name    string
	wall    time.Duration
	tfFloor time.Duration // the same phase of N do-nothing resources: Terraform's own time
	stats   emulator.Stats
}

type limitModeResult struct {
	mode   limitMode
	phases []limitPhase
}

type domainLimitsResult struct {
	domainType            string
	latency               time.Duration
	w                     workload
	modes                 []limitModeResult
	floorName             string // what measured Terraform's own time
	loadBefore, loadAfter string
}

// limitPhases are timed; the plan before the apply is not (its saved plan is applied).
var limitPhases = []struct {
	name     string
	args     func(par string) []string
	wantExit []int
}{
	{"apply", func(par string) []string { return []string{"apply", "-input=false", "-no-color", par, "limits.tfplan"} }, []int{0}},
	{"refresh-only plan", func(par string) []string {
		return []string{"plan", "-refresh-only", "-input=false", "-no-color", par, "-detailed-exitcode"}
	}, []int{0}},
	{"destroy", func(par string) []string {
		return []string{"destroy", "-auto-approve", "-input=false", "-no-color", par}
	}, []int{0}},
}

func runDomainLimits(ctx context.Context, o options, dir string, cfgs cliConfigs) (res domainLimitsResult, err error) {
	w := newWorkload(o.domainFactors, o.perUser)
	res = domainLimitsResult{domainType: o.domainType, latency: o.latency, w: w, loadBefore: loadAverage()}
	defer func() { res.loadAfter = loadAverage() }()
	progress("domain limits (%s): %s", o.domainType, w.describe())
	dirs, em, err := setUp(ctx, o, dir, w, "-rate-limits", o.domainType)
	if err != nil {
		return res, err
	}
	defer em.stop()
	par := fmt.Sprintf("-parallelism=%d", o.parallelism)
	base := &terraformRunner{bin: o.terraform, cliCfg: cfgs.timed, provider: o.provider, logDir: filepath.Join(dir, "logs"), host: em.url}
	// Each run starts with an empty pace cache (a -workdir may be reused); its commands share it.
	if err := os.RemoveAll(paceCacheDir(base.logDir)); err != nil {
		return res, err
	}

	// Terraform's own time for each phase: the do-nothing framework provider's (the CLI, the
	// plugin's process and protocol), or terraform_data's without -noop.
	floorDir := dirs.floor
	if o.noop != "" {
		floorDir = dirs.noop
		res.floorName = "the do-nothing framework provider"
	} else {
		res.floorName = "terraform_data"
	}
	floors := make([]time.Duration, len(limitPhases))
	if _, err := base.exec(ctx, floorDir, "limits-floor-plan", []int{2}, "plan", "-input=false", "-no-color", par, "-detailed-exitcode", "-out=limits.tfplan"); err != nil {
		return res, err
	}
	for i, ph := range limitPhases {
		r, err := base.exec(ctx, floorDir, fmt.Sprintf("limits-floor-%d", i), ph.wantExit, ph.args(par)...)
		if err != nil {
			return res, err
		}
		floors[i] = r.wall
	}

	for mi, mode := range limitModes(o.domainType) {
		tf := *base
		tf.extraEnv = mode.env
		mr := limitModeResult{mode: mode}
		progress("  %s", mode.name)
		if _, err := tf.exec(ctx, dirs.provider, fmt.Sprintf("limits-m%d-plan", mi), []int{2}, "plan", "-input=false", "-no-color", par, "-detailed-exitcode", "-out=limits.tfplan"); err != nil {
			return res, err
		}
		for i, ph := range limitPhases {
			if err := em.resetRateLimits(ctx); err != nil {
				return res, err
			}
			if err := em.resetStats(ctx); err != nil {
				return res, err
			}
			r, err := tf.exec(ctx, dirs.provider, fmt.Sprintf("limits-m%d-%d", mi, i), ph.wantExit, ph.args(par)...)
			if err != nil {
				return res, fmt.Errorf("%s under %s's limits, %s: %w", ph.name, o.domainType, mode.name, err)
			}
			st, err := em.stats(ctx)
			if err != nil {
				return res, err
			}
			mr.phases = append(mr.phases, limitPhase{name: ph.name, wall: r.wall, tfFloor: floors[i], stats: st})
			progress("    idcsmfa %-20s %8.2fs  %5d requests (%d answered 429)", ph.name, r.wall.Seconds(), totalRequests(st), st.Faults.RateLimited)
			if err := verifyAfter(ctx, ph.name, em, w, dirs.provider); err != nil {
				return res, err
			}
		}
		res.modes = append(res.modes, mr)
	}
	return res, nil
}

// acceptedByGroup is the requests of a phase the domain accepted, per rate-limit group: what
// the phase needed.
func acceptedByGroup(st emulator.Stats) map[string]int {
	out := map[string]int{}
	for key, n := range st.Requests {
		_, path, _ := strings.Cut(key, " ")
		out[emulator.RateLimitGroupOf(path)] += n
	}
	for g, n := range st.RateLimitedByGroup {
		out[g] -= n
	}
	return out
}

// windowFloor is the least time n requests take under a per-second and per-minute limit,
// starting with the whole budget: the first second's allowance goes at once and each further
// one a second later, and each whole minute's allowance before the last costs a minute.
func windowFloor(n int, r emulator.GroupRate) time.Duration {
	if n <= 0 || r.PerSecond <= 0 {
		return 0
	}
	minutes := 0
	if r.PerMinute > 0 {
		minutes = (n - 1) / r.PerMinute
		n -= minutes * r.PerMinute
	}
	seconds := (n - 1) / r.PerSecond
	return time.Duration(minutes)*time.Minute + time.Duration(seconds)*time.Second
}

// limitFloor is the phase's floor and the group that sets it.
func limitFloor(p limitPhase, domainType string, latency time.Duration) (time.Duration, string) {
	rates := emulator.RateLimitsOf(domainType)
	var slowest time.Duration
	group := "-"
	for g, n := range acceptedByGroup(p.stats) {
		if d := windowFloor(n, rates[g]); d > slowest {
			slowest, group = d, g
		}
	}
	return p.tfFloor + slowest + latency, group
}

func printDomainLimits(out *strings.Builder, r domainLimitsResult, parallelism int) {
	fmt.Fprintf(out, "\n### Under a %s domain's rate limits: %s, -parallelism=%d, %s API latency, one run\n\n", r.domainType, r.w.describe(), parallelism, r.latency)
	fmt.Fprintln(out, "| provider configuration | phase | idcsmfa | floor | ratio | slowest group | requests accepted by group | answered 429 | share 429 | target |")
	fmt.Fprintln(out, "|---|---|--:|--:|--:|---|---|--:|--:|---|")
	for _, m := range r.modes {
		for _, p := range m.phases {
			floor, group := limitFloor(p, r.domainType, r.latency)
			total := totalRequests(p.stats)
			share := 0.0
			if total > 0 {
				share = float64(p.stats.Faults.RateLimited) / float64(total)
			}
			fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %d | %.1f%% | %s |\n",
				m.mode.name, p.name, secs(p.wall), secs(floor), ratio(p.wall, floor), group, groups(acceptedByGroup(p.stats)),
				p.stats.Faults.RateLimited, share*100, limitVerdict(p.wall, floor, share, m.mode))
		}
	}
	fmt.Fprintf(out, "\nFloor: Terraform's own time for the phase (N resources of %s), plus the least time the slowest group's accepted requests take at its rate, the first second's allowance at once (%s), plus one API latency (the last answer). Load average before: %s; after: %s.\n",
		r.floorName, rateTable(r.domainType), r.loadBefore, r.loadAfter)
}

func limitVerdict(wall, floor time.Duration, share float64, m limitMode) string {
	want := fmt.Sprintf("≤ %.1fx, ≤ %.0f%% 429", m.maxRate, m.max429*100)
	if floor > 0 && wall.Seconds()/floor.Seconds() <= m.maxRate && share <= m.max429 {
		return "met (" + want + ")"
	}
	return "MISSED (" + want + ")"
}

func groups(m map[string]int) string {
	parts := []string{}
	for _, g := range []string{emulator.GroupAuthN, emulator.GroupToken, emulator.GroupOthers} {
		if m[g] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", g, m[g]))
		}
	}
	return strings.Join(parts, ", ")
}

func rateTable(domainType string) string {
	rates := emulator.RateLimitsOf(domainType)
	parts := []string{}
	for _, g := range []string{emulator.GroupAuthN, emulator.GroupToken, emulator.GroupOthers} {
		parts = append(parts, fmt.Sprintf("%s %d/s and %d/min", g, rates[g].PerSecond, rates[g].PerMinute))
	}
	return strings.Join(parts, ", ")
}
