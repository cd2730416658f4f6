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
  "$1" --state-dir "$work/state" --listen 127.0.0.1:0 --plaintext-loopback \
    --allow-unauthenticated-loopback --metrics-listen 127.0.0.1:0 2>"$work/cofferd.log" &
  cofferd_pid=$!
  local port=
  for _ in $(seq 1 600); do
    port=$(sed -n 's/.*"event":"ready".*"port":"\([0-9]*\)".*/\1/p' "$work/cofferd.log" | head -n 1)
    [ -n "$port" ] && break
    if ! kill -0 "$cofferd_pid" 2>/dev/null; then
      echo "cofferd exited before it was ready:" >&2
      cat "$work/cofferd.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "cofferd was not ready within 60 s" >&2
    cat "$work/cofferd.log" >&2
    exit 1
  fi
  export COFFER_ENDPOINT="127.0.0.1:$port" COFFER_TLS=0
  unset COFFER_API_KEY COFFER_API_KEY_FILE
}

# check / finish: the shared counting helpers of the shell tests.
. "$(dirname "${BASH_SOURCE[0]}")/../support/check.sh"
