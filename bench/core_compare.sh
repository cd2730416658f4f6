#!/usr/bin/env bash
# core::KmsService against the raw token operations it is built on (Encrypt, and
# GenerateDataKey = C_GenerateRandom + C_Encrypt), single-threaded, one Release binary, one
# throw-away SoftHSM token. Prints median rates and the core/raw ratio (target: >= 85%).
#   bench/core_compare.sh [extra benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/release
# Configure every time (cheap): new benchmark targets appear only after a configure.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" --target coffer_core_bench -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$dir/bench/coffer_core_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_enable_random_interleaving=true --benchmark_out="$out" --benchmark_out_format=json "$@" >&2
python3 - "$out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
median = {b["run_name"].split("/")[0] + "/" + b["run_name"].split("/")[1]: b
          for b in doc["benchmarks"] if b.get("aggregate_name") == "median"}
print(f"{doc['context'].get('date')}: {doc['context'].get('num_cpus')} CPUs, load average "
      f"{', '.join(f'{x:.2f}' for x in doc['context'].get('load_avg', []))}")
print()
print("| operation | core ops/s | raw ops/s | core / raw (separate) | core / raw (paired) |")
print("| --- | ---: | ---: | ---: | ---: |")
for op in ("Encrypt", "GenerateDataKey"):
    if op + "/Core" not in median:  # left out by --benchmark_filter
        continue
    core, raw, paired = median[op + "/Core"], median[op + "/Raw"], median[op + "/Paired"]
    c, r = core["items_per_second"], raw["items_per_second"]
    print(f"| {op} | {c:,.0f} | {r:,.0f} | {100 * c / r:.1f}% | {100 * paired['core_rate_vs_raw']:.1f}% |")
authorized = median.get("Encrypt/Authorized")
if authorized:
    print()
    print(f"Encrypt by role/AppRole under an evaluated key policy vs the same Encrypt unchecked "
          f"(paired): {100 * authorized['authorized_rate_vs_unchecked']:.1f}% "
          f"({authorized['core_ns'] / 1000:.1f} us vs {authorized['raw_ns'] / 1000:.1f} us)")
PY
