#!/usr/bin/env bash
# make check: the whole test suite, as README's test command and .ci/run run it.
#
# The steps are the Makefile's targets. They run in lanes side by side, so that what one lane
# waits for (the newer CLIs' builds, the emulator's answer latency, the retries and pacing
# under test) is time the others use:
#   - one lane per CLI runs the acceptance suite (Terraform on PATH, Terraform
#     $TERRAFORM_LATEST and OpenTofu $TOFU_VERSION, the newer two built by build-cli.sh,
#     which starts at once in the background and is cached between runs);
#   - one lane runs the static checks, the unit and race tests, Oracle's SDK against the
#     emulator, then (once the newest Terraform is there) the docs check, the examples, the
#     documentation snippets and the demo.
# Each step's output goes to .check/<step>.log and is printed only when the step fails. A
# failed step fails the run, and the other steps still run, so one run reports every failure.
# The run ends with each step's wall time, the ten slowest acceptance tests per CLI, and the
# acceptance counts per CLI (last, so that the log ends on what was tested).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

make_=(make --no-print-directory)
build_cli=$("${make_[@]}" -s print-BUILD_CLI)
tf_latest_version=$("${make_[@]}" -s print-TERRAFORM_LATEST)
tofu_version=$("${make_[@]}" -s print-TOFU_VERSION)
out=.check
rm -rf "$out" && mkdir -p "$out"
: >"$out/steps.tsv"
run_start=$(date +%s)

# cpu_seconds FILE: the user + system time of the children in the output of `times`.
cpu_seconds() {
  sed -n 2p "$1" 2>/dev/null | awk '{
    t = 0
    for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] }
    printf "%d", t
  }'
}

# step NAME COMMAND...: runs COMMAND with its output in .check/NAME.log and records its wall
# time, exit status and CPU time in .check/steps.tsv.
step() {
  local name=$1 start status=0 wall
  shift
  start=$(date +%s)
  # In a subshell, so that `times` gives the CPU time of this step's processes alone.
  (
    rc=0
    "$@" >"$out/$name.log" 2>&1 || rc=$?
    times >"$out/$name.times"
    exit "$rc"
  ) || status=$?
  wall=$(($(date +%s) - start))
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$((start - run_start))" "$wall" "$status" "$(cpu_seconds "$out/$name.times")" >>"$out/steps.tsv"
  if [ "$status" -eq 0 ]; then
    printf '==> %-22s passed in %4ss\n' "$name" "$wall"
  else
    printf '\n==> %s FAILED (exit %s) after %ss; the end of its log (all of it in %s/%s.log):\n' "$name" "$status" "$wall" "$out" "$name"
    tail -n 80 "$out/$name.log" | sed 's/^/    /'
    echo
  fi
  return "$status"
}

# The newer CLIs: built once (minutes when cold), then reused from build-cli.sh's cache.
step "build-terraform-$tf_latest_version" "$build_cli" terraform "$tf_latest_version" &
step "build-tofu-$tofu_version" "$build_cli" tofu "$tofu_version" &

acceptance() { # acceptance NAME BIN
  "${make_[@]}" testacc-one CLI_NAME="$1" CLI_BIN="$2"
}

lane_terraform() {
  step "testacc-terraform" acceptance terraform "$("${make_[@]}" -s print-TF_ACC_TERRAFORM_PATH)"
}
# lane_built_cli CLI VERSION: the acceptance suite on a CLI that build-cli.sh builds. Its
# lock makes this wait for the build started above, then gives the cached binary.
lane_built_cli() {
  local bin
  bin=$("$build_cli" "$1" "$2" 2>/dev/null) || { echo "==> testacc-$1-$2: not run, the CLI did not build" >&2; return 1; }
  step "testacc-$1-$2" acceptance "$1-$2" "$bin"
}
lane_checks() {
  local status=0
  step fmtcheck "${make_[@]}" fmtcheck || status=1
  step lint "${make_[@]}" lint || status=1
  step test "${make_[@]}" test || status=1
  step conformance-sdk "${make_[@]}" conformance-sdk || status=1
  # The rest needs the newest Terraform (the docs read the action schemas, the newest
  # examples run on it).
  "$build_cli" terraform "$tf_latest_version" >/dev/null 2>&1
  step docscheck "${make_[@]}" docscheck || status=1
  step examples "${make_[@]}" examples || status=1
  step snippets "${make_[@]}" snippets || status=1
  step demo "${make_[@]}" demo || status=1
  # Written to a file, the demo's output must read as plain text (issue 31: it wrote bold codes).
  if grep -q $'\033' "$out/demo.log"; then
    echo "==> demo FAILED: its output to a file holds terminal escape codes ($out/demo.log)"
    status=1
  fi
  # Its application holds Security Administrator: no apply may warn that the domain's MFA
  # settings could not be read (a new user took that warning for a failure).
  if grep -q "settings could not be read" "$out/demo.log"; then
    echo "==> demo FAILED: an apply could not read the domain's MFA settings ($out/demo.log)"
    status=1
  fi
  return "$status"
}

# Every package and test binary compiled once, before the lanes would each compile the same.
step compile go test -count=1 -run '^$' ./...

# The newest Terraform's suite has the most tests (actions and list resources run only there),
# so it ends the run; the other two lanes yield a little CPU to it
# (niceness 1: a weight of 820 against 1024), so that the three end together and the run's
# last minute still has work for both cores rather than one lane's last tests waiting alone.
lighter() { renice -n 1 -p "$BASHPID" >/dev/null 2>&1 || true; "$@"; }
pids=()
lighter lane_terraform &
pids+=($!)
lane_built_cli terraform "$tf_latest_version" &
pids+=($!)
lighter lane_built_cli tofu "$tofu_version" &
pids+=($!)
lane_checks &
pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
wait

echo
run_wall=$(($(date +%s) - run_start))
echo "== Each step: when it started, its wall time and its CPU time (user + system), in seconds"
printf '%-28s %6s %6s %6s  %s\n' step start wall cpu result
sort -t$'\t' -k2,2n "$out/steps.tsv" | while IFS=$'\t' read -r name start wall status cpu; do
  result=passed
  [ "$status" -eq 0 ] || result="FAILED ($status)"
  printf '%-28s %6s %6s %6s  %s\n' "$name" "$start" "$wall" "${cpu:-?}" "$result"
done
cores=$(nproc)
cpu_total=$(awk -F'\t' '{ t += $5 } END { print t + 0 }' "$out/steps.tsv")
echo "whole run: ${run_wall}s of wall time; ${cpu_total}s of CPU time, $((100 * cpu_total / (run_wall * cores + 1)))% of the ${cores} cores over the run; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if awk -F'\t' '$4 != 0 { bad = 1 } END { exit !bad }' "$out/steps.tsv"; then failed=1; fi

for log in .testacc-terraform.log ".testacc-terraform-$tf_latest_version.log" ".testacc-tofu-$tofu_version.log"; do
  [ -f "$log" ] || continue
  echo
  echo "== The ten slowest acceptance tests (and subtests) on $(basename "${log#.testacc-}" .log)"
  sed -n 's/^ *--- \(PASS\|FAIL\): \([^ ]*\) (\([0-9.]*\)s)$/\3 \1 \2/p' "$log" | sort -rn | head -n 10 |
    awk '{ printf "%8.1fs  %s  %s\n", $1, $2, $3 }'
done

echo
echo "== Acceptance tests per CLI"
cat .testacc-terraform.summary ".testacc-terraform-$tf_latest_version.summary" ".testacc-tofu-$tofu_version.summary" 2>/dev/null | tee .testacc.summary
[ "$(wc -l <.testacc.summary)" -eq 3 ] || { echo "an acceptance suite did not report its counts"; failed=1; }
# Last, so that a log cut to its head and tail still names what failed and why: each failed
# acceptance test (and subtest) with the first lines of what it printed.
for log in .testacc-terraform.log ".testacc-terraform-$tf_latest_version.log" ".testacc-tofu-$tofu_version.log"; do
  [ -f "$log" ] && grep -q -- '--- FAIL' "$log" || continue
  echo
  echo "== Failed on $(basename "${log#.testacc-}" .log)"
  # go test -v prints a parallel test's lines after "=== CONT/NAME <test>", before its
  # "--- FAIL": keep each test's first lines and print them under its FAIL line.
  awk '/^=== (RUN|PAUSE|CONT|NAME) / { cur = $3; next }
       /^ *--- FAIL: / { print; printf "%s", buf[$3]; cur = ""; next }
       /^ *--- (PASS|SKIP): / || /^(PASS|FAIL|ok)/ { cur = ""; next }
       cur != "" && n[cur] < 25 { buf[cur] = buf[cur] substr($0, 1, 300) "\n"; n[cur]++ }' "$log"
done
if [ -n "${TESTACC_RUN:-}" ]; then
  echo "make check ran only the acceptance tests matching TESTACC_RUN=$TESTACC_RUN: a partial run, not a pass"
  failed=1
fi
if [ "$failed" -ne 0 ]; then
  echo "make check FAILED: see the steps marked FAILED above"
  exit 1
fi
echo "make check passed"
