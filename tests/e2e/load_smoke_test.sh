#!/usr/bin/env bash
# coffer-load against a real cofferd for a second: it completes operations of every kind
# in the mix, without errors, and its --json report has the documented fields.
# Usage: load_smoke_test.sh COFFERD COFFER_LOAD
set -uo pipefail
cofferd=$1
load=$2
. "$(dirname "$0")/cofferd_env.sh"
start_cofferd "$cofferd"

"$load" --create-key --duration 1 --connections 2 --in-flight 8 --threads 2 \
  --mix encrypt=3,decrypt=1,generate-data-key=1,generate-random=1 --json >"$work/report.json"
check "coffer-load exits 0" test $? -eq 0
check "report fields" python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["operations"] > 0, r
assert r["errors"]["total"] == 0, r["errors"]
assert r["ops_per_second"] > 0
for op in ("encrypt", "decrypt", "generate-data-key", "generate-random"):
    assert r["by_operation"][op]["operations"] > 0, op
lat = r["latency_ms"]
assert 0 < lat["p50"] <= lat["p99"] <= lat["p99_9"] <= lat["max"], lat
PY
check "text report" bash -c "'$load' --create-key --duration 0.5 | grep -q '^latency ms  *p50 '"
check "bad mix is a usage error" bash -c "'$load' --key-id x --mix bogus=1; test \$? -eq 2"
check "cofferd stops cleanly on SIGTERM" stop_cofferd
finish
