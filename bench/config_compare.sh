#!/usr/bin/env bash
# Encrypt through two real cofferds of one build that differ only in their flags: the
# baseline (A) and the variant (B), rpc API, coffer-load with 64 requests in flight on one
# connection. The two daemons run side by side and are measured in alternation, ROUNDS times
# each, so machine noise falls on both. The headline is the median of the rounds' ratios
# B / A (a round's two runs are seconds apart); the medians of each side and their ratio follow.
#   bench/config_compare.sh NAME_A "FLAGS_A" NAME_B "FLAGS_B" [SECONDS (4)] [ROUNDS (9)]
#   COFFER_BENCH_BUILD=DIR ...   measures DIR's binaries (an earlier build), building nothing
# bench/audit_compare.sh (audit trail) and bench/quota_compare.sh (request quotas) use it.
# This machine's speed jumps between levels, at times within seconds: many short rounds in
# alternating order, and ratios taken within a round, keep such a jump from deciding it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name_a=$1 flags_a=$2 name_b=$3 flags_b=$4
seconds=${5:-4}
rounds=${6:-9}
build=${COFFER_BENCH_BUILD:-$root/build/release}
if [ -z "${COFFER_BENCH_BUILD:-}" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target cofferd coffer-load >/dev/null
fi
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
start() {  # start NAME PORT FLAGS (not in a subshell: the trap must know the pid)
  local log=$work/$1.log
  # shellcheck disable=SC2086 # FLAGS are words
  "$build/tools/cofferd/cofferd" --state-dir "$work/$1" --listen "127.0.0.1:$2" --plaintext-loopback \
    --allow-unauthenticated-loopback --metrics-listen "" $3 ${COFFERD_FLAGS:-} \
    >/dev/null 2>"$log" &
  pids+=($!)
  for _ in $(seq 100); do grep -q '"event":"ready"' "$log" && break; sleep 0.1; done
  grep -q '"event":"ready"' "$log" || { cat "$log" >&2; exit 1; }
}
port_b=$((20000 + RANDOM % 10000))
port_a=$((30000 + RANDOM % 10000))
start b "$port_b" "$flags_b"
pid_b=${pids[-1]}
start a "$port_a" "$flags_a"
pid_a=${pids[-1]}
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
run "$port_a" "$pid_a" "$work/warm-a.json"  # both daemons warm before the first measured round
run "$port_b" "$pid_b" "$work/warm-b.json"
for round in $(seq "$rounds"); do
  # The order flips every round, so that a drift of the machine's speed falls on both.
  if ((round % 2)); then
    run "$port_a" "$pid_a" "$work/a-$round.json"
    run "$port_b" "$pid_b" "$work/b-$round.json"
  else
    run "$port_b" "$pid_b" "$work/b-$round.json"
    run "$port_a" "$pid_a" "$work/a-$round.json"
  fi
done
python3 - "$work" "$rounds" "$name_a" "$name_b" <<'PY'
import json, statistics, sys
work, rounds, names = sys.argv[1], int(sys.argv[2]), {"a": sys.argv[3], "b": sys.argv[4]}
runs = {"a": [], "b": []}
for which in runs:
    for n in range(1, rounds + 1):
        base = "%s/%s-%d.json" % (work, which, n)
        r = json.load(open(base))
        daemon = int(open(base + ".daemon").read()) / 100.0
        user, system = map(float, open(base + ".time").read().split()[-2:])
        ops = max(r["operations"], 1)
        runs[which].append((r["ops_per_second"], r["latency_ms"]["p99"], r["errors"]["total"],
                            1e6 * daemon / ops, 1e6 * (daemon + user + system) / ops))
print("| Encrypt (rpc, 64 in flight) | runs ops/s | median ops/s | median p99 ms | errors "
      "| median cofferd CPU µs/op | median total CPU µs/op |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for which in ("a", "b"):
    rs = runs[which]
    each = ", ".join("%.0f" % r[0] for r in rs)
    print("| %s | %s | %.0f | %.2f | %d | %.1f | %.1f |" % (
        names[which], each, statistics.median(r[0] for r in rs),
        statistics.median(r[1] for r in rs), sum(r[2] for r in rs),
        statistics.median(r[3] for r in rs), statistics.median(r[4] for r in rs)))
median = lambda which, i: statistics.median(r[i] for r in runs[which])
# The two runs of a round are seconds apart, so they share the machine's state; the medians of
# each side above may come from different states when it changes under the rounds.
paired = sorted(b[0] / a[0] for b, a in zip(runs["b"], runs["a"]))
label = "%s / %s throughput" % (names["b"], names["a"])
print("\n%s, median of the rounds' ratios: %.1f%% (rounds: %s)" % (
    label, 100 * statistics.median(paired), ", ".join("%.0f%%" % (100 * p) for p in paired)))
print("%s, ratio of the medians: %.1f%%" % (label, 100 * median("b", 0) / median("a", 0)))
# The machine's speed changes under the runs (other tenants); the CPU the daemon and the load
# generator spend per Encrypt does not, and on 2 saturated cores it sets the throughput.
print("%s by CPU per Encrypt (cofferd + coffer-load): %.1f%%" % (
    label, 100 * median("a", 4) / median("b", 4)))
PY
echo "($(nproc) cores, $seconds s per run, $rounds rounds; work dir of B: $work/b)"
