#!/usr/bin/env bash
# Issue 16 benchmark: Encrypt through a real cofferd with the audit trail on against the same
# with it off (--audit false), rpc API, coffer-load with 64 requests in flight on one
# connection. The two daemons run side by side and are measured in alternation, ROUNDS times
# each, so machine noise falls on both; the medians and their ratio are printed.
# Target (issue 16): audited Encrypt >= 85% of unaudited.
#   bench/audit_compare.sh [SECONDS (default 8)] [ROUNDS (default 3)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-8}
rounds=${2:-3}
build=$root/build/release
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target cofferd coffer-load >/dev/null
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
start unaudited false "$off"
run() {
  "$build/tools/coffer-load/coffer-load" --endpoint "127.0.0.1:$1" --plaintext-tcp --create-key \
    --connections 1 --in-flight 64 --warmup 2 --duration "$seconds" --mix encrypt=100 --json
}
for round in $(seq "$rounds"); do
  run "$off" >"$work/off-$round.json"
  run "$on" >"$work/on-$round.json"
done
records=$(cat "$work"/audited/audit/audit-*.jsonl | wc -l)
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
runs = {"on": [], "off": []}
for which in runs:
    for n in range(1, int(sys.argv[2]) + 1):
        r = json.load(open("%s/%s-%d.json" % (sys.argv[1], which, n)))
        runs[which].append((r["ops_per_second"], r["latency_ms"]["p99"], r["errors"]["total"]))
print("| Encrypt (rpc, 64 in flight) | runs ops/s | median ops/s | median p99 ms | errors |")
print("| --- | --- | ---: | ---: | ---: |")
for which in ("off", "on"):
    rs = runs[which]
    each = ", ".join("%.0f" % r[0] for r in rs)
    print("| audit %s | %s | %.0f | %.2f | %d |" % (
        which, each, statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs),
        sum(r[2] for r in rs)))
ratio = statistics.median(r[0] for r in runs["on"]) / statistics.median(r[0] for r in runs["off"])
print("\naudited / unaudited: %.1f%% (target >= 85%%)" % (100 * ratio))
PY
echo "audit records written by the audited daemon: $records ($(nproc) cores, $seconds s per run, $rounds rounds)"
