#!/usr/bin/env bash
# Backup and restore (issue 14): `cofferd backup --out DIR` snapshots the metadata store while
# the daemon serves, the operator copies the token (SoftHSM: its token directory), and a
# fresh state directory made of the two decrypts everything made before the backup. Keys
# made after the snapshot are not in it, as with any backup.
# Usage: backup_restore_test.sh COFFERD COFFER
set -uo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"
start_cofferd "$cofferd"
cd "$work"
state=$work/state

key=$("$coffer" --json create-key --description before-backup | json_field 'd["keyMetadata"]["keyId"]')
check "create-key" test -n "$key"
check "alias" "$coffer" create-alias --alias-name alias/backed-up --target-key-id "$key"
head -c 2000 /dev/urandom >plain.bin
check "encrypt under version 1" "$coffer" encrypt --key-id "$key" --in plain.bin --out v1.bin --encryption-context app=backup
check "rotate on demand" "$coffer" rotate-key-on-demand --key-id "$key"
check "encrypt under version 2" "$coffer" encrypt --key-id alias/backed-up --in plain.bin --out v2.bin
signer=$("$coffer" --json create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY | json_field 'd["keyMetadata"]["keyId"]')
printf 'signed text' >msg.bin
check "sign" "$coffer" sign --key-id "$signer" --in msg.bin --signing-algorithm ECDSA_SHA_256 --out sig.bin

# The snapshot, taken while cofferd serves (and has the store open).
check "cofferd backup while serving" "$cofferd" --state-dir "$state" backup --out "$work/snapshot"
check "the snapshot is a store" test -s "$work/snapshot/coffer.db"
check "the manifest names the domain key" grep -q "^domain_key us-east-1 v1 coffer/internal/domain/us-east-1/v1$" "$work/snapshot/MANIFEST"
check "a second backup into the same place is refused" bash -c "! '$cofferd' --state-dir '$state' backup --out '$work/snapshot' 2>/dev/null"
# The token: creating and using keys no longer writes it, so a copy taken while serving is
# consistent (docs/ARCHITECTURE.md, "Backup and restore").
cp -a "$state/tokens" "$work/token-copy"

after=$("$coffer" --json create-key --description after-backup | json_field 'd["keyMetadata"]["keyId"]')
check "a key made after the backup" test -n "$after"
stop_cofferd

# A fresh state directory from the two copies.
restored=$work/restored
mkdir -m 700 "$restored"
cp -a "$work/token-copy" "$restored/tokens"
cp "$state/user.pin" "$state/so.pin" "$restored/"
sed "s|^directories.tokendir = .*|directories.tokendir = $restored/tokens|" "$state/softhsm2.conf" >"$restored/softhsm2.conf"
cp "$work/snapshot/coffer.db" "$restored/coffer.db"
unset SOFTHSM2_CONF
launch_cofferd "$cofferd" "$work/restored.log" --state-dir "$restored" --allow-unauthenticated-loopback
export COFFER_ENDPOINT="127.0.0.1:$COFFERD_PORT"

check "version 1 ciphertext decrypts from the restore" bash -c "'$coffer' decrypt --in v1.bin --out r1.bin --encryption-context app=backup && cmp plain.bin r1.bin"
check "version 2 ciphertext decrypts from the restore" bash -c "'$coffer' decrypt --in v2.bin --out r2.bin && cmp plain.bin r2.bin"
check "the alias came back" bash -c "'$coffer' describe-key --key-id alias/backed-up | grep -q '$key'"
check "the signature verifies" "$coffer" verify --key-id "$signer" --in msg.bin --signing-algorithm ECDSA_SHA_256 --signature-file sig.bin
check "the key made after the backup is not in it" bash -c "! '$coffer' describe-key --key-id '$after' 2>/dev/null"
check "the restored region encrypts again" bash -c "'$coffer' encrypt --key-id '$key' --plaintext again --base64 | '$coffer' decrypt --base64 | grep -qx again"
finish
