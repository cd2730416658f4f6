#!/usr/bin/env bash
# Issue 16: the rpc server writes the audit records of answered requests in batches, just
# before the answers leave. This kills cofferd with SIGKILL right after coffer-load received
# its answers and counts: every Encrypt the client saw succeed has its record in the trail.
# Then cofferd is started again on the same directory, continues the chain, and after a clean
# stop the whole trail, the killed part included, verifies against the token's key.
# Usage: audit_kill_test.sh COFFERD COFFER COFFER_LOAD
set -uo pipefail
cofferd=$1
coffer=$2
load=$3
. "$(dirname "$0")/cofferd_env.sh"
audit=$work/state/audit
start_audited() {
  launch_cofferd "$cofferd" "$work/cofferd.log" --state-dir "$work/state" \
    --allow-unauthenticated-loopback --audit true --audit-digest-interval-s 1
  export COFFER_ENDPOINT="127.0.0.1:$COFFERD_PORT" COFFER_TLS=0
}
encrypt_records() {  # successful rpc Encrypt records in the trail
  "$coffer" audit query --dir "$audit" --event-name Encrypt --limit 0 |
    python3 -c 'import json, sys
print(sum(1 for l in sys.stdin if (e := json.loads(l))["frontEnd"] == "rpc" and "errorCode" not in e))'
}

start_audited
"$load" --create-key --duration 2 --warmup 0 --connections 2 --in-flight 32 --threads 2 \
  --mix encrypt=1 --json >"$work/report.json"
check "coffer-load exits 0" test $? -eq 0
kill -KILL "$cofferd_pid"
wait "$cofferd_pid" 2>/dev/null
cofferd_pid=
answered=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1])); print(r["by_operation"]["encrypt"]["operations"] - r["errors"]["total"])' \
  "$work/report.json")
recorded=$(encrypt_records)
echo "answered $answered Encrypts, $recorded recorded before SIGKILL"
check "the load ran" test "$answered" -gt 100
check "every answered Encrypt was recorded before its answer left" test "$recorded" -ge "$answered"

cp "$audit/audit-public-key.pem" "$work/audit-key.pem"
start_audited
"$load" --create-key --duration 0.5 --warmup 0 --connections 1 --in-flight 4 --mix encrypt=1 \
  >/dev/null
check "the restarted cofferd continues the trail" test "$(encrypt_records)" -gt "$recorded"
check "cofferd stops cleanly on SIGTERM" stop_cofferd
report=$("$coffer" audit verify --dir "$audit" --public-key "$work/audit-key.pem" 2>&1)
check "the trail across the SIGKILL verifies" grep -q '^verified' <<<"$report" || echo "$report" >&2
finish
