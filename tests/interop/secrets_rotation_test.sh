#!/usr/bin/env bash
# Secrets Manager rotation with Lambda-style Python functions (tests/interop/rotation_functions,
# served by cofferd --rotation-functions-dir), driven by the aws CLI:
#   - aws_template_rotation.py, written like AWS's SecretsManagerRotationTemplate: the
#     rotation runs in the background through createSecret, setSecret, testSecret and
#     finishSecret; AWSCURRENT moves to the new version, the old one becomes AWSPREVIOUS,
#     and the rotation schedule (30 days) is recorded;
#   - failing_rotation.py, whose setSecret raises: AWSPENDING stays on the new version and
#     AWSCURRENT does not move; cancel-rotate-secret turns rotation off.
# Each step a function runs leaves an empty file <token>.<step> in $ROTATION_MARKER_DIR
# (aws_template_rotation.py once the step succeeded, failing_rotation.py on entering it).
# Usage: secrets_rotation_test.sh COFFERD
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cofferd_aws_env.sh"
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }
PY=$(pick_python_with_boto3)
# What cofferd's rotation functions inherit: a python3 with boto3 first on PATH, no
# __pycache__ written beside them in the source tree, the marker directory, and nothing
# of the developer's own AWS set-up (cofferd gives them the endpoint and credentials).
PATH="$(dirname "$PY"):$PATH"
export PATH PYTHONDONTWRITEBYTECODE=1 ROTATION_MARKER_DIR="$work/markers"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
mkdir -p "$ROTATION_MARKER_DIR"
COFFER_EXTRA_FLAGS="${COFFER_EXTRA_FLAGS:-} --rotation-functions-dir $here/rotation_functions"
start_cofferd "$1"
tab=$'\t'
sm() { "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" secretsmanager "$@"; }
fails_with() {  # fails_with EXCEPTION-REGEX COMMAND...: the command fails naming the exception
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then echo "unexpected success: $out" >&2; return 1; fi
  grep -Eq "$name" <<<"$out" || { echo "expected $name, got: $out" >&2; return 1; }
}
same() {  # same WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || { echo "$1: expected [$2], got [$3]" >&2; return 1; }
}
value_of() {  # value_of SECRET-ID [get-secret-value options...]: the SecretString
  local id=$1
  shift
  sm get-secret-value --secret-id "$id" "$@" --query SecretString --output text
}
version_at() {  # version_at SECRET-ID STAGE: the VersionId carrying the staging label
  sm list-secret-version-ids --secret-id "$1" --include-deprecated \
    --query "Versions[?contains(VersionStages, '$2')].VersionId" --output text
}
stages_of() {  # stages_of SECRET-ID VERSION-ID: its labels, sorted, space-separated ("None": none)
  sm describe-secret --secret-id "$1" --query "VersionIdsToStages.\"$2\"" --output text |
    tr '\t' '\n' | sort | paste -sd ' ' -
}
described() {  # described SECRET-ID QUERY
  sm describe-secret --secret-id "$1" --query "$2" --output text
}
to_epoch() {  # seconds since the epoch of a timestamp as the CLI prints it
  "$PY" -c '
import datetime, sys
v = sys.argv[1]
try:
    print(int(float(v)))
except ValueError:
    print(int(datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()))' "$1"
}
days_out() {  # days_out TIMESTAMP MIN MAX: TIMESTAMP lies MIN to MAX days from now
  local t
  t=$(to_epoch "$1") || { echo "not a timestamp: [$1]" >&2; return 1; }
  local ahead=$((t - $(date +%s)))
  [ "$ahead" -ge $(($2 * 86400)) ] && [ "$ahead" -le $(($3 * 86400)) ] ||
    { echo "[$1] is $((ahead / 3600)) hours from now, not $2 to $3 days" >&2; return 1; }
}
recent() {  # recent TIMESTAMP: within the last 10 minutes
  local t
  t=$(to_epoch "$1") || { echo "not a timestamp: [$1]" >&2; return 1; }
  [ $(( $(date +%s) - t )) -le 600 ] && [ $(( t - $(date +%s) )) -le 60 ] || { echo "[$1] is not recent" >&2; return 1; }
}
marker() { [ -e "$ROTATION_MARKER_DIR/$1.$2" ]; }          # marker TOKEN STEP
no_marker() { ! marker "$@" || { echo "step $2 ran for $1" >&2; return 1; }; }
markers() {  # markers TOKEN STEP...: every step left its marker
  local token=$1 step
  shift
  for step in "$@"; do marker "$token" "$step" || return 1; done
}
wait_for() {  # wait_for SECONDS COMMAND...: until the command succeeds
  local limit=$1 deadline=$((SECONDS + $1))
  shift
  until "$@" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "gave up after $limit s: $*" >&2; return 1; }
    sleep 0.5
  done
}
rotated() {  # rotated SECRET-ID TOKEN: AWSCURRENT is on TOKEN and LastRotatedDate is set
  local out
  out=$(described "$1" "[LastRotatedDate, join(',', VersionIdsToStages.\"$2\" || \`[]\`)]") || return 1
  [ "${out%%${tab}*}" != None ] && grep -qw AWSCURRENT <<<"${out#*${tab}}"
}
lambda_arn() { echo "arn:aws:lambda:us-east-1:111122223333:function:$1"; }

# A rotation that succeeds.
old=$(sm create-secret --name rot/app --secret-string 'initial password' --query VersionId --output text)
check "create-secret rot/app" test -n "$old"
check "a secret never rotated has no RotationEnabled true" test "$(described rot/app RotationEnabled)" != True
tok=$(sm rotate-secret --secret-id rot/app --rotation-lambda-arn "$(lambda_arn aws_template_rotation)" \
  --rotation-rules AutomaticallyAfterDays=30 --query VersionId --output text)
check "rotate-secret answers the new VersionId" test -n "$tok" -a "$tok" != None -a "$tok" != "$old"
check "the rotation finishes within 30 s (AWSCURRENT on the new version, LastRotatedDate set)" \
  wait_for 30 rotated rot/app "$tok"
for step in createSecret setSecret testSecret finishSecret; do
  check "the template's $step ran" marker "$tok" "$step"
done
new=$(value_of rot/app)
check "the rotated value differs from the old one" test -n "$new" -a "$new" != 'initial password' -a "$new" != None
check "the rotated value is a get-random-password default (32 characters, none of /@\"'\\)" "$PY" -c '
import sys
v = sys.argv[1]
sys.exit(not (len(v) == 32 and not set(v) & set("/@\"\x27\\")))' "$new"
check "AWSCURRENT is the rotation's version" same "AWSCURRENT" "$tok" "$(version_at rot/app AWSCURRENT)"
check "the old version is AWSPREVIOUS" same "AWSPREVIOUS" "$old" "$(version_at rot/app AWSPREVIOUS)"
check "the old value is readable as AWSPREVIOUS" same "AWSPREVIOUS value" 'initial password' \
  "$(value_of rot/app --version-stage AWSPREVIOUS)"
check "no AWSPENDING is left (finishSecret removed it)" same "AWSPENDING" "" "$(version_at rot/app AWSPENDING)"
check "the new version carries AWSCURRENT only" same "stages" AWSCURRENT "$(stages_of rot/app "$tok")"
check "RotationEnabled" same "RotationEnabled" True "$(described rot/app RotationEnabled)"
check "RotationLambdaARN" same "RotationLambdaARN" "$(lambda_arn aws_template_rotation)" \
  "$(described rot/app RotationLambdaARN)"
check "RotationRules.AutomaticallyAfterDays" same "AutomaticallyAfterDays" 30 \
  "$(described rot/app RotationRules.AutomaticallyAfterDays)"
check "LastRotatedDate is recent" recent "$(described rot/app LastRotatedDate)"
check "NextRotationDate is about 30 days out" days_out "$(described rot/app NextRotationDate)" 29 31
check "list-secrets shows the rotation too" same "list" "True${tab}30" "$(sm list-secrets \
  --filters Key=name,Values=rot/app --query 'SecretList[0].[RotationEnabled,RotationRules.AutomaticallyAfterDays]' \
  --output text)"

# A rotation whose setSecret fails.
fold=$(sm create-secret --name rot/failing --secret-string 'keep me' --query VersionId --output text)
ftok=$(sm rotate-secret --secret-id rot/failing --rotation-lambda-arn "$(lambda_arn failing_rotation)" \
  --rotation-rules AutomaticallyAfterDays=30 --query VersionId --output text)
check "rotate-secret with the failing function answers a VersionId" test -n "$ftok" -a "$ftok" != None \
  -a "$ftok" != "$fold"
check "the failing function's createSecret and setSecret ran within 30 s" \
  wait_for 30 markers "$ftok" createSecret setSecret
sleep 3  # room for a wrong continuation to show
check "testSecret did not run after the failed setSecret" no_marker "$ftok" testSecret
check "finishSecret did not run after the failed setSecret" no_marker "$ftok" finishSecret
check "AWSCURRENT did not move" same "AWSCURRENT" "$fold" "$(version_at rot/failing AWSCURRENT)"
check "the current value is unchanged" same "value" 'keep me' "$(value_of rot/failing)"
check "AWSPENDING stays on the new version" same "stages" AWSPENDING "$(stages_of rot/failing "$ftok")"
pending=$(value_of rot/failing --version-stage AWSPENDING)
check "the AWSPENDING version holds what createSecret put" test -n "$pending" -a "$pending" != None \
  -a "$pending" != 'keep me'
check "no AWSPREVIOUS after a failed first rotation" same "AWSPREVIOUS" "" "$(version_at rot/failing AWSPREVIOUS)"
check "no LastRotatedDate after a failed rotation" same "LastRotatedDate" None \
  "$(described rot/failing LastRotatedDate)"
check "RotationEnabled stays on after a failed rotation" same "RotationEnabled" True \
  "$(described rot/failing RotationEnabled)"
check "rotate-secret while AWSPENDING is left from an unfinished rotation: InvalidRequestException" \
  fails_with InvalidRequestException sm rotate-secret --secret-id rot/failing

# cancel-rotate-secret.
check "cancel-rotate-secret" same "Name" "rot/failing" \
  "$(sm cancel-rotate-secret --secret-id rot/failing --query Name --output text)"
check "cancel-rotate-secret sets RotationEnabled false" same "RotationEnabled" False \
  "$(described rot/failing RotationEnabled)"
check "cancel-rotate-secret clears NextRotationDate" same "NextRotationDate" None \
  "$(described rot/failing NextRotationDate)"
check "cancel-rotate-secret leaves AWSCURRENT alone" same "AWSCURRENT" "$fold" "$(version_at rot/failing AWSCURRENT)"
check "cancel-rotate-secret of the rotated secret" same "Name" rot/app \
  "$(sm cancel-rotate-secret --secret-id rot/app --query Name --output text)"
check "RotationEnabled false on the rotated secret" same "RotationEnabled" False "$(described rot/app RotationEnabled)"
check "the rotated value survives the cancel" same "value" "$new" "$(value_of rot/app)"

if [ "$failed" -ne 0 ]; then
  echo "--- cofferd log (last 60 lines)" >&2
  tail -n 60 "$work/cofferd.log" >&2
fi
finish
