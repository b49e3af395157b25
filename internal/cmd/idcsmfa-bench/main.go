// Command idcsmfa-bench measures the provider against Terraform's own floor (`make bench`).
//
// For each size N it starts the idcs-emulator command on loopback with N/per-user users,
// writes two configurations with the same for_each maps — N idcsmfa factors, and N
// terraform_data resources (no provider process at all: the floor) — and times plan (create),
// apply, refresh-only plan, no-op plan, plan -refresh=false and destroy for both. For the
// provider it also reports the API requests by endpoint (the emulator's counters, reset
// between phases), and, from one more untimed cycle in which dev_overrides points Terraform at
// the rsswrap wrapper, the provider processes' peak RSS and CPU. Last, per latency, the
// domain-limits workload (domain_limits.go): apply, refresh and destroy under Oracle's published
// rate limits of one domain type, with and without the provider told the domain type.
//
// scripts/bench.sh builds the three binaries and runs this; BENCHMARKS.md records results.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

type options struct {
	provider, emulator, wrapper, terraform string
	noop                                   string
	sizes                                  []int
	perUser                                int
	parallelism                            int
	runs                                   int
	domainType                             string // -domain-type: Oracle's rate limits for the domain-limits workload
	domainFactors                          int
	latency                                time.Duration   // of the run in progress
	latencies                              []time.Duration // -latency: one whole run each
	workDir                                string
	keep                                   bool
	timeout                                time.Duration
}

func main() {
	var o options
	var sizes, latencies string
	flag.StringVar(&o.provider, "provider", "", "built provider binary (terraform-provider-idcsmfa)")
	flag.StringVar(&o.emulator, "emulator", "", "built idcs-emulator binary")
	flag.StringVar(&o.wrapper, "wrapper", "", "built rsswrap binary (records the provider's peak RSS)")
	flag.StringVar(&o.noop, "noop", "", "built noopprovider binary: adds the framework floor column (optional)")
	flag.StringVar(&o.terraform, "terraform", "", "terraform CLI (default: terraform on PATH)")
	flag.StringVar(&sizes, "sizes", "100,500", "comma-separated numbers of factors N")
	flag.IntVar(&o.perUser, "factors-per-user", 5, "factors per user: one email factor and the rest SMS (M = N / this)")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism (10 is terraform's default)")
	flag.IntVar(&o.runs, "runs", 5, "cycles of the six phases per size; the tables show the median")
	flag.StringVar(&o.domainType, "domain-type", "free", "domain type whose published rate limits the emulator applies in the domain-limits workload (empty skips it)")
	flag.IntVar(&o.domainFactors, "domain-factors", 100, "factors of the domain-limits workload (over N / -factors-per-user users)")
	flag.StringVar(&latencies, "latency", "0,80ms", "comma-separated latencies the emulator adds to every API request, one whole run each (a real domain answers after tens of milliseconds)")
	flag.StringVar(&o.workDir, "workdir", "", "directory for configurations, state and logs (default: a new temporary directory)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory")
	flag.DurationVar(&o.timeout, "timeout", 40*time.Minute, "give up after this long")
	flag.Parse()

	for _, s := range strings.Split(sizes, ",") {
		if strings.TrimSpace(sizes) == "" {
			break // -sizes "": only the domain-limits workload
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fatalf("-sizes: %q is not a positive number", s)
		}
		o.sizes = append(o.sizes, n)
	}
	for _, s := range strings.Split(latencies, ",") {
		s = strings.TrimSpace(s)
		if s == "0" {
			s = "0s"
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			fatalf("-latency: %q is not a duration such as 0 or 80ms", s)
		}
		o.latencies = append(o.latencies, d)
	}
	if o.domainType != "" && emulator.RateLimitsOf(o.domainType) == nil {
		fatalf("-domain-type: %q is not one of %s (or empty to skip the domain-limits workload)", o.domainType, strings.Join(emulator.RateLimitTypes(), ", "))
	}
	if o.domainFactors < 1 {
		fatalf("-domain-factors must be at least 1")
	}
	if o.runs < 1 {
		fatalf("-runs must be at least 1")
	}
	if o.provider == "" || o.emulator == "" || o.wrapper == "" {
		fatalf("-provider, -emulator and -wrapper are required (scripts/bench.sh builds them)")
	}
	if o.terraform == "" {
		p, err := exec.LookPath("terraform")
		if err != nil {
			fatalf("terraform is not on PATH: %v", err)
		}
		o.terraform = p
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, o.timeout)
	defer cancelTimeout()

	results, limits, err := runAll(ctx, o)
	var report strings.Builder
	for _, r := range results {
		printSize(&report, r, o)
	}
	for _, l := range limits {
		printDomainLimits(&report, l, o.parallelism)
	}
	if len(results) > 0 {
		printTargets(&report, results)
	}
	fmt.Print(report.String())
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "idcsmfa-bench: "+format+"\n", args...)
	os.Exit(1)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func runAll(ctx context.Context, o options) (results []sizeResult, limits []domainLimitsResult, err error) {
	root := o.workDir
	if root == "" {
		d, err := os.MkdirTemp("", "idcsmfa-bench.")
		if err != nil {
			return nil, nil, err
		}
		root = d
	}
	defer func() {
		// A failed run keeps its logs: the error names the directory.
		if err == nil && !o.keep && o.workDir == "" {
			_ = os.RemoveAll(root)
		} else {
			progress("work directory kept: %s", root)
		}
	}()
	for _, p := range []*string{&o.provider, &o.emulator, &o.wrapper, &o.terraform, &o.noop} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return nil, nil, err
		}
		*p = abs
	}

	// dev_overrides names a directory, so each way of starting idcsmfa gets its own: the timed
	// runs start the provider itself, like the floors; the measured cycle starts it through
	// the RSS wrapper, whose extra process start would otherwise count in the times.
	pluginDir, measuredDir := filepath.Join(root, "plugins"), filepath.Join(root, "plugins-measured")
	noopDir := filepath.Join(root, "noop-plugin")
	for _, d := range []string{pluginDir, measuredDir, noopDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, nil, err
		}
	}
	if err := copyFile(o.provider, filepath.Join(pluginDir, "terraform-provider-idcsmfa")); err != nil {
		return nil, nil, err
	}
	if err := copyFile(o.wrapper, filepath.Join(measuredDir, "terraform-provider-idcsmfa")); err != nil {
		return nil, nil, err
	}
	if o.noop != "" {
		if err := copyFile(o.noop, filepath.Join(noopDir, "terraform-provider-noop")); err != nil {
			return nil, nil, err
		}
	}
	cfgs := cliConfigs{timed: filepath.Join(root, "terraformrc"), measured: filepath.Join(root, "terraformrc-measured")}
	if err := writeCLIConfig(cfgs.timed, pluginDir, noopDir); err != nil {
		return nil, nil, err
	}
	if err := writeCLIConfig(cfgs.measured, measuredDir, noopDir); err != nil {
		return nil, nil, err
	}

	for _, latency := range o.latencies {
		o.latency = latency
		for _, n := range o.sizes {
			dir := filepath.Join(root, fmt.Sprintf("n%d-%s", n, latency))
			if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o700); err != nil {
				return results, limits, err
			}
			r, err := runSize(ctx, o, dir, cfgs, newWorkload(n, o.perUser))
			r.latency = latency
			results = append(results, r)
			if err != nil {
				return results, limits, fmt.Errorf("size %d, latency %s: %w (work directory %s)", n, latency, err, root)
			}
		}
		if o.domainType == "" {
			continue
		}
		dir := filepath.Join(root, fmt.Sprintf("limits-%s-%s", o.domainType, latency))
		if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o700); err != nil {
			return results, limits, err
		}
		l, err := runDomainLimits(ctx, o, dir, cfgs)
		limits = append(limits, l)
		if err != nil {
			return results, limits, fmt.Errorf("domain limits (%s), latency %s: %w (work directory %s)", o.domainType, latency, err, root)
		}
	}
	return results, limits, nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o700)
}
