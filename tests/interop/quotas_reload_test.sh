#!/usr/bin/env bash
# Issue 21: the quotas file is read again on SIGHUP without closing connections, and a file
# that does not parse leaves the old quotas in force (quotas_reload_test.py drives cofferd);
# then `coffer quotas --json` over the rpc front end shows the quotas in force and the
# requests they admitted and refused since the reload.
# Usage: quotas_reload_test.sh COFFERD COFFER
set -euo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
coffer=$2
cat >"$work/quotas.conf" <<'EOF'
burst_seconds = 1
kms.cryptographic.symmetric = 1000
EOF
COFFER_EXTRA_FLAGS="--quotas-file $work/quotas.conf" start_cofferd "$1"
status=0
COFFERD_PID=$cofferd_pid QUOTAS_FILE=$work/quotas.conf COFFERD_LOG=$work/cofferd.log \
  "$PY" "$(dirname "$0")/quotas_reload_test.py" "$work/since-reload.json" || status=$?
check "quotas_reload_test.py" test "$status" -eq 0
check "cofferd is still running" kill -0 "$cofferd_pid"
check "the failed reload names the file and line" \
  grep -q "\"event\":\"quotas_reload_failed\".*quotas.conf:2" "$work/cofferd.log"

# The rpc CLI, as the root "interop".
export COFFER_ENDPOINT="127.0.0.1:$RPC_PORT" COFFER_TLS=0 COFFER_API_KEY="$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
quotas=$("$coffer" --json quotas) || { echo "coffer quotas failed: $quotas" >&2; quotas='{}'; }
field() { "$PY" -c "import json,sys; d=json.loads(sys.argv[1]); print($1)" "$quotas"; }
symmetric='[q for q in d["quotas"] if q["quotaName"] == "kms.cryptographic.symmetric" and q["region"] == "us-east-1"][0]'
check "coffer quotas: enforced" test "$(field 'd.get("enforced")')" = True
check "coffer quotas: kms.cryptographic.symmetric at rate 2, the last good file" \
  test "$(field "'%g' % ${symmetric}[\"rate\"]")" = 2
check "coffer quotas: a bucket of 2" test "$(field "'%g' % ${symmetric}[\"burst\"]")" = 2
if [ -s "$work/since-reload.json" ]; then
  check "coffer quotas: admitted since the reload, as the client counted" test \
    "$(field "int(${symmetric}[\"admitted\"])")" = "$(jq .admitted "$work/since-reload.json")"
  check "coffer quotas: throttled since the reload, as the client counted" test \
    "$(field "int(${symmetric}[\"throttled\"])")" = "$(jq .throttled "$work/since-reload.json")"
fi
check "coffer quotas (text) says enforced" bash -c "'$coffer' quotas | grep -q '^Quotas enforced'"
check "no other quota limits anything" test "$(field 'sorted({q["quotaName"] for q in d["quotas"] if q["rate"] > 0})')" \
  = "['kms.cryptographic.symmetric']"
finish
