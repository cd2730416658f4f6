#!/usr/bin/env bash
# Issue 16 with the aws CLI: identity policies, grants and GetCallerIdentity. The account's
# administrator ("interop", the account's root) and the role AppRole (its own access key):
#  - `aws sts get-caller-identity` names each principal's ARN;
#  - under the default key policy AppRole is refused until `cofferd principal put-policy`
#    (run beside the daemon, as an operator would) attaches an identity policy;
#  - a grant lets AppRole decrypt only with its encryption context, at once; retiring it with
#    its token (AppRole is its retiring principal) takes that away; revoke-grant likewise;
#  - AppRole may not list or revoke grants; errors are AWS's exception names.
# Usage: grants_identity_aws_cli_test.sh COFFERD
set -uo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }
start_cofferd "$1"
account=111122223333
role_arn=arn:aws:iam::$account:role/AppRole
admin_id=$AWS_ACCESS_KEY_ID admin_secret=$AWS_SECRET_ACCESS_KEY
read -r role_id role_secret < <("$1" --state-dir "$work/state" access-key create --principal role/AppRole)
admin() { AWS_ACCESS_KEY_ID=$admin_id AWS_SECRET_ACCESS_KEY=$admin_secret "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" "$@"; }
app() { AWS_ACCESS_KEY_ID=$role_id AWS_SECRET_ACCESS_KEY=$role_secret "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" "$@"; }
fails_with() {  # fails_with EXCEPTION COMMAND...
  local exception=$1 out
  shift
  if out=$("$@" 2>&1); then echo "unexpected success: $out" >&2; return 1; fi
  grep -q "$exception" <<<"$out" || { echo "expected $exception, got: $out" >&2; return 1; }
}
same() { [ "$2" = "$3" ] || { echo "$1: expected [$2], got [$3]" >&2; return 1; }; }
# Retries for up to 3 s: an offline policy change reaches the daemon within a second.
eventually() { for _ in $(seq 30); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; "$@"; }

check "get-caller-identity names the root" same "arn" "arn:aws:iam::$account:root" \
  "$(admin sts get-caller-identity --query Arn --output text)"
check "get-caller-identity names the role and its access key" same "identity" "$role_arn $role_id $account" \
  "$(app sts get-caller-identity --query '[Arn,UserId,Account]' --output text | tr '\t' ' ')"

key=$(admin kms create-key --query KeyMetadata.KeyId --output text)
printf 'payload' >"$work/plain"
check "AppRole may not encrypt without an identity policy" fails_with AccessDeniedException \
  app kms encrypt --key-id "$key" --plaintext "fileb://$work/plain"
cat >"$work/encrypt.json" <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"arn:aws:kms:*:$account:key/$key"}]}
JSON
check "cofferd principal put-policy attaches an identity policy" \
  "$1" --state-dir "$work/state" principal put-policy --principal role/AppRole \
  --policy-name EncryptOne --policy-document "file://$work/encrypt.json"
check "list-policies shows it" grep -q "$role_arn EncryptOne" \
  <<<"$("$1" --state-dir "$work/state" principal list-policies)"
check "AppRole now encrypts under the key" eventually \
  app kms encrypt --key-id "$key" --plaintext "fileb://$work/plain"
check "a policy with a Principal is refused offline" fails_with MalformedPolicyDocument \
  "$1" --state-dir "$work/state" principal put-policy --principal role/AppRole --policy-name Bad \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}'

blob=$(admin kms encrypt --key-id "$key" --plaintext "fileb://$work/plain" \
  --encryption-context tenant=a --query CiphertextBlob --output text)
base64 -d <<<"$blob" >"$work/blob"
check "AppRole may not decrypt before the grant" fails_with AccessDeniedException \
  app kms decrypt --ciphertext-blob "fileb://$work/blob" --encryption-context tenant=a
read -r grant_id grant_token < <(admin kms create-grant --key-id "$key" --grantee-principal "$role_arn" \
  --retiring-principal "$role_arn" --operations Decrypt --constraints EncryptionContextSubset={tenant=a} \
  --name app-decrypt --query '[GrantId,GrantToken]' --output text)
check "create-grant answers a grant id and token" test ${#grant_id} -eq 64 -a -n "$grant_token"
check "AppRole decrypts with the grant at once" same "plaintext" "payload" \
  "$(app kms decrypt --ciphertext-blob "fileb://$work/blob" --encryption-context tenant=a \
     --grant-tokens "$grant_token" --query Plaintext --output text | base64 -d)"
check "the grant's constraint holds" fails_with AccessDeniedException \
  app kms decrypt --ciphertext-blob "fileb://$work/blob"
check "list-grants shows the grant with its constraint" same "grant" "$grant_id app-decrypt a" \
  "$(admin kms list-grants --key-id "$key" \
     --query 'Grants[0].[GrantId,Name,Constraints.EncryptionContextSubset.tenant]' --output text | tr '\t' ' ')"
check "AppRole may not list grants" fails_with AccessDeniedException app kms list-grants --key-id "$key"
check "AppRole may not revoke the grant" fails_with AccessDeniedException \
  app kms revoke-grant --key-id "$key" --grant-id "$grant_id"
check "a made-up grant token is InvalidGrantTokenException" fails_with InvalidGrantTokenException \
  app kms retire-grant --grant-token bm90LWEtdG9rZW4=
check "AppRole retires its grant with the token" app kms retire-grant --grant-token "$grant_token"
check "after retiring, AppRole's decrypt is denied" fails_with AccessDeniedException \
  app kms decrypt --ciphertext-blob "fileb://$work/blob" --encryption-context tenant=a
grant_id=$(admin kms create-grant --key-id "$key" --grantee-principal "$role_arn" --operations Decrypt \
  --query GrantId --output text)
check "the administrator revokes a grant" admin kms revoke-grant --key-id "$key" --grant-id "$grant_id"
check "after revoking, AppRole's decrypt is denied" fails_with AccessDeniedException \
  app kms decrypt --ciphertext-blob "fileb://$work/blob" --encryption-context tenant=a
check "a grant for Sign on a symmetric key is ValidationException" fails_with ValidationException \
  admin kms create-grant --key-id "$key" --grantee-principal "$role_arn" --operations Sign
finish
