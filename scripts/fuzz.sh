#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]   (default 20 s, every target)
# Seeds come from tests/fuzz/corpus/<target>/; crashes are left in build/fuzz/artifacts.
# Campaigns (docs/SECURITY.md):
#   COFFER_FUZZ_PARALLEL=1 COFFER_FUZZ_SAVE_CORPUS=1 scripts/fuzz.sh 1800 fuzz_aws_handler fuzz_rpc_dispatch
# runs the targets side by side (one core each) and merges what they found, minimised,
# into tests/fuzz/corpus/<target>/ for the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not installed, skipping" >&2
  exit 0
fi
dir=build/fuzz
# Configuring again is cheap and picks up new targets.
CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOFFER_FUZZ=ON \
  -DCOFFER_BUILD_TESTS=OFF -DCOFFER_BUILD_BENCH=OFF >/dev/null
if [ $# -gt 0 ]; then
  targets="$*"
else
  targets=$(sed -n 's/^coffer_add_fuzzer(\([a-z_0-9]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
fi
cmake --build "$dir" -j"$(nproc)" --target $targets >/dev/null
mkdir -p "$dir/artifacts"

run_one() {
  local t=$1 corpus="$dir/corpus/$1"
  mkdir -p "$corpus"
  [ -d "tests/fuzz/corpus/$t" ] && cp -n tests/fuzz/corpus/$t/* "$corpus/" 2>/dev/null || true
  # CPU time, where /usr/bin/time exists: campaigns are measured in CPU-minutes.
  local timer=()
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -f "%U %S" -o "$dir/$t.cpu")
  if ! "${timer[@]}" "$dir/tests/fuzz/$t" -max_total_time="$seconds" -artifact_prefix="$dir/artifacts/$t-" \
      -print_final_stats=1 "$corpus" >"$dir/$t.log" 2>&1; then
    echo "fuzz: $t FAILED; see $dir/$t.log and $dir/artifacts/" >&2
    tail -30 "$dir/$t.log" >&2
    return 1
  fi
  local execs cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$t.log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$dir/$t.log" | tail -1)
  local cpu=""
  [ -s "$dir/$t.cpu" ] && cpu=$(tail -1 "$dir/$t.cpu" | awk '{printf ", %.1f CPU-minutes", ($1 + $2) / 60}')
  echo "fuzz: $t ${seconds}s: $execs executions, $cov$cpu, corpus $(ls "$corpus" | wc -l) inputs"
  if [ "${COFFER_FUZZ_SAVE_CORPUS:-0}" = 1 ]; then
    mkdir -p "tests/fuzz/corpus/$t"
    "$dir/tests/fuzz/$t" -merge=1 "tests/fuzz/corpus/$t" "$corpus" >"$dir/$t.merge.log" 2>&1
  fi
}

status=0
if [ "${COFFER_FUZZ_PARALLEL:-0}" = 1 ]; then
  pids=()
  for t in $targets; do
    echo "fuzz: $t for ${seconds}s (in parallel)"
    run_one "$t" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
else
  for t in $targets; do
    echo "fuzz: $t for ${seconds}s"
    run_one "$t" || status=1
  done
fi
exit $status
