#!/usr/bin/env bash
# Issue 4 benchmark: Encrypt and GenerateDataKey through a real cofferd (rpc API, loopback,
# coffer-load with 64 requests in flight on one connection) against the raw single-thread
# SoftHSM C_Encrypt rate measured in the same run (coffer_pkcs11_bench Gcm32/Raw, 1 thread, on
# a session key object: the limit since the key hierarchy, issue 14).
# Target (issue 14): Encrypt rate >= 75% of raw, p99 < 5 ms.
#   bench/rpc_compare.sh [SECONDS (default 10)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
build=$root/build/release
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target cofferd coffer-load coffer_pkcs11_bench >/dev/null
state=$(mktemp -d)
log=$state/cofferd.log
port=$((20000 + RANDOM % 20000))
"$build/tools/cofferd/cofferd" --state-dir "$state" --listen "127.0.0.1:$port" --plaintext-loopback \
  --allow-unauthenticated-loopback --metrics-listen "" ${COFFERD_FLAGS:-} 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$state"' EXIT
for _ in $(seq 100); do grep -q '"event":"ready"' "$log" && break; sleep 0.1; done
grep -q '"event":"ready"' "$log" || { cat "$log" >&2; exit 1; }

raw=$("$build/bench/coffer_pkcs11_bench" --benchmark_filter='^Gcm32/Raw/real_time/threads:1$' \
  --benchmark_min_time=3 --benchmark_format=json 2>/dev/null |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["benchmarks"][0]["items_per_second"])')
run() {
  "$build/tools/coffer-load/coffer-load" --endpoint "127.0.0.1:$port" --plaintext-tcp --create-key \
    --connections 1 --in-flight 64 --warmup 2 --duration "$seconds" --mix "$1=100" --json
}
enc=$(run encrypt)
gdk=$(run generate-data-key)
python3 - "$raw" "$enc" "$gdk" <<'PY'
import json, sys
raw = float(sys.argv[1])
print(f"raw C_Encrypt (AES-GCM, 32 bytes, 1 thread, session key object): {raw:,.0f} ops/s")
print()
print("| operation (rpc, 64 in flight) | ops/s | p50 ms | p99 ms | p99.9 ms | errors | rate / raw |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, text in (("Encrypt", sys.argv[2]), ("GenerateDataKey", sys.argv[3])):
    r = json.loads(text)
    lat, ops = r["latency_ms"], r["ops_per_second"]
    print(f"| {name} | {ops:,.0f} | {lat['p50']:.2f} | {lat['p99']:.2f} | {lat['p99_9']:.2f} | "
          f"{r['errors']['total']} | {100 * ops / raw:.1f}% |")
PY
