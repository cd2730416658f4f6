# Sourced by make_fixture.sh and upgrade_test.sh. Builds on the interop tests' set-up
# (../interop/cofferd_aws_env.sh: the work dir $work, the EXIT trap that stops cofferd and
# removes $work, pick_python_with_boto3, launch_cofferd, check/finish), but signs with the
# state directory's own first-run admin credentials rather than a key made for the test:
# a fixture's credentials must keep working across the upgrade too.
#   serve STATE BINARY LOG   starts BINARY on STATE with the AWS endpoint on a free loopback
#                            port (region us-east-1) and exports what boto3 reads
#   stop_served              SIGTERM, up to 40 s to exit, then SIGKILL; fails unless the
#                            exit was clean (status 0)
. "$(dirname "${BASH_SOURCE[0]}")/../interop/cofferd_aws_env.sh"

# cofferd prefers an inherited SOFTHSM2_CONF to STATE/softhsm2.conf: it must be the state
# directory's token, not whatever the caller's environment points at.
unset SOFTHSM2_CONF

serve() {
  local state=$1 binary=$2 log=$3
  launch_cofferd "$binary" "$log" --state-dir "$state" --aws-listen 127.0.0.1:0 --regions us-east-1
  # STATE/admin.credentials is "ACCESS_KEY_ID:SECRET" (tools/cofferd/first_run.cc).
  local credentials
  credentials=$(head -n 1 "$state/admin.credentials")
  export AWS_ACCESS_KEY_ID=${credentials%%:*}
  export AWS_SECRET_ACCESS_KEY=${credentials#*:}
  export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
  export COFFER_AWS_ENDPOINT="http://127.0.0.1:$COFFERD_AWS_PORT"
  unset AWS_SESSION_TOKEN AWS_PROFILE
}

stop_served() {
  [ -n "$cofferd_pid" ] || return 0
  local status=0
  kill -TERM "$cofferd_pid" 2>/dev/null || true
  for _ in $(seq 1 400); do kill -0 "$cofferd_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$cofferd_pid" 2>/dev/null; then
    echo "cofferd ignored SIGTERM for 40 s; killing it" >&2
    kill -KILL "$cofferd_pid" 2>/dev/null || true
    status=1
  fi
  wait "$cofferd_pid" || status=$?
  cofferd_pid=
  return "$status"
}
