#!/usr/bin/env bash
# Issue 21: request quotas seen by boto3 (quotas_boto3_test.py), then the audit trail: a
# throttled request is not recorded, every admitted one is.
# Usage: quotas_boto3_test.sh COFFERD
set -euo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
cat >"$work/quotas.conf" <<'EOF'
burst_seconds = 1
kms.cryptographic.symmetric = 10
kms.CreateKey = 0.5   # a bucket of one CreateKey, refilled every 2 s
EOF
COFFER_EXTRA_FLAGS="--quotas-file $work/quotas.conf" start_cofferd "$1"
metrics_port=$(grep -m 1 '"event":"ready"' "$work/cofferd.log" | sed -n 's/.*"metrics_port":"\([0-9]*\)".*/\1/p')
status=0
COFFER_METRICS_URL="http://127.0.0.1:$metrics_port/metrics" "$PY" "$(dirname "$0")/quotas_boto3_test.py" \
  "$work/succeeded.json" || status=$?
check "quotas_boto3_test.py" test "$status" -eq 0

# Stop cofferd: a clean stop has written every record.
kill -TERM "$cofferd_pid"
wait "$cofferd_pid" || true
cofferd_pid=
audit=$work/state/audit
records() { cat "$audit"/audit-*.jsonl | jq -c .event; }  # each line: {sequence, previousHash, event}
same() { [ "$2" = "$3" ] || { echo "$1: expected [$2], got [$3]" >&2; return 1; }; }
check "the audit trail has records" test "$(records | wc -l)" -gt 0
check "no record is of a throttled request" same "throttled records" 0 \
  "$(records | jq -s '[.[] | select(.errorCode == "ThrottlingException")] | length')"
check "no record has an error at all" same "records with an error" "" \
  "$(records | jq -r 'select(.errorCode != null) | "\(.eventName) \(.errorCode)"')"
if [ -s "$work/succeeded.json" ]; then
  check "the trail holds as many records as admitted requests" same "records" \
    "$(jq '[.[]] | add' "$work/succeeded.json")" "$(records | wc -l)"
  for op in CreateKey GenerateDataKey Decrypt Encrypt ListKeys; do
    check "every admitted $op is recorded, and only those" same "$op records" \
      "$(jq ".$op // 0" "$work/succeeded.json")" \
      "$(records | jq -s --arg op "$op" '[.[] | select(.eventName == $op)] | length')"
  done
else
  check "quotas_boto3_test.py wrote its summary" false
fi
finish
