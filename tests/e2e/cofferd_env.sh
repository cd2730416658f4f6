# Sourced by the e2e shell tests: start_cofferd BINARY starts a throw-away cofferd on a
# free loopback port (plaintext, unauthenticated) and exports COFFER_ENDPOINT and
# COFFER_TLS for the tools; the EXIT trap stops it (SIGTERM) and removes the work dir.
work=$(mktemp -d "${TMPDIR:-/tmp}/coffer-e2e-sh-XXXXXX")
cofferd_pid=

stop_cofferd() {
  if [ -n "$cofferd_pid" ] && kill -0 "$cofferd_pid" 2>/dev/null; then
    kill -TERM "$cofferd_pid"
    local status=0
    wait "$cofferd_pid" || status=$?
    cofferd_pid=
    return "$status"
  fi
}

cleanup() {
  stop_cofferd || true
  if [ -z "${COFFER_KEEP_TEST_DIRS:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

start_cofferd() {
  launch_cofferd "$1" "$work/cofferd.log" --state-dir "$work/state" --allow-unauthenticated-loopback
  export COFFER_ENDPOINT="127.0.0.1:$COFFERD_PORT" COFFER_TLS=0
  unset COFFER_API_KEY COFFER_API_KEY_FILE
}

# json_field EXPR: reads JSON on stdin, prints EXPR of it (d = the document).
json_field() {
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

. "$(dirname "${BASH_SOURCE[0]}")/../support/cofferd_process.sh"
# check / finish: the shared counting helpers of the shell tests.
. "$(dirname "${BASH_SOURCE[0]}")/../support/check.sh"
