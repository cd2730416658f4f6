#!/usr/bin/env bash
# Issue 21 benchmark: Coffer under overload. Through a throw-away cofferd (rpc API, loopback,
# plaintext TCP, an access key of its own, Encrypt of 32 bytes under one key):
#   1. capacity: closed-loop coffer-load, CONNECTIONS x IN_FLIGHT requests outstanding;
#   2. open-loop coffer-load (--rate: requests leave on a fixed schedule whatever the
#      responses; latency from each one's scheduled time) at 1x, 2x and 4x that capacity;
#   3. a table: offered rate, goodput and goodput as % of capacity, throttled/s, other
#      errors, sends the client itself skipped (its cap of MAX_IN_FLIGHT per connection
#      reached), p50/p99 of the admitted (successful) requests, cofferd's RSS before and
#      after each run.
# cofferd gets --max-queue-time-ms QUEUE_MS when its --help lists that flag.
#   bench/overload.sh
#   COFFER_OVERLOAD_SECONDS=2 COFFER_OVERLOAD_WARMUP=0.5 bench/overload.sh   (a quick check)
# Knobs (environment): COFFER_BENCH_BUILD (use that build dir's binaries, building nothing;
# default: configure and build build/release), COFFER_OVERLOAD_SECONDS (per run, 10),
# COFFER_OVERLOAD_WARMUP (seconds before each run's measurement, 2),
# COFFER_OVERLOAD_CONNECTIONS (4), COFFER_OVERLOAD_IN_FLIGHT (closed loop, per connection, 64),
# COFFER_OVERLOAD_MAX_IN_FLIGHT (open-loop cap per connection, 1024),
# COFFER_OVERLOAD_QUEUE_MS (20), COFFERD_FLAGS (more cofferd flags).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${COFFER_OVERLOAD_SECONDS:-10}
warmup=${COFFER_OVERLOAD_WARMUP:-2}
connections=${COFFER_OVERLOAD_CONNECTIONS:-4}
in_flight=${COFFER_OVERLOAD_IN_FLIGHT:-64}
# Well above the closed loop's: at 2x and 4x the server, not the client, must face the excess.
max_in_flight=${COFFER_OVERLOAD_MAX_IN_FLIGHT:-1024}
queue_ms=${COFFER_OVERLOAD_QUEUE_MS:-20}
build=${COFFER_BENCH_BUILD:-$root/build/release}
if [ -z "${COFFER_BENCH_BUILD:-}" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target cofferd coffer-load >/dev/null
fi
cofferd=$build/tools/cofferd/cofferd
load=$build/tools/coffer-load/coffer-load

. "$root/tests/support/cofferd_process.sh"  # launch_cofferd
work=$(mktemp -d "${TMPDIR:-/tmp}/coffer-overload-XXXXXX")
cofferd_pid=
cleanup() {
  if [ -n "$cofferd_pid" ]; then
    kill -TERM "$cofferd_pid" 2>/dev/null || true
    wait "$cofferd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

flags=()
if "$cofferd" --help | grep -q -- '--max-queue-time-ms'; then
  flags+=(--max-queue-time-ms "$queue_ms")
  shedding="--max-queue-time-ms $queue_ms"
else
  shedding="none (this cofferd has no --max-queue-time-ms)"
fi
# An access key made offline, so that requests run as a real principal (quotas may be per
# principal), not as the unauthenticated loopback caller.
credentials=$("$cofferd" --state-dir "$work/state" access-key create --principal overload 2>"$work/access-key.log") ||
  { cat "$work/access-key.log" >&2; exit 1; }
printf '%s:%s\n' "${credentials%% *}" "${credentials#* }" >"$work/api.key"
# shellcheck disable=SC2086 # COFFERD_FLAGS is a list of flags
launch_cofferd "$cofferd" "$work/cofferd.log" --state-dir "$work/state" "${flags[@]}" ${COFFERD_FLAGS:-}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$cofferd_pid/status"; }
loadgen() {  # loadgen ARGS...: coffer-load against the running cofferd
  "$load" --endpoint "127.0.0.1:$COFFERD_PORT" --plaintext-tcp --api-key-file "$work/api.key" \
    --connections "$connections" "$@"
}
measure() {  # measure NAME ARGS...: a timed Encrypt run, its JSON report and RSS around it
  local before
  before=$(rss_kib)
  loadgen --key-ids-file "$work/key.txt" --mix encrypt=100 --warmup "$warmup" \
    --duration "$seconds" --json "${@:2}" >"$work/$1.json"
  printf '%s %s\n' "$before" "$(rss_kib)" >"$work/$1.rss"
}

loadgen --in-flight 1 --create-keys 1 --write-key-ids "$work/key.txt" --json >/dev/null
echo "overload: measuring capacity (closed loop, $connections x $in_flight in flight)" >&2
measure capacity --in-flight "$in_flight"
capacity=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["ops_per_second"]))' \
  "$work/capacity.json")
[ "$capacity" -gt 0 ] || { echo "overload: no Encrypt succeeded" >&2; exit 1; }
for factor in 1 2 4; do
  echo "overload: ${factor}x = $((factor * capacity))/s open loop" >&2
  measure "x$factor" --in-flight "$max_in_flight" --rate "$((factor * capacity))"
done

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
load = lambda name: json.load(open(f"{work}/{name}.json"))
peak = load("capacity")["goodput_per_second"]
print("| load | offered /s | goodput /s | goodput % of capacity | throttled /s | other errors "
      "| client drops | p50 ms | p99 ms | cofferd RSS MiB before → after |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, label in (("capacity", "capacity (closed loop)"), ("x1", "1x"), ("x2", "2x"), ("x4", "4x")):
    r = load(name)
    rss = [int(kib) / 1024 for kib in open(f"{work}/{name}.rss").read().split()]
    secs = r["duration_seconds"] or 1
    # Closed loop offers what comes back: the answers, successful or not.
    offered = r.get("offered_per_second", r["ops_per_second"] + r["errors"]["total"] / secs)
    target = f" (of {r['rate']:,})" if r["rate"] else ""
    lat = r["latency_ms"]
    print(f"| {label} | {offered:,.0f}{target} | {r['goodput_per_second']:,.0f} | "
          f"{100 * r['goodput_per_second'] / peak:.0f}% | {r['throttled'] / secs:,.0f} | "
          f"{r['errors']['total'] - r['throttled']} | {r.get('dropped_by_client', 0)} | "
          f"{lat['p50']:.2f} | {lat['p99']:.2f} | {rss[0]:.0f} → {rss[1]:.0f} |")
PY
echo "($seconds s measured after ${warmup} s per run, $connections connections, open-loop cap" \
  "$max_in_flight in flight per connection, load shedding: $shedding, $(nproc) cores, build $build)"
