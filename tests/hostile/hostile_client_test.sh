#!/usr/bin/env bash
# Hostile clients against a throw-away cofferd, on both listeners (rpc in plaintext on
# loopback, and the AWS JSON API): malformed, truncated, oversized, invalid-UTF-8, slow and
# unauthenticated requests (hostile_client_test.py), then: the daemon is still running, its
# log shows no crash or sanitizer report, and SIGTERM stops it cleanly.
# Usage: hostile_client_test.sh COFFERD COFFER
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
coffer_cli=$2

# Short timeouts and a small per-source cap, so that slow and idle clients and connection
# storms are dealt with within the test's time.
COFFER_EXTRA_FLAGS="--read-timeout-ms 2000 --unauthenticated-idle-timeout-ms 1000 --max-connections-per-source 16"
start_cofferd "$1"
ready=$(grep -m 1 '"event":"ready"' "$work/cofferd.log")
METRICS_PORT=$(sed -n 's/.*"metrics_port":"\([0-9]*\)".*/\1/p' <<<"$ready")
COFFERD_PID=$cofferd_pid
export METRICS_PORT COFFERD_PID

script_status=0
"$PY" "$here/hostile_client_test.py" || script_status=$?

log_has_no_crash() {
  ! grep -E 'terminate called|AddressSanitizer|runtime error|LeakSanitizer' "$work/cofferd.log" >&2
}
check "hostile_client_test.py passed" [ "$script_status" -eq 0 ]
check "cofferd still running after the attacks" kill -0 "$cofferd_pid"
check "cofferd log has no crash or sanitizer report" log_has_no_crash

# The project's own client, over rpc, after the attacks: the victim key is as it was and
# an Encrypt -> Decrypt round trip works.
cli() {
  COFFER_ENDPOINT="127.0.0.1:$RPC_PORT" COFFER_TLS=0 COFFER_API_KEY="$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    timeout 60 "$coffer_cli" "$@"
}
cli_victim_enabled() { cli describe-key --key-id alias/hostile-victim | grep -Eq '^KeyState +Enabled$'; }
cli_round_trip() {
  cli encrypt --key-id alias/hostile-victim --plaintext still-serving --out "$work/cli.enc" >/dev/null &&
    [ "$(cli decrypt --in "$work/cli.enc" --out -)" = still-serving ]
}
check "coffer CLI: alias/hostile-victim still Enabled" cli_victim_enabled
check "coffer CLI: Encrypt -> Decrypt round trip" cli_round_trip

# SIGTERM: a clean stop within 60 s, exit status 0.
stop_status=0
if kill -TERM "$cofferd_pid" 2>/dev/null; then
  for _ in $(seq 1 600); do
    kill -0 "$cofferd_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$cofferd_pid" 2>/dev/null; then
    echo "cofferd did not stop within 60 s of SIGTERM" >&2
    kill -KILL "$cofferd_pid"
  fi
  wait "$cofferd_pid" || stop_status=$?
else
  wait "$cofferd_pid" || stop_status=$?
  [ "$stop_status" -ne 0 ] || stop_status=255  # it was gone already: not a clean stop
fi
cofferd_pid=
check "cofferd stopped cleanly on SIGTERM (exit status $stop_status)" [ "$stop_status" -eq 0 ]
check "cofferd log has no crash or sanitizer report after the stop" log_has_no_crash

if [ "$failed" -ne 0 ]; then
  echo "--- last 60 lines of the cofferd log ---" >&2
  tail -n 60 "$work/cofferd.log" >&2
fi
finish
