#!/usr/bin/env bash
# Issue 16 with the aws CLI and two principals: the account's administrator ("interop", an
# access key made before policies, i.e. the account's root) makes a key with the issue's
# policy; the role AppRole (its own access key) may Decrypt and DescribeKey, and gets
# AccessDeniedException, in AWS's words, for Encrypt, ScheduleKeyDeletion, PutKeyPolicy and
# CreateKey. A key policy change takes effect on the next request, and nothing a refused call
# asked for happened.
# Usage: key_policy_aws_cli_test.sh COFFERD
set -uo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }
start_cofferd "$1"
account=111122223333
admin_id=$AWS_ACCESS_KEY_ID admin_secret=$AWS_SECRET_ACCESS_KEY
read -r role_id role_secret < <("$1" --state-dir "$work/state" access-key create --principal role/AppRole)
admin() { AWS_ACCESS_KEY_ID=$admin_id AWS_SECRET_ACCESS_KEY=$admin_secret "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" kms "$@"; }
app() { AWS_ACCESS_KEY_ID=$role_id AWS_SECRET_ACCESS_KEY=$role_secret "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" kms "$@"; }
denied() {  # denied ACTION COMMAND...: AccessDeniedException naming the role and the action
  local action=$1 out
  shift
  if out=$("$@" 2>&1); then echo "unexpected success: $out" >&2; return 1; fi
  grep -q "AccessDeniedException" <<<"$out" &&
    grep -q "User: arn:aws:iam::$account:role/AppRole is not authorized to perform: $action" <<<"$out" ||
    { echo "expected AccessDeniedException for $action, got: $out" >&2; return 1; }
}
same() { [ "$2" = "$3" ] || { echo "$1: expected [$2], got [$3]" >&2; return 1; }; }

cat >"$work/policy.json" <<JSON
{"Version":"2012-10-17","Statement":[
 {"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::$account:root"},
  "Action":"kms:*","Resource":"*"},
 {"Sid":"Allow app role to decrypt","Effect":"Allow",
  "Principal":{"AWS":"arn:aws:iam::$account:role/AppRole"},
  "Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}]}
JSON
key=$(admin create-key --policy "file://$work/policy.json" --query KeyMetadata.KeyId --output text)
check "the administrator creates a key with the policy" test -n "$key"
check "get-key-policy returns it" same "policy" "$(tr -d ' \n' <"$work/policy.json")" \
  "$(admin get-key-policy --key-id "$key" --policy-name default --query Policy --output text | tr -d ' \n')"
printf 'for the app' >"$work/plain"
blob=$(admin encrypt --key-id "$key" --plaintext "fileb://$work/plain" --query CiphertextBlob --output text)
base64 -d <<<"$blob" >"$work/blob"

check "AppRole decrypts" same "plaintext" "for the app" \
  "$(app decrypt --ciphertext-blob "fileb://$work/blob" --query Plaintext --output text | base64 -d)"
check "AppRole describes the key" same "key id" "$key" \
  "$(app describe-key --key-id "$key" --query KeyMetadata.KeyId --output text)"
check "AppRole may not encrypt" denied kms:Encrypt app encrypt --key-id "$key" --plaintext "fileb://$work/plain"
check "AppRole may not schedule the key's deletion" denied kms:ScheduleKeyDeletion \
  app schedule-key-deletion --key-id "$key" --pending-window-in-days 7
check "AppRole may not change the key policy" denied kms:PutKeyPolicy \
  app put-key-policy --key-id "$key" --policy-name default --policy "file://$work/policy.json"
check "AppRole may not create keys (no identity policy)" denied kms:CreateKey app create-key
check "the key is still enabled after the refused deletion" same "state" "Enabled" \
  "$(admin describe-key --key-id "$key" --query KeyMetadata.KeyState --output text)"

# The administrator takes Decrypt away: the next request is denied.
cat >"$work/describe-only.json" <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::$account:root"},"Action":"kms:*","Resource":"*"},
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::$account:role/AppRole"},
  "Action":"kms:DescribeKey","Resource":"*"}]}
JSON
check "the administrator narrows the policy" admin put-key-policy --key-id "$key" \
  --policy-name default --policy "file://$work/describe-only.json"
check "AppRole's Decrypt is now denied" denied kms:Decrypt app decrypt --ciphertext-blob "fileb://$work/blob"
check "the administrator still decrypts" same "plaintext" "for the app" \
  "$(admin decrypt --ciphertext-blob "fileb://$work/blob" --query Plaintext --output text | base64 -d)"
# A policy that would lock the administrator out is refused unless bypassed.
cat >"$work/lockout.json" <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::$account:role/AppRole"},"Action":"kms:*","Resource":"*"}]}
JSON
out=$(admin put-key-policy --key-id "$key" --policy-name default --policy "file://$work/lockout.json" 2>&1)
check "a lockout policy is MalformedPolicyDocumentException" grep -q MalformedPolicyDocumentException <<<"$out"
finish
