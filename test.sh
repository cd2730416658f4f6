#!/usr/bin/env bash
# Quick start, step two: the same set-up, then the whole suite under AddressSanitizer and
# UndefinedBehaviorSanitizer. The exit status is the suite's.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/init-token.sh var
scripts/build.sh asan
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=$(nproc 2>/dev/null || echo 2)
cd build/asan
ctest --output-on-failure -j"$jobs" --timeout 900 "$@"
