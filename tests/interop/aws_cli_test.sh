#!/usr/bin/env bash
# The aws CLI against Coffer's AWS JSON API: every step of issue 5's CLI list.
# Usage: aws_cli_test.sh COFFERD
set -uo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }
start_cofferd "$1"
kms() { "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" kms "$@"; }
fails_with() {  # fails_with EXCEPTION COMMAND...: the command fails naming the exception
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then echo "unexpected success: $out" >&2; return 1; fi
  grep -q "$name" <<<"$out" || { echo "expected $name, got: $out" >&2; return 1; }
}
same_file() { cmp -s "$1" "$2"; }

key=$(kms create-key --description interop --query KeyMetadata.KeyId --output text)
check "create-key" test -n "$key"
check "create-alias" kms create-alias --alias-name alias/interop --target-key-id "$key"
check "describe-key by alias" test "$(kms describe-key --key-id alias/interop --query KeyMetadata.KeyId --output text)" = "$key"
check "enable-key-rotation 90 days" kms enable-key-rotation --key-id "$key" --rotation-period-in-days 90
check "get-key-rotation-status" test "$(kms get-key-rotation-status --key-id "$key" \
  --query '[KeyRotationEnabled,RotationPeriodInDays]' --output text)" = "True	90"

printf 'secret payload \x00\x01\xff' >"$work/plain.bin"
kms encrypt --key-id alias/interop --plaintext "fileb://$work/plain.bin" --encryption-context purpose=test \
  --query CiphertextBlob --output text | base64 -d >"$work/old.ct"
kms decrypt --ciphertext-blob "fileb://$work/old.ct" --encryption-context purpose=test \
  --query Plaintext --output text | base64 -d >"$work/plain.out"
check "encrypt then decrypt through fileb://" same_file "$work/plain.bin" "$work/plain.out"

read -r dk_blob dk_plain < <(kms generate-data-key --key-id "$key" --key-spec AES_256 \
  --query '[CiphertextBlob,Plaintext]' --output text)
echo "$dk_blob" | base64 -d >"$work/dk.ct"
check "generate-data-key then decrypt its CiphertextBlob" test \
  "$(kms decrypt --ciphertext-blob "fileb://$work/dk.ct" --query Plaintext --output text)" = "$dk_plain"

check "rotate-key-on-demand" kms rotate-key-on-demand --key-id "$key"
kms decrypt --ciphertext-blob "fileb://$work/old.ct" --encryption-context purpose=test \
  --query Plaintext --output text | base64 -d >"$work/plain.old"
check "decrypt of a ciphertext older than the rotation" same_file "$work/plain.bin" "$work/plain.old"
check "list-key-rotations shows the on-demand rotation" grep -q ON_DEMAND \
  <<<"$(kms list-key-rotations --key-id "$key" --query 'Rotations[].RotationType' --output text)"

check "tag-resource" kms tag-resource --key-id "$key" --tags TagKey=team,TagValue=blue
check "list-resource-tags" test "$(kms list-resource-tags --key-id "$key" --query 'Tags[0].[TagKey,TagValue]' \
  --output text)" = "team	blue"

check "disable-key" kms disable-key --key-id "$key"
check "encrypt with a disabled key fails" fails_with DisabledException \
  kms encrypt --key-id "$key" --plaintext "fileb://$work/plain.bin"
check "enable-key" kms enable-key --key-id "$key"
check "schedule-key-deletion" test "$(kms schedule-key-deletion --key-id "$key" --pending-window-in-days 7 \
  --query KeyState --output text)" = PendingDeletion
check "cancel-key-deletion" kms cancel-key-deletion --key-id "$key"
check "a cancelled deletion leaves the key disabled" test \
  "$(kms describe-key --key-id "$key" --query KeyMetadata.KeyState --output text)" = Disabled
check "enable-key after cancel" kms enable-key --key-id "$key"

check "unknown key" fails_with NotFoundException kms describe-key --key-id alias/does-not-exist
check "unknown key id" fails_with NotFoundException kms encrypt --key-id 00000000-0000-4000-8000-000000000000 \
  --plaintext "fileb://$work/plain.bin"
check "wrong encryption context" fails_with InvalidCiphertextException \
  kms decrypt --ciphertext-blob "fileb://$work/old.ct" --encryption-context purpose=other
check "list-keys" grep -q "$key" <<<"$(kms list-keys --query 'Keys[].KeyId' --output text)"
check "list-aliases" grep -q alias/interop <<<"$(kms list-aliases --query 'Aliases[].AliasName' --output text)"
finish
