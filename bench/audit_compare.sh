#!/usr/bin/env bash
# Issue 16 benchmark: Encrypt through a real cofferd with the audit trail on against the same
# with it off (--audit false), rpc API, coffer-load with 64 requests in flight on one
# connection. The two daemons run side by side and are measured in alternation, ROUNDS times
# each, so machine noise falls on both. The headline is the median of the rounds' ratios
# (a round's two runs are seconds apart); the medians of each side and their ratio follow.
# Target (issue 16): audited Encrypt >= 85% of unaudited.
#   bench/audit_compare.sh [SECONDS (default 4)] [ROUNDS (default 9)]
#   COFFER_BENCH_BUILD=DIR bench/audit_compare.sh   measures DIR's binaries (an earlier
#                                                   release's build), building nothing
# This machine's speed jumps between levels, at times within seconds: many short rounds in
# alternating order, and ratios taken within a round, keep such a jump from deciding it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-4}
rounds=${2:-9}
build=${COFFER_BENCH_BUILD:-$root/build/release}
if [ -z "${COFFER_BENCH_BUILD:-}" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target cofferd coffer-load >/dev/null
fi
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
start() {  # start NAME AUDIT PORT (not in a subshell: the trap must know the pid)
  local log=$work/$1.log
  "$build/tools/cofferd/cofferd" --state-dir "$work/$1" --listen "127.0.0.1:$3" --plaintext-loopback \
    --allow-unauthenticated-loopback --metrics-listen "" --audit "$2" ${COFFERD_FLAGS:-} \
    >/dev/null 2>"$log" &
  pids+=($!)
  for _ in $(seq 100); do grep -q '"event":"ready"' "$log" && break; sleep 0.1; done
  grep -q '"event":"ready"' "$log" || { cat "$log" >&2; exit 1; }
}
on=$((20000 + RANDOM % 10000))
off=$((30000 + RANDOM % 10000))
start audited true "$on"
on_pid=${pids[-1]}
start unaudited false "$off"
off_pid=${pids[-1]}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in 1/100 s
run() {  # run PORT PID OUT: the load report, plus the CPU both processes spent on it
  local before after
  before=$(cpu_ticks "$2")
  /usr/bin/time -f '%U %S' -o "$3.time" \
    "$build/tools/coffer-load/coffer-load" --endpoint "127.0.0.1:$1" --plaintext-tcp --create-key \
    --connections 1 --in-flight 64 --warmup 0 --duration "$seconds" --mix encrypt=100 --json >"$3"
  after=$(cpu_ticks "$2")
  echo "$((after - before))" >"$3.daemon"
}
run "$off" "$off_pid" "$work/warm-off.json"  # both daemons warm before the first measured round
run "$on" "$on_pid" "$work/warm-on.json"
for round in $(seq "$rounds"); do
  # The order flips every round, so that a drift of the machine's speed falls on both.
  if ((round % 2)); then
    run "$off" "$off_pid" "$work/off-$round.json"
    run "$on" "$on_pid" "$work/on-$round.json"
  else
    run "$on" "$on_pid" "$work/on-$round.json"
    run "$off" "$off_pid" "$work/off-$round.json"
  fi
done
records=$(cat "$work"/audited/audit/audit-*.jsonl 2>/dev/null | wc -l || true)
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
runs = {"on": [], "off": []}
for which in runs:
    for n in range(1, int(sys.argv[2]) + 1):
        base = "%s/%s-%d.json" % (sys.argv[1], which, n)
        r = json.load(open(base))
        daemon = int(open(base + ".daemon").read()) / 100.0
        user, system = map(float, open(base + ".time").read().split()[-2:])
        ops = max(r["operations"], 1)
        runs[which].append((r["ops_per_second"], r["latency_ms"]["p99"], r["errors"]["total"],
                            1e6 * daemon / ops, 1e6 * (daemon + user + system) / ops))
print("| Encrypt (rpc, 64 in flight) | runs ops/s | median ops/s | median p99 ms | errors "
      "| median cofferd CPU µs/op | median total CPU µs/op |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for which in ("off", "on"):
    rs = runs[which]
    each = ", ".join("%.0f" % r[0] for r in rs)
    print("| audit %s | %s | %.0f | %.2f | %d | %.1f | %.1f |" % (
        which, each, statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs),
        sum(r[2] for r in rs), statistics.median(r[3] for r in rs),
        statistics.median(r[4] for r in rs)))
median = lambda which, i: statistics.median(r[i] for r in runs[which])
# The two runs of a round are seconds apart, so they share the machine's state; the medians of
# each side above may come from different states when it changes under the rounds.
paired = sorted(on[0] / off[0] for on, off in zip(runs["on"], runs["off"]))
print("\naudited / unaudited throughput, median of the rounds' ratios: %.1f%% (target >= 85%%;"
      " rounds: %s)" % (100 * statistics.median(paired), ", ".join("%.0f%%" % (100 * p) for p in paired)))
print("audited / unaudited throughput, ratio of the medians: %.1f%%" %
      (100 * median("on", 0) / median("off", 0)))
# The machine's speed changes under the runs (other tenants); the CPU the daemon and the load
# generator spend per Encrypt does not, and on 2 saturated cores it sets the throughput.
print("audited / unaudited by CPU per Encrypt (cofferd + coffer-load): %.1f%%" %
      (100 * median("off", 4) / median("on", 4)))
PY
echo "audit records written by the audited daemon: $records ($(nproc) cores, $seconds s per run, $rounds rounds)"
