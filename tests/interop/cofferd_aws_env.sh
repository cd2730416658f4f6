# Sourced by the interop tests. start_cofferd BINARY [REGIONS]: makes an access key for
# principal "interop" offline (`cofferd access-key create`), starts a throw-away cofferd
# with the AWS JSON API on a free loopback port, and exports what the AWS SDKs read:
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_REGION,
# COFFER_AWS_ENDPOINT. AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point nowhere so
# nothing of the developer's own AWS set-up leaks in. The EXIT trap stops cofferd.
work=$(mktemp -d "${TMPDIR:-/tmp}/coffer-interop-XXXXXX")
cofferd_pid=

cleanup() {
  if [ -n "$cofferd_pid" ] && kill -0 "$cofferd_pid" 2>/dev/null; then
    kill -TERM "$cofferd_pid"
    wait "$cofferd_pid" || true
  fi
  if [ -z "${COFFER_KEEP_TEST_DIRS:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

start_cofferd() {
  local cofferd=$1 regions=${2:-us-east-1}
  local credentials
  credentials=$("$cofferd" --state-dir "$work/state" access-key create --principal interop 2>"$work/access-key.log") || {
    cat "$work/access-key.log" >&2
    exit 1
  }
  # shellcheck disable=SC2086 # COFFER_EXTRA_FLAGS is a list of words
  launch_cofferd "$cofferd" "$work/cofferd.log" --state-dir "$work/state" --aws-listen 127.0.0.1:0 \
    --regions "$regions" ${COFFER_EXTRA_FLAGS:-}
  local port=$COFFERD_AWS_PORT
  RPC_PORT=$COFFERD_PORT
  export AWS_ACCESS_KEY_ID=${credentials%% *}
  export AWS_SECRET_ACCESS_KEY=${credentials#* }
  export AWS_DEFAULT_REGION=${regions%%,*} AWS_REGION=${regions%%,*}
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
  export COFFER_AWS_ENDPOINT="http://127.0.0.1:$port" RPC_PORT
  unset AWS_SESSION_TOKEN AWS_PROFILE
}

# Debian's packages when present (scripts/install-deps.sh), else whatever is on PATH.
# The tests use KMS features of 2024 (RotationPeriodInDays, RotateKeyOnDemand): pick the
# first aws CLI / Python whose botocore model knows them. Debian 12's own awscli and
# python3-boto3 are older and serve only as the last resort.
pick_aws() {
  local candidate
  for candidate in $(type -ap aws) /usr/bin/aws; do
    if "$candidate" kms rotate-key-on-demand --generate-cli-skeleton >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  type -ap aws | head -1
}
pick_python_with_boto3() {
  local candidate
  for candidate in $(type -ap python3) /usr/bin/python3; do
    if "$candidate" -c 'import boto3, botocore.session as s; assert "RotateKeyOnDemand" in s.get_session().get_service_model("kms").operation_names' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  if /usr/bin/python3 -c 'import boto3' 2>/dev/null; then echo /usr/bin/python3; else command -v python3; fi
}

. "$(dirname "${BASH_SOURCE[0]}")/../support/cofferd_process.sh"
# check / finish: the shared counting helpers of the shell tests.
. "$(dirname "${BASH_SOURCE[0]}")/../support/check.sh"
