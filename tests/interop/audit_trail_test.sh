#!/usr/bin/env bash
# Issue 16: the audit trail of a real cofferd, written by aws CLI calls and checked with
# `coffer audit verify` and `coffer audit query`:
#  - every authenticated request, allowed or denied, is one CloudTrail-shaped record with the
#    caller's ARN and access key id, the key's ARN, and the error of a refused call;
#  - no plaintext, ciphertext or secret value reaches the files;
#  - the chain and the digests (signed by a key in the token, whose public key the administrator
#    copies at start, checked against the fingerprint cofferd logs) verify, and any edit of the
#    files is named by the verifier: an altered record, a removed one, a removed digest;
#  - the signing key is not a KMS key: ListKeys does not show it.
# Usage: audit_trail_test.sh COFFERD COFFER
set -uo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }
coffer=$2
COFFER_EXTRA_FLAGS="--audit-digest-interval-s 1 --audit-file-age-s 2" start_cofferd "$1"
account=111122223333
audit=$work/state/audit
admin_id=$AWS_ACCESS_KEY_ID
read -r role_id role_secret < <("$1" --state-dir "$work/state" access-key create --principal role/AppRole)
admin() { "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" "$@"; }
app() { AWS_ACCESS_KEY_ID=$role_id AWS_SECRET_ACCESS_KEY=$role_secret "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" "$@"; }
same() { [ "$2" = "$3" ] || { echo "$1: expected [$2], got [$3]" >&2; return 1; }; }

key=$(admin kms create-key --description audited --query KeyMetadata.KeyId --output text)
printf 'TOP-SECRET-PLAINTEXT-4711' >"$work/plain"
blob=$(admin kms encrypt --key-id "$key" --plaintext "fileb://$work/plain" \
  --encryption-context purpose=audit --query CiphertextBlob --output text)
base64 -d <<<"$blob" >"$work/blob"
admin kms decrypt --ciphertext-blob "fileb://$work/blob" --encryption-context purpose=audit >/dev/null
app kms encrypt --key-id "$key" --plaintext "fileb://$work/plain" >/dev/null 2>&1
admin secretsmanager create-secret --name audited --secret-string 'SECRET-VALUE-0815' >/dev/null
admin secretsmanager get-secret-value --secret-id audited >/dev/null
cp "$audit/audit-public-key.pem" "$work/audit-key.pem"
logged=$(grep -o '"audit_key_fingerprint":"[0-9a-f]*"' "$work/cofferd.log" | cut -d'"' -f4)
check "cofferd logs the fingerprint of the key it signs with" same "fingerprint" "$logged" \
  "$(openssl pkey -pubin -in "$work/audit-key.pem" -outform DER | sha256sum | cut -d' ' -f1)"
check "the signing key is not among the account's keys (ours and aws/secretsmanager's)" same \
  "keys" "2" "$(admin kms list-keys --query 'length(Keys)' --output text)"
sleep 2.5  # past a digest interval and a file rotation
query() { "$coffer" audit query --dir "$audit" "$@"; }

check "CreateKey is recorded with the caller and the key" same "create" \
  "CreateKey arn:aws:iam::$account:root $admin_id arn:aws:kms:us-east-1:$account:key/$key" \
  "$(query --event-name CreateKey | jq -r '[.eventName,.userIdentity.arn,.userIdentity.accessKeyId,.resources[0].ARN]|join(" ")')"
check "Encrypt is recorded with its encryption context and the key" same "encrypt" \
  "kms.amazonaws.com audit arn:aws:kms:us-east-1:$account:key/$key" \
  "$(query --event-name Encrypt --principal "arn:aws:iam::$account:root" |
     jq -r '[.eventSource,.requestParameters.encryptionContext.purpose,.resources[0].ARN]|join(" ")')"
check "AppRole's refused Encrypt is recorded with AccessDeniedException" same "denied" \
  "AccessDeniedException $role_id" \
  "$(query --principal "arn:aws:iam::$account:role/AppRole" --event-name Encrypt |
     jq -r '[.errorCode,.userIdentity.accessKeyId]|join(" ")')"
check "query by key finds the key's events" test "$(query --key "$key" | wc -l)" -ge 3
check "Secrets Manager calls are recorded" same "secrets" "secretsmanager.amazonaws.com" \
  "$(query --event-name GetSecretValue | jq -r .eventSource)"
check "no plaintext or secret value is in the files" bash -c \
  "! grep -rq -e TOP-SECRET -e SECRET-VALUE -e '$(base64 -w0 <"$work/plain")' -e '${blob:0:40}' '$audit'"
out=$("$coffer" audit verify --dir "$audit" --public-key "$work/audit-key.pem" 2>&1)
check "the untouched trail verifies against the token's key" grep -q "^verified" <<<"$out" || echo "$out" >&2

# Stop cofferd: its last digest covers every record.
kill -TERM "$cofferd_pid"; wait "$cofferd_pid"; cofferd_pid=
cp -a "$audit" "$work/pristine"
check "after a clean stop nothing is unsigned" bash -c \
  "'$coffer' audit verify --dir '$audit' --public-key '$work/audit-key.pem' | grep -q '^verified' &&
   ! '$coffer' audit verify --dir '$audit' --public-key '$work/audit-key.pem' | grep -q unsigned-tail"
tamper() {  # tamper NAME EXPECTED_KIND COMMAND: on a fresh copy, the verifier names the kind
  rm -rf "$audit" && cp -a "$work/pristine" "$audit"
  (cd "$audit" && eval "$3")
  local report
  if report=$("$coffer" audit verify --dir "$audit" --public-key "$work/audit-key.pem" 2>&1); then
    echo "$1: verified after tampering" >&2; return 1
  fi
  grep -q "$2" <<<"$report" || { echo "$1: expected $2 in: $report" >&2; return 1; }
}
first_log=$(cd "$work/pristine" && ls audit-*.jsonl | head -1)
check "an edited record is named" tamper edit altered-record \
  "sed -i '1s/\"eventTime\":\"20/\"eventTime\":\"19/' $first_log"
check "a removed record is named" tamper remove 'removed-records\|truncated-log-file' "sed -i '1d' $first_log"
check "a removed digest is named" tamper digest missing-interval \
  "rm \"\$(ls digest-* | sed -n 2p)\""
check "another key's signature is refused" bash -c \
  "openssl ecparam -name prime256v1 -genkey -noout | openssl pkey -pubout >'$work/other.pem' &&
   ! '$coffer' audit verify --dir '$work/pristine' --public-key '$work/other.pem' >/dev/null 2>&1"
finish
