#!/usr/bin/env bash
# `aws secretsmanager` (the aws CLI) against Coffer's AWS JSON API, where Secrets Manager
# shares the KMS listener: values sealed under a customer key named by an alias and under
# the default key, lookup by name, full and partial ARN, version stages, idempotent
# ClientRequestTokens, descriptions, tags, filters, random passwords, deletion and
# recovery, resource policies, a disabled KMS key, and the error names.
# Usage: secrets_aws_cli_test.sh COFFERD
set -uo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }
PY=$(pick_python_with_boto3)
start_cofferd "$1"
tab=$'\t'
kms() { "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" kms "$@"; }
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
matches() {  # matches WHAT REGEX ACTUAL
  grep -Eq "$2" <<<"$3" || { echo "$1: [$3] does not match $2" >&2; return 1; }
}
new_token() { cat /proc/sys/kernel/random/uuid; }
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
version_count() {  # version_count SECRET-ID [--include-deprecated]
  local id=$1
  shift
  sm list-secret-version-ids --secret-id "$id" "$@" --query 'length(Versions)' --output text
}
# Seconds since the epoch of a timestamp as the CLI prints it (epoch number or ISO 8601).
to_epoch() {
  "$PY" -c '
import datetime, sys
v = sys.argv[1]
try:
    print(int(float(v)))
except ValueError:
    print(int(datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()))' "$1"
}
days_from_now() {  # days_from_now TIMESTAMP: whole days (rounded) from now to TIMESTAMP
  local t
  t=$(to_epoch "$1") || return 1
  echo $(( (t - $(date +%s) + 43200) / 86400 ))
}
seconds_ago() {  # seconds_ago TIMESTAMP
  local t
  t=$(to_epoch "$1") || return 1
  echo $(( $(date +%s) - t ))
}
recent() {  # recent WHAT TIMESTAMP: within the last 10 minutes (and not in the future by > 60 s)
  local ago
  ago=$(seconds_ago "$2") || { echo "$1: not a timestamp: [$2]" >&2; return 1; }
  [ "$ago" -ge -60 ] && [ "$ago" -le 600 ] || { echo "$1: [$2] is $ago s ago" >&2; return 1; }
}
arn_re='^arn:aws:secretsmanager:us-east-1:[0-9]{12}:secret:'

# A customer key under alias/app-key, and a secret sealed under it.
key=$(kms create-key --description secrets-cli --query KeyMetadata.KeyId --output text)
check "kms create-key" test -n "$key"
check "kms create-alias alias/app-key" kms create-alias --alias-name alias/app-key --target-key-id "$key"

read -r db_arn db_v1 < <(sm create-secret --name app/db --description "db password" --kms-key-id alias/app-key \
  --secret-string 'first value' --tags Key=team,Value=blue Key=env,Value=test --query '[ARN,VersionId]' --output text)
check "create-secret returns the ARN NAME-XXXXXX" matches "create-secret ARN" "${arn_re}app/db-[A-Za-z0-9]{6}\$" "$db_arn"
check "create-secret returns a VersionId" test -n "$db_v1" -a "$db_v1" != None
check "create-secret under alias/app-key: describe-secret names that key" matches "KmsKeyId" \
  "alias/app-key|$key" "$(sm describe-secret --secret-id app/db --query KmsKeyId --output text)"

# A binary secret under the default key (aws/secretsmanager).
printf 'binary \x00\x01\x02\xfe\xff secret' >"$work/blob.bin"
blob_arn=$(sm create-secret --name app/blob --secret-binary "fileb://$work/blob.bin" --query ARN --output text)
check "create-secret --secret-binary fileb://" matches "binary ARN" "${arn_re}app/blob-[A-Za-z0-9]{6}\$" "$blob_arn"
sm get-secret-value --secret-id app/blob --query SecretBinary --output text | base64 -d >"$work/blob.out"
check "get-secret-value returns the SecretBinary bytes" cmp -s "$work/blob.bin" "$work/blob.out"
check "a binary secret has no SecretString" same "SecretString" None "$(value_of app/blob)"
check "describe-secret omits KmsKeyId for the default key" same "KmsKeyId" None \
  "$(sm describe-secret --secret-id app/blob --query KmsKeyId --output text)"

# Lookup by name, full ARN and partial ARN (the ARN without "-" and the 6 random characters).
check "get-secret-value by name" same "by name" 'first value' "$(value_of app/db)"
check "get-secret-value by full ARN" same "by ARN" 'first value' "$(value_of "$db_arn")"
check "get-secret-value by partial ARN" same "by partial ARN" 'first value' "$(value_of "${db_arn%-??????}")"
check "get-secret-value names the secret and its version" same "ARN Name VersionId" "$db_arn${tab}app/db${tab}$db_v1" \
  "$(sm get-secret-value --secret-id app/db --query '[ARN,Name,VersionId]' --output text)"
check "the first version is AWSCURRENT" same "VersionStages" AWSCURRENT \
  "$(sm get-secret-value --secret-id app/db --query 'VersionStages' --output text)"
check "describe-secret by partial ARN" same "describe by partial ARN" "$db_arn" \
  "$(sm describe-secret --secret-id "${db_arn%-??????}" --query ARN --output text)"

# put-secret-value moves AWSCURRENT, and AWSPREVIOUS to the old current.
db_v2=$(sm put-secret-value --secret-id app/db --secret-string 'second value' --query VersionId --output text)
check "put-secret-value makes a new version" test -n "$db_v2" -a "$db_v2" != "$db_v1"
check "put-secret-value: AWSCURRENT is the new value" same "AWSCURRENT" 'second value' "$(value_of app/db)"
check "put-secret-value: AWSPREVIOUS is the old value" same "AWSPREVIOUS" 'first value' \
  "$(value_of app/db --version-stage AWSPREVIOUS)"
check "put-secret-value: AWSCURRENT on the new VersionId" same "current" "$db_v2" "$(version_at app/db AWSCURRENT)"
check "put-secret-value: AWSPREVIOUS on the old VersionId" same "previous" "$db_v1" "$(version_at app/db AWSPREVIOUS)"
check "get-secret-value --version-id" same "by version id" 'first value' "$(value_of app/db --version-id "$db_v1")"
check "describe-secret VersionIdsToStages (new)" same "stages of v2" AWSCURRENT "$(stages_of app/db "$db_v2")"
check "describe-secret VersionIdsToStages (old)" same "stages of v1" AWSPREVIOUS "$(stages_of app/db "$db_v1")"

# ClientRequestToken: it becomes the VersionId; the same token and value again is a no-op;
# the same token with another value is ResourceExistsException.
tok=$(new_token)
check "put-secret-value --client-request-token: VersionId is the token" same "VersionId" "$tok" \
  "$(sm put-secret-value --secret-id app/db --client-request-token "$tok" --secret-string 'third value' \
    --query VersionId --output text)"
versions_before=$(version_count app/db --include-deprecated)
check "same token, same value: the same VersionId" same "repeat VersionId" "$tok" \
  "$(sm put-secret-value --secret-id app/db --client-request-token "$tok" --secret-string 'third value' \
    --query VersionId --output text)"
check "same token, same value: no new version" same "version count" "$versions_before" \
  "$(version_count app/db --include-deprecated)"
check "same token, same value: AWSPREVIOUS did not move" same "previous after repeat" "$db_v2" \
  "$(version_at app/db AWSPREVIOUS)"
check "same token, another value: ResourceExistsException" fails_with ResourceExistsException \
  sm put-secret-value --secret-id app/db --client-request-token "$tok" --secret-string 'another value'
check "the refused put changed nothing" same "current after refusal" 'third value' "$(value_of app/db)"

# update-secret: description alone (no new version), then a value (a new version).
check "update-secret --description makes no version" same "VersionId" None \
  "$(sm update-secret --secret-id app/db --description 'rotated db password' --query VersionId --output text)"
check "describe-secret shows the new description" same "Description" 'rotated db password' \
  "$(sm describe-secret --secret-id app/db --query Description --output text)"
db_v4=$(sm update-secret --secret-id app/db --secret-string 'fourth value' --query VersionId --output text)
check "update-secret --secret-string makes a version" test -n "$db_v4" -a "$db_v4" != None -a "$db_v4" != "$tok"
check "update-secret: AWSCURRENT is the new value" same "current" 'fourth value' "$(value_of app/db)"
check "update-secret: AWSPREVIOUS is the token's version" same "previous" "$tok" "$(version_at app/db AWSPREVIOUS)"

# update-secret-version-stage: a custom label; moving it needs --remove-from-version-id;
# moving AWSCURRENT back moves AWSPREVIOUS too.
check "update-secret-version-stage: custom label on an old version" \
  sm update-secret-version-stage --secret-id app/db --version-stage STAGING --move-to-version-id "$db_v2"
check "get-secret-value --version-stage STAGING" same "STAGING value" 'second value' \
  "$(value_of app/db --version-stage STAGING)"
check "describe-secret shows the custom label" same "stages of v2" STAGING "$(stages_of app/db "$db_v2")"
check "moving AWSCURRENT without --remove-from-version-id: InvalidParameterException" \
  fails_with InvalidParameterException \
  sm update-secret-version-stage --secret-id app/db --version-stage AWSCURRENT --move-to-version-id "$db_v2"
check "moving an attached custom label without --remove-from-version-id: InvalidParameterException" \
  fails_with InvalidParameterException \
  sm update-secret-version-stage --secret-id app/db --version-stage STAGING --move-to-version-id "$db_v4"
check "--remove-from-version-id naming a version without the label: InvalidParameterException" \
  fails_with InvalidParameterException \
  sm update-secret-version-stage --secret-id app/db --version-stage STAGING --move-to-version-id "$db_v4" \
  --remove-from-version-id "$db_v1"
check "the refused moves changed nothing" same "stages of v2" STAGING "$(stages_of app/db "$db_v2")"
check "moving the custom label with --remove-from-version-id" \
  sm update-secret-version-stage --secret-id app/db --version-stage STAGING --move-to-version-id "$db_v4" \
  --remove-from-version-id "$db_v2"
check "labels add up on a version" same "stages of v4" "AWSCURRENT STAGING" "$(stages_of app/db "$db_v4")"
check "a version that lost its last label is not in VersionIdsToStages" same "stages of v2" None \
  "$(stages_of app/db "$db_v2")"
check "roll back: AWSCURRENT to the token's version" \
  sm update-secret-version-stage --secret-id app/db --version-stage AWSCURRENT --move-to-version-id "$tok" \
  --remove-from-version-id "$db_v4"
check "roll back: the value is the token's" same "current" 'third value' "$(value_of app/db)"
check "roll back: AWSPREVIOUS follows to the old current" same "stages of v4" "AWSPREVIOUS STAGING" \
  "$(stages_of app/db "$db_v4")"
check "roll back: AWSCURRENT alone on the token's version" same "stages of tok" AWSCURRENT \
  "$(stages_of app/db "$tok")"

# list-secret-version-ids: versions without labels only with --include-deprecated.
labelled=$(sm list-secret-version-ids --secret-id app/db --query 'Versions[].VersionId' --output text)
all_versions=$(sm list-secret-version-ids --secret-id app/db --include-deprecated --query 'Versions[].VersionId' \
  --output text)
check "list-secret-version-ids: labelled versions" same "labelled" "$(printf '%s\n' "$tok" "$db_v4" | sort | paste -sd ' ')" \
  "$(tr '\t' '\n' <<<"$labelled" | sort | paste -sd ' ')"
check "list-secret-version-ids --include-deprecated: all four" same "all" \
  "$(printf '%s\n' "$db_v1" "$db_v2" "$tok" "$db_v4" | sort | paste -sd ' ')" \
  "$(tr '\t' '\n' <<<"$all_versions" | sort | paste -sd ' ')"
check "list-secret-version-ids names the secret" same "ARN Name" "$db_arn${tab}app/db" \
  "$(sm list-secret-version-ids --secret-id app/db --query '[ARN,Name]' --output text)"
check "list-secret-version-ids: CreatedDate of each version" same "dated versions" 4 \
  "$(sm list-secret-version-ids --secret-id app/db --include-deprecated --query 'length(Versions[?CreatedDate])' \
    --output text)"

# describe-secret: tags and dates.
check "describe-secret Tags" same "Tags" "$(printf 'env\ttest\nteam\tblue')" \
  "$(sm describe-secret --secret-id app/db --query 'sort_by(Tags, &Key)[].[Key,Value]' --output text)"
read -r created changed accessed < <(sm describe-secret --secret-id app/db \
  --query '[CreatedDate,LastChangedDate,LastAccessedDate]' --output text)
check "describe-secret CreatedDate is recent" recent CreatedDate "$created"
check "describe-secret LastChangedDate is recent" recent LastChangedDate "$changed"
check "LastChangedDate is not before CreatedDate" test "$(to_epoch "$changed")" -ge "$(to_epoch "$created")"
check "describe-secret LastAccessedDate after a read (day resolution)" test "$(seconds_ago "$accessed")" -ge -86400 -a \
  "$(seconds_ago "$accessed")" -le 86400
check "describe-secret Name and ARN" same "Name ARN" "app/db${tab}$db_arn" \
  "$(sm describe-secret --secret-id "$db_arn" --query '[Name,ARN]' --output text)"

# tag-resource / untag-resource.
check "tag-resource" sm tag-resource --secret-id app/db --tags Key=owner,Value=alice
check "untag-resource" sm untag-resource --secret-id app/db --tag-keys env
check "tags after tag-resource and untag-resource" same "Tags" "$(printf 'owner\talice\nteam\tblue')" \
  "$(sm describe-secret --secret-id app/db --query 'sort_by(Tags, &Key)[].[Key,Value]' --output text)"
check "tag-resource replaces a key's value" sm tag-resource --secret-id app/db --tags Key=team,Value=green
check "the replaced tag value" same "team" green \
  "$(sm describe-secret --secret-id app/db --query "Tags[?Key=='team'].Value" --output text)"

# list-secrets with filters (name and tag-key: prefix, case-sensitive).
sm create-secret --name other/thing --secret-string x --tags Key=teamless,Value=y >/dev/null
names_of() { "$@" --query 'SecretList[].Name' --output text | tr '\t' '\n' | sort | paste -sd ' ' -; }
check "list-secrets --filters Key=name (prefix)" same "name app/" "app/blob app/db" \
  "$(names_of sm list-secrets --filters Key=name,Values=app/)"
check "list-secrets --filters Key=name is case-sensitive" same "name APP/" "" \
  "$(names_of sm list-secrets --filters Key=name,Values=APP/)"
check "list-secrets --filters Key=tag-key" same "tag-key owner" "app/db" \
  "$(names_of sm list-secrets --filters Key=tag-key,Values=owner)"
check "list-secrets --filters Key=tag-key (prefix)" same "tag-key team" "app/db other/thing" \
  "$(names_of sm list-secrets --filters Key=tag-key,Values=team)"
check "list-secrets without filters" same "all" "app/blob app/db other/thing" "$(names_of sm list-secrets)"
check "list-secrets entries carry SecretVersionsToStages" same "stages in list" AWSCURRENT \
  "$(sm list-secrets --filters Key=name,Values=app/db --query "SecretList[0].SecretVersionsToStages.\"$tok\"" \
    --output text)"

# get-random-password.
pw=$(sm get-random-password --query RandomPassword --output text)
check "get-random-password: 32 characters by default" same "default length" 32 "${#pw}"
pw=$(sm get-random-password --password-length 20 --exclude-punctuation --exclude-characters abcXYZ019 \
  --query RandomPassword --output text)
check "get-random-password --password-length 20" same "length" 20 "${#pw}"
check "--exclude-punctuation --exclude-characters" matches "charset" '^[A-Wd-z2-8]+$' "$pw"
check "each included type is present" bash -c '[[ $1 =~ [A-Z] && $1 =~ [a-z] && $1 =~ [0-9] ]]' _ "$pw"
pw=$(sm get-random-password --password-length 64 --exclude-uppercase --exclude-lowercase --exclude-punctuation \
  --query RandomPassword --output text)
check "only digits" matches "digits" '^[0-9]{64}$' "$pw"
pw=$(sm get-random-password --password-length 40 --exclude-numbers --exclude-uppercase --exclude-lowercase \
  --include-space --query RandomPassword --output text)
check "punctuation and space only" "$PY" -c '
import string, sys
pw = sys.argv[1]
sys.exit(not (len(pw) == 40 and set(pw) <= set(string.punctuation + " ")))' "$pw"
check "get-random-password --password-length 4097 fails" fails_with 'InvalidParameterException|ValidationException' \
  sm get-random-password --password-length 4097

# Resource policies.
account=$(cut -d: -f5 <<<"$db_arn")
cat >"$work/policy.json" <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::$account:root"},
  "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
EOF
same_json() {  # same_json FILE JSON-TEXT: equal as JSON values
  "$PY" -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.loads(sys.argv[2]))' "$1" "$2" ||
    { echo "policy differs: $2" >&2; return 1; }
}
check "validate-resource-policy (with --secret-id)" same "PolicyValidationPassed" True \
  "$(sm validate-resource-policy --secret-id app/db --resource-policy "file://$work/policy.json" \
    --query PolicyValidationPassed --output text)"
check "validate-resource-policy (without --secret-id)" same "PolicyValidationPassed" True \
  "$(sm validate-resource-policy --resource-policy "file://$work/policy.json" --query PolicyValidationPassed --output text)"
check "put-resource-policy" same "ARN Name" "$db_arn${tab}app/db" \
  "$(sm put-resource-policy --secret-id app/db --resource-policy "file://$work/policy.json" --query '[ARN,Name]' \
    --output text)"
check "get-resource-policy returns the policy" same_json "$work/policy.json" \
  "$(sm get-resource-policy --secret-id app/db --query ResourcePolicy --output text)"
check "put-resource-policy of a malformed document: MalformedPolicyDocumentException" \
  fails_with MalformedPolicyDocumentException sm put-resource-policy --secret-id app/db --resource-policy '{"Version": '
check "delete-resource-policy" sm delete-resource-policy --secret-id app/db
check "get-resource-policy after delete-resource-policy has no policy" same "ResourcePolicy" None \
  "$(sm get-resource-policy --secret-id app/db --query ResourcePolicy --output text)"

# A disabled KMS key: the secrets under it cannot be read; the others can.
check "kms disable-key" kms disable-key --key-id "$key"
check "get-secret-value under a disabled key fails" fails_with 'DecryptionFailure|KMSInvalidStateException' \
  sm get-secret-value --secret-id app/db
sm get-secret-value --secret-id app/blob --query SecretBinary --output text | base64 -d >"$work/blob.default"
check "a secret under the default key is still readable" cmp -s "$work/blob.bin" "$work/blob.default"
check "kms enable-key" kms enable-key --key-id "$key"
check "readable again after enable-key" same "value" 'third value' "$(value_of app/db)"

# Error names.
check "missing secret: ResourceNotFoundException" fails_with ResourceNotFoundException \
  sm get-secret-value --secret-id does/not/exist
check "describe-secret of a missing secret: ResourceNotFoundException" fails_with ResourceNotFoundException \
  sm describe-secret --secret-id does/not/exist
check "missing version: ResourceNotFoundException" fails_with ResourceNotFoundException \
  sm get-secret-value --secret-id app/db --version-id "$(new_token)"
check "missing stage: ResourceNotFoundException" fails_with ResourceNotFoundException \
  sm get-secret-value --secret-id app/db --version-stage NO-SUCH-LABEL
check "duplicate name: ResourceExistsException" fails_with ResourceExistsException \
  sm create-secret --name app/db --secret-string again

# delete-secret with a recovery window, restore-secret.
read -r del_arn deletion_date < <(sm delete-secret --secret-id app/blob --recovery-window-in-days 7 \
  --query '[ARN,DeletionDate]' --output text)
check "delete-secret --recovery-window-in-days 7 names the secret" same "ARN" "$blob_arn" "$del_arn"
check "DeletionDate is 7 days out" same "days" 7 "$(days_from_now "$deletion_date")"
check "get-secret-value of a secret marked for deletion: InvalidRequestException" fails_with InvalidRequestException \
  sm get-secret-value --secret-id app/blob
check "put-secret-value to a secret marked for deletion: InvalidRequestException" fails_with InvalidRequestException \
  sm put-secret-value --secret-id app/blob --secret-string nope
# The API reference calls DescribeSecret's DeletedDate "the date the secret is scheduled for
# deletion" and ListSecrets' "the date and time the deletion of the secret occurred": accept
# either the time of the request or the DeletionDate.
deleted_date=$(sm describe-secret --secret-id app/blob --query DeletedDate --output text)
check "describe-secret shows DeletedDate (the request's time or the DeletionDate)" bash -c \
  '[ "$1" != None ] && { d=$(( $2 - $3 )); [ "${d#-}" -le 3600 ] || { a=$(( $(date +%s) - $2 )); [ "${a#-}" -le 600 ]; }; }' \
  _ "$deleted_date" "$(to_epoch "$deleted_date" 2>/dev/null || echo 0)" "$(to_epoch "$deletion_date")"
check "list-secrets leaves out secrets marked for deletion" same "list" "app/db" \
  "$(names_of sm list-secrets --filters Key=name,Values=app/)"
check "list-secrets --include-planned-deletion" same "list" "app/blob app/db" \
  "$(names_of sm list-secrets --include-planned-deletion --filters Key=name,Values=app/)"
check "restore-secret" same "ARN" "$blob_arn" "$(sm restore-secret --secret-id app/blob --query ARN --output text)"
sm get-secret-value --secret-id app/blob --query SecretBinary --output text | base64 -d >"$work/blob.restored"
check "readable after restore-secret" cmp -s "$work/blob.bin" "$work/blob.restored"
check "restore-secret clears DeletedDate" same "DeletedDate" None \
  "$(sm describe-secret --secret-id app/blob --query DeletedDate --output text)"

# delete-secret --force-delete-without-recovery.
check "delete-secret --force-delete-without-recovery" same "ARN" "$blob_arn" \
  "$(sm delete-secret --secret-id app/blob --force-delete-without-recovery --query ARN --output text)"
check "get-secret-value after a forced delete: ResourceNotFoundException" fails_with ResourceNotFoundException \
  sm get-secret-value --secret-id app/blob
check "describe-secret after a forced delete: ResourceNotFoundException" fails_with ResourceNotFoundException \
  sm describe-secret --secret-id "$blob_arn"
check "restore-secret after a forced delete: ResourceNotFoundException" fails_with ResourceNotFoundException \
  sm restore-secret --secret-id app/blob
check "list-secrets --include-planned-deletion no longer lists it" same "list" "app/db" \
  "$(names_of sm list-secrets --include-planned-deletion --filters Key=name,Values=app/)"
finish
