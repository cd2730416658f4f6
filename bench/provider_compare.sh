#!/usr/bin/env bash
# Issue 6 benchmark: ECDSA P-256 and RSA-2048 (PSS, SHA-256) signatures per second through
# the OpenSSL provider (EVP_DigestSign with coffer: keys, rpc to a release cofferd on
# loopback) against the raw token sign (pkcs11::Token::sign on SoftHSM) measured in the
# same run by coffer_provider_bench; prints the provider/raw ratio.
# Medians of 3 repetitions, interleaved at random so that a change in the machine's load
# falls on both paths alike.
#   bench/provider_compare.sh [BUILD_DIR (default build/release)] [MIN_TIME_SECONDS (default 2)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
min_time=${2:-2}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target cofferd coffer coffer_provider coffer_provider_bench >/dev/null
state=$(mktemp -d)
log=$state/cofferd.log
"$build/tools/cofferd/cofferd" --state-dir "$state" --listen 127.0.0.1:0 --plaintext-loopback \
  --allow-unauthenticated-loopback --metrics-listen "" ${COFFERD_FLAGS:-} 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$state"' EXIT
port=
for _ in $(seq 300); do
  port=$(sed -n 's/.*"event":"ready".*"port":"\([0-9]*\)".*/\1/p' "$log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$log" >&2; exit 1; }
export COFFER_ENDPOINT=127.0.0.1:$port COFFER_TLS=0
make_key() {
  "$build/tools/coffer/coffer" --json create-key --key-spec "$1" --key-usage SIGN_VERIFY |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["keyMetadata"]["keyId"])'
}
export COFFER_BENCH_EC_URI="coffer:$(make_key ECC_NIST_P256)"
export COFFER_BENCH_RSA_URI="coffer:$(make_key RSA_2048)"

json=$("$build/bench/provider/coffer_provider_bench" --benchmark_min_time="$min_time" \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_enable_random_interleaving=true --benchmark_format=json 2>/dev/null)
python3 - "$json" <<'PY'
import json, sys
rates = {b["run_name"]: b["items_per_second"] for b in json.loads(sys.argv[1])["benchmarks"]
         if b.get("aggregate_name") == "median"}
print("| signature | threads | provider sig/s (median of 3) | raw token sig/s | provider / raw |")
print("| --- | ---: | ---: | ---: | ---: |")
for alg, label in (("EcdsaP256", "ECDSA P-256, SHA-256"), ("Rsa2048Pss", "RSA-2048 PSS, SHA-256")):
    for threads in (1, 4):
        suffix = f"/real_time/threads:{threads}"
        p, r = rates[f"Provider/{alg}{suffix}"], rates[f"Raw/{alg}{suffix}"]
        print(f"| {label} | {threads} | {p:,.0f} | {r:,.0f} | {100 * p / r:.1f}% |")
PY
