#!/usr/bin/env bash
# Overload (issue 21): coffer-load offers about twice what cofferd can serve, open-loop, for a
# few seconds. The admitted requests keep a bounded latency (load shedding answers the
# surplus ThrottlingException instead of queueing it), no other error appears, memory does
# not grow, and cofferd serves normally right after.
# Usage: overload_test.sh COFFERD COFFER_LOAD COFFER
set -uo pipefail
cofferd=$1
load=$2
coffer=$3
. "$(dirname "$0")/cofferd_env.sh"
queue_ms=50
# AddressSanitizer keeps freed memory in quarantine (256 MiB by default), which would read as
# growth; a small quarantine leaves what cofferd itself holds.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=4:thread_local_quarantine_size_kb=64"
launch_cofferd "$cofferd" "$work/cofferd.log" --state-dir "$work/state" \
  --allow-unauthenticated-loopback --max-queue-time-ms "$queue_ms"
export COFFER_ENDPOINT="127.0.0.1:$COFFERD_PORT" COFFER_TLS=0
unset COFFER_API_KEY COFFER_API_KEY_FILE
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$cofferd_pid/status"; }

key=$("$coffer" --json create-key | json_field 'd["keyMetadata"]["keyId"]')
check "a key to load" test -n "$key"

# Capacity: closed loop, enough requests in flight to keep every worker busy.
"$load" --key-id "$key" --duration 3 --warmup 1 --connections 4 --in-flight 32 --json \
  >"$work/capacity.json"
check "capacity run" test $? -eq 0
capacity=$(json_field 'int(d["ops_per_second"])' <"$work/capacity.json")
echo "capacity: $capacity Encrypt/s"
check "capacity measured" test "${capacity:-0}" -gt 0

# A first overload run warms every allocation cofferd keeps; memory is compared after it.
"$load" --key-id "$key" --rate $((2 * capacity)) --duration 2 --connections 8 \
  --in-flight 512 --json >"$work/warm.json"
rss_before=$(rss_kib)
"$load" --key-id "$key" --rate $((2 * capacity)) --duration 4 --connections 8 \
  --in-flight 512 --json >"$work/overload.json"
check "overload run" test $? -eq 0
rss_after=$(rss_kib)
echo "rss before ${rss_before} KiB, after ${rss_after} KiB"
cat "$work/overload.json"

check "admitted requests keep a bounded latency, the surplus is throttled, nothing else fails" \
  python3 - "$work/overload.json" "$capacity" "$queue_ms" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
capacity, queue_ms = float(sys.argv[2]), float(sys.argv[3])
by_code = r["errors"]["by_code"]
others = {code: n for code, n in by_code.items() if code != "ThrottlingException"}
assert not others, f"errors other than ThrottlingException: {others}"
assert r["throttled"] > 0, "twice the capacity was offered, yet nothing was throttled"
assert r["goodput_per_second"] >= 0.5 * capacity, (r["goodput_per_second"], capacity)
# Without shedding the admitted ones would wait behind the whole queue (1,024 requests, or
# what the run's backlog grows to): hundreds of milliseconds, then seconds.
p99 = r["latency_ms"]["p99"]
assert p99 <= queue_ms + 150, f"admitted p99 {p99} ms"
PY
check "memory does not grow under overload (< 64 MiB)" test $((rss_after - rss_before)) -lt 65536

# Right after: normal service, no throttling.
check "serves normally right after" bash -c \
  "'$coffer' --json encrypt --key-id '$key' --plaintext hello >/dev/null"
"$load" --key-id "$key" --duration 1 --connections 1 --in-flight 4 --json >"$work/after.json"
check "a light load right after is not throttled" python3 -c "
import json; r = json.load(open('$work/after.json'))
assert r['errors']['total'] == 0 and r['operations'] > 0, r"
check "cofferd stops cleanly on SIGTERM" stop_cofferd
finish
