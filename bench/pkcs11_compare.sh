#!/usr/bin/env bash
# The token layer against a plain PKCS#11 loop: builds the Release benchmark (build/release,
# configured as `scripts/build.sh release` does; only the benchmark target is built), runs it
# with 5 repetitions, and prints the median rate of each path and the pool/raw ratio.
#   bench/pkcs11_compare.sh [extra benchmark flags, e.g. --benchmark_min_time=2]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/release
# Configure every time (cheap): new benchmark targets appear only after a configure.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" --target coffer_pkcs11_bench -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Repetitions of the pool and raw runs interleave in random order, so that a change in the
# machine's load (other builds on a shared host) falls on both sides alike.
"$dir/bench/coffer_pkcs11_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_enable_random_interleaving=true \
  --benchmark_out="$out" --benchmark_out_format=json "$@" >&2

python3 - "$out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
median = {}
for b in doc["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    # run_name is e.g. "Gcm32/Pool/real_time/threads:2" or "PoolLease/real_time/threads:1"
    parts = b["run_name"].split("/")
    median[(parts[0], parts[1] if len(parts) > 3 else "", b["threads"])] = b
ctx = doc["context"]
print(f"{ctx.get('date')}: {ctx.get('num_cpus')} CPUs, SoftHSM library "
      f"{ctx.get('softhsm_library_version')}, load average before the run "
      f"{', '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))}")
print()
print("Separate runs (median of 5 repetitions each):")
print()
print("| operation | threads | pool ops/s | raw ops/s | pool / raw |")
print("| --- | ---: | ---: | ---: | ---: |")
ops = sorted({k[0] for k in median if k[1] in ("Pool", "Raw")})
for op in ops:
    for threads in sorted({k[2] for k in median if k[0] == op}):
        pool = median.get((op, "Pool", threads))
        raw = median.get((op, "Raw", threads))
        if pool is None or raw is None:
            continue
        p, r = pool["items_per_second"], raw["items_per_second"]
        print(f"| {op} | {threads} | {p:,.0f} | {r:,.0f} | {100 * p / r:.1f}% |")
print()
print("Paired runs (pool and raw operations alternating in one loop; median of 5):")
print()
print("| operation | threads | pool ns/op | raw ns/op | pool rate / raw rate |")
print("| --- | ---: | ---: | ---: | ---: |")
for op in ops:
    for threads in sorted({k[2] for k in median if k[0] == op}):
        paired = median.get((op, "Paired", threads))
        if paired is None:
            continue
        print(f"| {op} | {threads} | {paired['pool_ns']:,.0f} | {paired['raw_ns']:,.0f} | "
              f"{100 * paired['pool_rate_vs_raw']:.1f}% |")
print()
for threads in sorted({k[2] for k in median if k[0] == "PoolLease"}):
    lease = median[("PoolLease", "", threads)]
    print(f"Pool acquire + release alone, {threads} thread(s): {1e9 / lease['items_per_second'] * threads:,.0f} ns "
          f"per operation per thread")
PY
