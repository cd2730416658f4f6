#!/usr/bin/env bash
# The long crash campaign (issue 14): scripts/crash_campaign.sh N runs the crash test with N
# SIGKILLs instead of ./test.sh's 50. A worker process creates keys, rotates them, encrypts
# and re-wraps versions under a new domain key; it is killed at random moments, and after
# every kill a fresh process must find every acknowledged key, version and ciphertext, a
# store that passes its integrity check, and a readable token. Prints one summary line to
# quote in docs/PERFORMANCE.md ("Durability").
#   FLAVOUR=asan (default) or release; FRESH_EVERY=100: a fresh token and store every 100 kills
#   (each check re-verifies all acknowledged so far: without it, N kills cost N^2)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-1000}
flavour=${FLAVOUR:-asan}
scripts/build.sh "$flavour" >/dev/null
test_binary=build/$flavour/tests/core/core_crash_test
log=$(mktemp "${TMPDIR:-/tmp}/coffer-crash-campaign-XXXXXX.log")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
started=$(date +%s)
status=0
COFFER_CRASH_KILLS=$kills COFFER_CRASH_FRESH_EVERY=${FRESH_EVERY:-100} "$test_binary" --gtest_brief=1 >"$log" 2>&1 || status=$?
elapsed=$(($(date +%s) - started))
grep -E "kills, nothing acknowledged lost|verification failed|Failure|lost acknowledged" "$log" || true
echo "crash campaign: $kills kills requested, $flavour build, ${elapsed} s, exit status $status," \
  "$(nproc) cores, commit $(git rev-parse --short HEAD); full log: $log"
exit "$status"
