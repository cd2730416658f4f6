#!/usr/bin/env bash
# Issue 16: identity policies managed online with `coffer principal ...` against a real,
# authenticated and audited cofferd: the root attaches a policy to role/AppRole and the role
# may Encrypt at once; the role may not change its own policies; a malformed document is
# refused; delete takes the access away; `coffer whoami` names the caller; the offline
# `cofferd principal list-policies` sees what the rpc stored; the changes are in the trail.
#   principals_cli_test.sh COFFERD COFFER
set -euo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"

launch_cofferd "$cofferd" "$work/cofferd.log" --state-dir "$work/state" --audit true
export COFFER_ENDPOINT="127.0.0.1:$COFFERD_PORT" COFFER_TLS=0
read -r root_id root_secret < <("$cofferd" --state-dir "$work/state" access-key create --principal admin)
read -r role_id role_secret < <("$cofferd" --state-dir "$work/state" access-key create --principal role/AppRole)
root="$root_id:$root_secret"
role="$role_id:$role_secret"
role_arn=arn:aws:iam::111122223333:role/AppRole

key=$(COFFER_API_KEY=$root "$coffer" --json create-key | json_field 'd["keyMetadata"]["keyId"]')
check "the root made a key" test -n "$key"
as_role_encrypt() { printf hello | COFFER_API_KEY=$role "$coffer" encrypt --key-id "$key" --base64 >"$work/cipher"; }

as_role_encrypt >"$work/out" 2>&1 && status=0 || status=$?
check "the role may not Encrypt before a policy" test "$status" -eq 1
check "with AccessDeniedException" grep -q AccessDeniedException "$work/out"

cat >"$work/encrypt.json" <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}
JSON
check "the root attaches a policy online" env COFFER_API_KEY="$root" "$coffer" principal put-policy \
  --principal role/AppRole --policy-name Encrypt --policy-document "file://$work/encrypt.json"
check "the role may Encrypt at once" as_role_encrypt
got=$(COFFER_API_KEY=$root "$coffer" principal get-policy --principal "$role_arn" --policy-name Encrypt)
check "get-policy prints the document" test "$got" = "$(cat "$work/encrypt.json")"
check "list-policies names it" bash -c "COFFER_API_KEY='$root' '$coffer' principal list-policies --principal role/AppRole | grep -qx Encrypt"
check "cofferd principal list-policies sees it offline" \
  bash -c "'$cofferd' --state-dir '$work/state' principal list-policies --principal role/AppRole | grep -q '^$role_arn Encrypt '"

COFFER_API_KEY=$role "$coffer" --json whoami >"$work/whoami.json"
check "whoami names the role" test "$(json_field 'd["arn"]' <"$work/whoami.json")" = "$role_arn"
check "whoami names its access key" test "$(json_field 'd["accessKeyId"]' <"$work/whoami.json")" = "$role_id"

COFFER_API_KEY=$role "$coffer" principal put-policy --principal role/AppRole --policy-name Mine \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' \
  >"$work/out" 2>&1 && status=0 || status=$?
check "the role may not widen its own policies" test "$status" -eq 1
check "refused for iam:PutRolePolicy" grep -q "not authorized to perform: iam:PutRolePolicy" "$work/out"

COFFER_API_KEY=$root "$coffer" principal put-policy --principal role/AppRole --policy-name Bad \
  --policy-document '{"Statement":' >"$work/out" 2>&1 && status=0 || status=$?
check "a malformed document is refused" test "$status" -eq 1
check "with MalformedPolicyDocumentException" grep -q MalformedPolicyDocumentException "$work/out"
COFFER_API_KEY=$root "$coffer" principal put-policy --principal arn:aws:iam::999999999999:role/AppRole \
  --policy-name P --policy-document "file://$work/encrypt.json" >"$work/out" 2>&1 && status=0 || status=$?
check "another account's principal is refused" grep -q ValidationException "$work/out"

check "the root deletes the policy" env COFFER_API_KEY="$root" "$coffer" principal delete-policy \
  --principal role/AppRole --policy-name Encrypt
as_role_encrypt >"$work/out" 2>&1 && status=0 || status=$?
check "the role may not Encrypt after the delete" test "$status" -eq 1
COFFER_API_KEY=$root "$coffer" principal get-policy --principal role/AppRole --policy-name Encrypt \
  >"$work/out" 2>&1 && status=0 || status=$?
check "get-policy of a deleted policy is NotFoundException" grep -q NotFoundException "$work/out"

"$coffer" audit query --dir "$work/state/audit" --event-name PutPrincipalPolicy --limit 0 >"$work/puts.jsonl"
check "every put is in the audit trail" test "$(wc -l <"$work/puts.jsonl")" -eq 4
check "as an IAM event" grep -q '"eventSource":"iam.amazonaws.com"' "$work/puts.jsonl"
check "without the document" bash -c "! grep -q policyDocument '$work/puts.jsonl'"
check "the delete is in the audit trail" \
  bash -c "'$coffer' audit query --dir '$work/state/audit' --event-name DeletePrincipalPolicy --limit 0 | grep -q AppRole"
finish
