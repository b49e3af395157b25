#!/usr/bin/env bash
# make bench: times plan, apply, refresh and destroy of N factors (N=100 and N=500 by default)
# against the emulator on loopback, next to N terraform_data resources (Terraform's own floor)
# and N resources of a do-nothing framework provider (what any plugin costs), then 100 factors
# applied, refreshed and destroyed under a Free domain's published rate limits (-domain-type).
# Builds everything it runs; needs only go and terraform on PATH, no registry and no network. Extra arguments go to idcsmfa-bench,
# e.g. `bash scripts/bench.sh -sizes 100 -keep`. BENCHMARKS.md explains the figures.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d "${TMPDIR:-/tmp}/idcsmfa-bench-bin.XXXXXX")
trap 'rm -rf "$bin"' EXIT

command -v terraform >/dev/null || { echo "terraform must be on PATH" >&2; exit 1; }

echo "== machine"
echo "cpus: $(nproc)"
free -h | sed -n '1,2p'
go version
terraform version 2>/dev/null | sed -n 1p

echo "== build (provider, emulator, rss wrapper, bench driver, no-op framework provider)"
cd "$root"
# The two providers are built as .goreleaser.yml builds releases (static, trimmed, stripped):
# what users run, and what Terraform starts three times per plan.
release_build() { CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" "$@"; }
release_build -o "$bin/terraform-provider-idcsmfa" .
release_build -o "$bin/noopprovider" ./internal/cmd/idcsmfa-bench/noopprovider
go build -o "$bin/idcs-emulator" ./internal/cmd/idcs-emulator
go build -o "$bin/rsswrap" ./internal/cmd/idcsmfa-bench/rsswrap
go build -o "$bin/idcsmfa-bench" ./internal/cmd/idcsmfa-bench

echo "== run"
"$bin/idcsmfa-bench" \
  -provider "$bin/terraform-provider-idcsmfa" \
  -emulator "$bin/idcs-emulator" \
  -wrapper "$bin/rsswrap" \
  -noop "$bin/noopprovider" \
  -terraform "$(command -v terraform)" \
  "$@"
