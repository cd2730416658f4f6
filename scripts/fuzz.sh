#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
# Seeds come from tests/fuzz/corpus/<target>/; crashes are left in build/fuzz/artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not installed, skipping" >&2
  exit 0
fi
dir=build/fuzz
# Configuring again is cheap and picks up new targets.
CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOFFER_FUZZ=ON \
  -DCOFFER_BUILD_TESTS=OFF -DCOFFER_BUILD_BENCH=OFF >/dev/null
targets=$(sed -n 's/^coffer_add_fuzzer(\([a-z_0-9]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
cmake --build "$dir" -j"$(nproc)" --target $targets >/dev/null
mkdir -p "$dir/artifacts"
status=0
for t in $targets; do
  corpus="$dir/corpus/$t"
  mkdir -p "$corpus"
  [ -d "tests/fuzz/corpus/$t" ] && cp -n tests/fuzz/corpus/$t/* "$corpus/" 2>/dev/null || true
  echo "fuzz: $t for ${seconds}s"
  if ! "$dir/tests/fuzz/$t" -max_total_time="$seconds" -artifact_prefix="$dir/artifacts/$t-" -print_final_stats=1 \
      "$corpus" >"$dir/$t.log" 2>&1; then
    echo "fuzz: $t FAILED; see $dir/$t.log and $dir/artifacts/" >&2
    tail -30 "$dir/$t.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units" "$dir/$t.log" | sed "s/^/fuzz: $t /" || true
  fi
done
exit $status
