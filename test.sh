#!/usr/bin/env bash
# Quick start, step two: the same set-up, then the whole suite under AddressSanitizer and
# UndefinedBehaviorSanitizer, after a check of the formatting (clang-format) and a bounded
# libFuzzer run of every parser. The exit status is the suite's.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
format_status=0
scripts/check-format.sh || format_status=$?
scripts/build.sh asan
fuzz_status=0
scripts/fuzz.sh "${COFFER_FUZZ_SECONDS:-20}" || fuzz_status=$?
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=$(nproc 2>/dev/null || echo 2)
suite_status=0
(cd build/asan && ctest --output-on-failure -j"$jobs" --timeout 900 "$@") || suite_status=$?
if [ "$format_status" -ne 0 ]; then
  echo "formatting differs from .clang-format (see above)" >&2
  exit "$format_status"
fi
if [ "$fuzz_status" -ne 0 ]; then
  echo "fuzzing found a failure (see above)" >&2
  exit "$fuzz_status"
fi
exit "$suite_status"
