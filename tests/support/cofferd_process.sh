# Sourced by the shell tests that run a throw-away cofferd (tests/e2e/cofferd_env.sh,
# tests/interop/cofferd_aws_env.sh and the tests that start their own).
#   launch_cofferd BINARY LOG [FLAGS...]
# starts BINARY --listen 127.0.0.1:0 --plaintext-loopback --metrics-listen 127.0.0.1:0
# FLAGS... in the background, logging to LOG, and waits up to 60 s for its "ready" event;
# it sets cofferd_pid, and COFFERD_PORT / COFFERD_AWS_PORT from the event (the AWS port
# only when FLAGS include --aws-listen). Exits the test if cofferd dies or never gets ready.
launch_cofferd() {
  local binary=$1 log=$2
  shift 2
  "$binary" --listen 127.0.0.1:0 --plaintext-loopback --metrics-listen 127.0.0.1:0 "$@" 2>"$log" &
  cofferd_pid=$!
  local ready=
  for _ in $(seq 1 600); do
    ready=$(grep -m 1 '"event":"ready"' "$log" || true)
    [ -n "$ready" ] && break
    if ! kill -0 "$cofferd_pid" 2>/dev/null; then
      echo "cofferd exited before it was ready:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "cofferd was not ready within 60 s" >&2
    cat "$log" >&2
    exit 1
  fi
  COFFERD_PORT=$(sed -n 's/.*"port":"\([0-9]*\)".*/\1/p' <<<"$ready")
  COFFERD_AWS_PORT=$(sed -n 's/.*"aws_port":"\([0-9]*\)".*/\1/p' <<<"$ready")
}
