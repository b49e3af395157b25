package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// The tables are Markdown, readable in a terminal and pasted as they are into BENCHMARKS.md.
// They are built in a strings.Builder, which cannot fail, and printed once.

func printSize(out *strings.Builder, r sizeResult, o options) {
	fmt.Fprintf(out, "\n### %s, -parallelism=%d, %s API latency, median of %d runs\n\n", r.w.describe(), o.parallelism, r.latency, o.runs)
	fmt.Fprintln(out, "| phase | idcsmfa | floor (terraform_data) | ratio | framework floor (no-op provider) | ratio | API requests | of which token | provider peak RSS | provider CPU | provider processes |")
	fmt.Fprintln(out, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, p := range r.phases {
		noop, noopRatio := "-", "-"
		if len(p.noopWalls) > 0 {
			noop, noopRatio = spread(p.noopWalls), ratio(p.wall(), p.noop())
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %s | %d | %d | %s | %s | %d |\n",
			p.name, spread(p.walls), spread(p.floorWalls), ratio(p.wall(), p.floor()), noop, noopRatio,
			totalRequests(p.stats), p.stats.TokenRequests, mib(p.usage.peakKiB), secs(p.usage.cpu), p.usage.processes)
	}
	if r.latency > 0 {
		printLatencyFloors(out, r, o.parallelism)
	}
	if r.loadBefore != "" {
		fmt.Fprintf(out, "\nLoad average (1, 5, 15 min) before: %s; after: %s.\n", r.loadBefore, r.loadAfter)
	}
	fmt.Fprintln(out, "\nAPI requests by endpoint (emulator counters, reset before each phase):")
	fmt.Fprintln(out)
	for _, p := range r.phases {
		fmt.Fprintf(out, "- %s: %s\n", p.name, byEndpoint(p.stats.Requests))
	}
}

// printLatencyFloors compares each phase with what its requests cost at this latency on top of
// each floor: floor + (requests / parallelism) x latency. That is the time a provider that
// added nothing but its calls would take against a domain this far away (Terraform runs at most
// -parallelism operations at once, each waiting for its calls in turn).
func printLatencyFloors(out *strings.Builder, r sizeResult, parallelism int) {
	fmt.Fprintf(out, "\nAgainst the latency floors (floor + requests / %d x %s):\n\n", parallelism, r.latency)
	fmt.Fprintln(out, "| phase | idcsmfa | terraform_data + latency | ratio | no-op provider + latency | ratio |")
	fmt.Fprintln(out, "|---|--:|--:|--:|--:|--:|")
	for _, p := range r.phases {
		calls := time.Duration(float64(totalRequests(p.stats)) / float64(parallelism) * float64(r.latency))
		floor := p.floor() + calls
		noop, noopRatio := "-", "-"
		if len(p.noopWalls) > 0 {
			noop, noopRatio = secs(p.noop()+calls), ratio(p.wall(), p.noop()+calls)
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %s |\n", p.name, secs(p.wall()), secs(floor), ratio(p.wall(), floor), noop, noopRatio)
	}
}

// refreshTargetSize is the N issue 9 sets the refresh target for: "refresh of 500 factors".
const refreshTargetSize = 500

// printTargets checks the figures against issue 9's targets.
func printTargets(out *strings.Builder, results []sizeResult) {
	fmt.Fprintln(out, "\n### Targets")
	fmt.Fprintln(out)
	for _, r := range results {
		for _, p := range r.phases {
			if p.name == "refresh-only plan" {
				fmt.Fprintf(out, "- N=%d, %s latency, refresh-only plan: %s of the terraform_data floor", r.w.factors, r.latency, ratio(p.wall(), p.floor()))
				if r.w.factors == refreshTargetSize {
					fmt.Fprintf(out, " (target 1.5x): %s", verdict(p.wall(), p.floor(), 1.5))
				} else {
					fmt.Fprintf(out, " (the 1.5x target is set for N=%d)", refreshTargetSize)
				}
				if len(p.noopWalls) > 0 {
					fmt.Fprintf(out, "; a framework provider that does nothing takes %s of that floor, idcsmfa %s of it",
						ratio(p.noop(), p.floor()), ratio(p.wall(), p.noop()))
				}
				if len(p.echoWalls) > 0 {
					fmt.Fprintf(out, "; a provider that echoes the state back (the plugin protocol alone) takes %s (%s of the floor), idcsmfa %s of it",
						spread(p.echoWalls), ratio(p.echo(), p.floor()), ratio(p.wall(), p.echo()))
				}
				fmt.Fprintln(out)
			}
		}
	}
}

func verdict(got, floor time.Duration, target float64) string {
	if floor > 0 && got.Seconds()/floor.Seconds() <= target {
		return "met"
	}
	return "MISSED"
}

func byEndpoint(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("`%s` %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// spread is the median, with the range when there was more than one run.
func spread(ds []time.Duration) string {
	if len(ds) < 2 {
		return secs(median(ds))
	}
	lo, hi := ds[0], ds[0]
	for _, d := range ds {
		lo, hi = min(lo, d), max(hi, d)
	}
	return fmt.Sprintf("%s (%.1f–%.1f)", secs(median(ds)), lo.Seconds(), hi.Seconds())
}

func ratio(got, floor time.Duration) string {
	if floor <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", got.Seconds()/floor.Seconds())
}

func mib(kib int64) string {
	if kib == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}
