#!/usr/bin/env bash
# Runs Satchel's benchmarks on one core and prints each figure with its ratio
# to a raw Ed25519 signature verification measured in the same run, then
# writes the table to bench/results.json so figures can be compared over
# time. Ratios, not seconds: they hold across machines. Packages run one
# after another (-p 1): two benchmark binaries at once share the cores and
# skew each other.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
pkgs=${BENCH_PKGS:-./verifier/... ./schemas/... ./transcript/... ./wallet/... ./issuer/...}
go test -p 1 -run '^$' -bench "${BENCH:-.}" -benchmem -cpu 1 -benchtime "${BENCHTIME:-1s}" $pkgs | tee "$out" >&2
awk -v when="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" '
/^pkg: / { pkg = $2 }
/^Benchmark/ {
  name = $1; sub(/-[0-9]+$/, "", name)
  ns = ""; bytes = ""; allocs = ""; extra = ""; shown = ""
  for (i = 3; i < NF; i += 2) {
    v = $(i); u = $(i+1)
    if (u == "ns/op") ns = v
    else if (u == "B/op") bytes = v
    else if (u == "allocs/op") allocs = v
    else if (u != "MB/s") {
      # custom metrics: credentials/s, p99-ms, req/s, ...
      extra = extra sprintf("%s\"%s\": %s", (extra == "" ? "" : ", "), u, v)
      shown = shown sprintf(" %s %s", v, u)
    }
  }
  n++; names[n] = name; pkgs[n] = pkg; nss[n] = ns; bs[n] = bytes; as[n] = allocs; ex[n] = extra; sh[n] = shown
  if (name == "BenchmarkEd25519Verify" && base == "") base = ns
}
END {
  if (base == "") { print "bench: no BenchmarkEd25519Verify baseline in the run" > "/dev/stderr"; exit 1 }
  printf "\n%-44s %14s %12s %10s %14s\n", "benchmark", "ns/op", "per second", "× Ed25519", "bytes/op"
  json = sprintf("{\n  \"when\": \"%s\",\n  \"commit\": \"%s\",\n  \"baseline\": {\"name\": \"BenchmarkEd25519Verify\", \"ns_per_op\": %s},\n  \"results\": [", when, commit, base)
  for (i = 1; i <= n; i++) {
    ratio = nss[i] / base
    printf "%-44s %14.0f %12.0f %10.2f %14s%s\n", names[i], nss[i], 1e9 / nss[i], ratio, bs[i], sh[i]
    json = json sprintf("%s\n    {\"package\": \"%s\", \"name\": \"%s\", \"ns_per_op\": %s, \"per_second\": %.1f, \"ratio_to_ed25519_verify\": %.3f, \"bytes_per_op\": %s, \"allocs_per_op\": %s, \"metrics\": {%s}}",
      (i > 1 ? "," : ""), pkgs[i], names[i], nss[i], 1e9 / nss[i], ratio, (bs[i] == "" ? "null" : bs[i]), (as[i] == "" ? "null" : as[i]), ex[i])
  }
  print json "\n  ]\n}" > "bench/results.json"
  print "\nwrote bench/results.json"
}' "$out"
