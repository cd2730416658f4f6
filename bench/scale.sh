#!/usr/bin/env bash
# Issue 14 benchmark: many keys in one region. Through a throw-away cofferd (rpc API,
# loopback, plaintext, coffer-load with 64 requests in flight on one connection):
#   1. creates KEYS symmetric keys (coffer-load --create-keys) and reports the create rate;
#   2. the metadata store's size and the token's persistent object count before and after,
#      each read with cofferd stopped (its WAL checkpointed); with the key hierarchy the token
#      holds a domain key and an access-key KEK whatever the key count;
#   3. Encrypt throughput on (a) one key, (b) a hot set of HOT keys, each request picking one
#      uniformly, (c) all KEYS keys alike (beyond version_cache_capacity, left at cofferd's
#      default, requests miss the cache): RUNS runs of each, alternating a, b, c; medians,
#      p99 latencies, and the ratios (b)/(a) (target >= 0.90) and (c)/(a) (target >= 0.40).
# Prints a Markdown section for docs/PERFORMANCE.md on stdout; progress goes to stderr.
#   KEYS=100000 DURATION=10 RUNS=3 bench/scale.sh
#   KEYS=2000 DURATION=3 RUNS=1 bench/scale.sh          (a quick check)
# Also: HOT (1000), WARMUP seconds before each measured run (2), BUILD_DIR (build/release),
# COFFERD (another cofferd binary, e.g. another tree's), COFFERD_FLAGS (extra cofferd flags,
# e.g. "--sessions 2 --workers 2").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=${KEYS:-100000}
duration=${DURATION:-10}
runs=${RUNS:-3}
hot=${HOT:-1000}
warmup=${WARMUP:-2}
build=${BUILD_DIR:-$root/build/release}
[ "$hot" -le "$keys" ] || hot=$keys
cofferd=${COFFERD:-$build/tools/cofferd/cofferd}
load=$build/tools/coffer-load/coffer-load
if [ ! -x "$cofferd" ] || [ ! -x "$load" ]; then
  [ -z "${BUILD_DIR:-}${COFFERD:-}" ] || { echo "no $cofferd or $load" >&2; exit 1; }
  "$root/scripts/build.sh" release >&2
fi

. "$root/tests/support/cofferd_process.sh"  # launch_cofferd
work=$(mktemp -d "${TMPDIR:-/tmp}/coffer-scale-XXXXXX")
state=$work/state
cofferd_pid=
stop_cofferd() {
  [ -n "$cofferd_pid" ] || return 0
  kill -TERM "$cofferd_pid" 2>/dev/null || true
  wait "$cofferd_pid" 2>/dev/null || true
  cofferd_pid=
}
trap 'stop_cofferd; rm -rf "$work"' EXIT

starts=0
start_cofferd() {  # sets COFFERD_PORT, metrics_port, and ready_seconds (time to "ready")
  starts=$((starts + 1))
  local log=$work/cofferd-$starts.log t0
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086 # COFFERD_FLAGS is a list of flags
  launch_cofferd "$cofferd" "$log" --state-dir "$state" --allow-unauthenticated-loopback \
    ${COFFERD_FLAGS:-}
  ready_seconds=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')")
  metrics_port=$(grep -m 1 '"event":"ready"' "$log" | sed -n 's/.*"metrics_port":"\([0-9]*\)".*/\1/p')
  region=$(grep -m 1 '"event":"ready"' "$log" | sed -n 's/.*"region":"\([^"]*\)".*/\1/p')
}
store_bytes() {  # the SQLite file and its WAL (none after a clean stop)
  local total=0 f
  for f in "$state/coffer.db" "$state/coffer.db-wal"; do
    [ -f "$f" ] && total=$((total + $(stat -c %s "$f")))
  done
  echo "$total"
}
token_objects() {  # SoftHSM's file store: TOKEN_DIR/<uuid>.object per object, and token.object
  find "$state/tokens" -name '*.object' ! -name token.object | wc -l
}
# cache_state: "HITS MISSES CAPACITY SIZE UNWRAP_SECONDS UNWRAPS" of cofferd's key version
# cache from its metrics, each "-" when this cofferd has no such metric.
cache_state() {
  { curl -s "http://127.0.0.1:$metrics_port/metrics" || true; } | python3 -c '
import re, sys
v = {}
for line in sys.stdin:
    m = re.match(r"coffer_key_version_cache(?:_events)?\{(?:event|state)=\"(\w+)\"\} (\S+)", line)
    m = m or re.match(r"coffer_key_version_unwrap_seconds_(sum|count) (\S+)", line)
    if m: v[m.group(1)] = m.group(2)
out = [v.get(k, "-") for k in ("hit", "miss", "capacity", "size", "sum", "count")]
print(" ".join(x if x == "-" or "." not in x and "e" not in x else repr(float(x)) for x in out))'
}
loadgen() {  # loadgen ARGS...: coffer-load against the running cofferd, JSON report
  "$load" --endpoint "127.0.0.1:$COFFERD_PORT" --plaintext-tcp --connections 1 --in-flight 64 \
    --json "$@"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "scale: $keys keys, state in $work" >&2
start_cofferd
stop_cofferd
db_before=$(store_bytes)
objects_before=$(token_objects)

start_cofferd
echo "scale: creating $keys keys" >&2
loadgen --create-keys "$keys" --write-key-ids "$work/keys.txt" >"$work/create.json"
created=$(wc -l <"$work/keys.txt")
[ "$created" -eq "$keys" ] || { echo "created $created keys of $keys" >&2; exit 1; }
stop_cofferd
db_after=$(store_bytes)
objects_after=$(token_objects)

start_cofferd
restart_seconds=$ready_seconds
head -n 1 "$work/keys.txt" >"$work/one.txt"
head -n "$hot" "$work/keys.txt" >"$work/hot.txt"
# Case (c)'s steady state has a full cache: fill it first (Encrypt over all keys, unmeasured),
# or the first run of (c) would count the misses of an empty cache on top. At most 5 minutes.
fill_seconds=-
read -r _ _ capacity size _ _ <<<"$(cache_state)"
if [ "$capacity" != - ]; then
  t0=$SECONDS
  capacity=${capacity%.*}
  want=$((capacity < keys ? capacity : keys))
  while [ "${size%.*}" -lt "$want" ] && [ $((SECONDS - t0)) -lt 300 ]; do
    echo "scale: filling the key version cache ($size of $want)" >&2
    loadgen --key-ids-file "$work/keys.txt" --mix encrypt=100 --duration 5 >/dev/null
    read -r _ _ _ size _ _ <<<"$(cache_state)"
  done
  fill_seconds=$((SECONDS - t0))
fi
for run in $(seq 1 "$runs"); do
  for case in a b c; do
    case $case in
      a) args=(--key-id "$(cat "$work/one.txt")") ;;
      b) args=(--key-ids-file "$work/hot.txt") ;;
      c) args=(--key-ids-file "$work/keys.txt") ;;
    esac
    echo "scale: run $run/$runs, case ($case)" >&2
    before=$(cache_state)
    loadgen "${args[@]}" --mix encrypt=100 --warmup "$warmup" --duration "$duration" \
      >"$work/run-$case-$run.json"
    echo "$before $(cache_state)" >"$work/run-$case-$run.cache"
  done
done
stop_cofferd
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

tree=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD -- 2>/dev/null || tree="$tree with uncommitted changes"
if [ -n "${COFFERD:-}" ]; then
  built="cofferd $COFFERD, coffer-load from tree $tree"
else
  built="tree $tree, $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null) build"
fi
command="KEYS=$keys DURATION=$duration RUNS=$runs"
[ "$hot" = 1000 ] || command="$command HOT=$hot"
[ "$warmup" = 2 ] || command="$command WARMUP=$warmup"
[ -z "${COFFERD:-}" ] || command="$command COFFERD=$COFFERD"
[ -z "${COFFERD_FLAGS:-}" ] || command="$command COFFERD_FLAGS=\"$COFFERD_FLAGS\""
python3 - "$work" "$keys" "$hot" "$runs" "$duration" "$warmup" "$command bench/scale.sh" \
  "$built" "$(nproc)" "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
  "$load_before" "$load_after" "$db_before" "$db_after" "$objects_before" "$objects_after" \
  "$restart_seconds" "$region" "${COFFERD_FLAGS:-}" "$fill_seconds" <<'PY'
import datetime, json, statistics, sys
(work, keys, hot, runs, duration, warmup, command, built, nproc, cpu, load_before, load_after,
 db_before, db_after, obj_before, obj_after, restart, region, flags, fill) = sys.argv[1:]
keys, hot, runs = int(keys), int(hot), int(runs)
db_before, db_after, obj_before, obj_after = map(int, (db_before, db_after, obj_before, obj_after))
med = statistics.median

def load(path):
    with open(path) as f:
        return json.load(f)

print(f"## Issue 14: {keys:,} keys in one region")
print()
print(f"**Command.** `{command}` ({built}; cofferd's defaults"
      f"{'' if not flags else ' and ' + flags}; "
      f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC).")
print()
print(f"**Machine.** `nproc` = {nproc}; CPU \"{cpu}\" (`/proc/cpuinfo`); load average "
      f"{load_before} before, {load_after} after.")
print()

c = load(f"{work}/create.json")
lat = c["latency_ms"]
print(f"**Creating the keys** (rpc `CreateKey`, symmetric, region {region}; "
      "`coffer-load --create-keys`, 1 connection, 64 in flight):")
print()
print("| keys | seconds | keys/s | p50 ms | p99 ms | errors |")
print("| ---: | ---: | ---: | ---: | ---: | ---: |")
print(f"| {c['keys_created']:,} | {c['duration_seconds']:.1f} | {c['ops_per_second']:,.0f} | "
      f"{lat['p50']:.2f} | {lat['p99']:.2f} | {c['errors']['total']} |")
print()
grew = obj_after - obj_before
print("**Storage**, each read with cofferd stopped (SQLite's WAL checkpointed into the file); "
      "before: the state a first start made, no key yet:")
print()
print("| | before | after | change | per key | target |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
print(f"| metadata store (`coffer.db` + WAL), bytes | {db_before:,} | {db_after:,} | "
      f"{db_after - db_before:+,} | {(db_after - db_before) / keys:,.0f} | |")
verdict = "met" if grew < max(1, keys // 100) else "NOT met"
print(f"| token persistent objects (SoftHSM `*.object` files but `token.object`) | {obj_before:,} | "
      f"{obj_after:,} | {grew:+,} | {grew / keys:.2f} | no growth with the key count: {verdict} |")
print()
print(f"cofferd's start-up with {keys:,} keys: {restart} s to `ready`.")
print()

names = {"a": "(a) one key", "b": f"(b) hot set, {hot:,} keys", "c": f"(c) all {keys:,} keys"}
targets = {"b": 0.90, "c": 0.40}
rows, capacity = {}, None
for case in "abc":
    reports = [load(f"{work}/run-{case}-{r}.json") for r in range(1, runs + 1)]
    hits = misses = unwrap_seconds = unwraps = 0
    have_cache = True
    for r in range(1, runs + 1):
        with open(f"{work}/run-{case}-{r}.cache") as f:
            h0, m0, _, _, s0, n0, h1, m1, cap, _, s1, n1 = f.read().split()
        if "-" in (h0, m0, h1, m1, s0, n0, s1, n1):
            have_cache = False
            continue
        hits += float(h1) - float(h0)
        misses += float(m1) - float(m0)
        unwrap_seconds += float(s1) - float(s0)
        unwraps += float(n1) - float(n0)
        capacity = cap if cap != "-" else capacity
    rows[case] = {
        "ops": [r["ops_per_second"] for r in reports],
        "p50": med(r["latency_ms"]["p50"] for r in reports),
        "p99": [r["latency_ms"]["p99"] for r in reports],
        "errors": sum(r["errors"]["total"] for r in reports),
        "hit_rate": hits / (hits + misses) if have_cache and hits + misses else None,
        "unwrap_ms": 1000 * unwrap_seconds / unwraps if have_cache and unwraps else None,
    }
if "version_cache" in flags:
    cap_text = "`version_cache_capacity` as COFFERD_FLAGS set it"
else:
    cap_text = "`version_cache_capacity` left at cofferd's default"
cap_text += f", {int(capacity):,}" if capacity else " (this cofferd reports no cache metrics)"
if fill != "-":
    cap_text += f"; the cache filled first by {fill} s of unmeasured Encrypt over all keys"
print(f"**Encrypt** (rpc, `coffer-load`, 1 connection, 64 in flight, loopback, plaintext TCP, "
      f"32-byte plaintexts; each request picks its key uniformly from the case's keys; "
      f"{warmup} s warm-up then {duration} s measured, {runs} run{'s' if runs != 1 else ''} "
      f"of each case, alternating a, b, c; {cap_text}):")
print()
print("| case | ops/s (median) | ops/s (runs) | p50 ms | p99 ms (median) | p99 ms (runs) | errors | "
      "cache hits | unwrap ms | / (a) | target |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
base = med(rows["a"]["ops"])
for case in "abc":
    row = rows[case]
    ops = med(row["ops"])
    ratio = ops / base if base else 0.0
    target = ""
    if case in targets:
        target = f">= {targets[case]:.2f}: {'met' if ratio >= targets[case] else 'NOT met'}"
    hit = "n/a" if row["hit_rate"] is None else f"{100 * row['hit_rate']:.1f}%"
    unwrap = "n/a" if row["unwrap_ms"] is None else f"{row['unwrap_ms']:.3f}"
    print(f"| {names[case]} | {ops:,.0f} | {', '.join(f'{x:,.0f}' for x in row['ops'])} | "
          f"{row['p50']:.2f} | {med(row['p99']):.2f} | {', '.join(f'{x:.2f}' for x in row['p99'])} | "
          f"{row['errors']} | {hit} | {unwrap} | {ratio:.2f} | {target} |")
print()
print("Cache hits: hits / (hits + misses) of cofferd's unwrapped key version cache "
      "(`coffer_key_version_cache_events`) over each case's runs, warm-ups included; unwrap ms: "
      "the mean time to unwrap a key version into the token on a miss "
      "(`coffer_key_version_unwrap_seconds`), same runs.")
if capacity and keys <= int(float(capacity)):
    print(f"All {keys:,} keys fit in the cache: case (c) measures no steady-state misses.")
PY
