#!/usr/bin/env bash
# Domain key rotation while cofferd serves (issue 14): `cofferd domain-key rotate` makes a new
# domain key from another process; the daemon's scheduler re-wraps every key version under
# it in batches and destroys the old key once nothing refers to it. Ciphertexts, signatures
# and new keys keep working throughout.
# Usage: domain_key_rotation_test.sh COFFERD COFFER
set -uo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"
state=$work/state
# A quick scheduler and small batches, so that the re-wrap takes several ticks.
launch_cofferd "$cofferd" "$work/cofferd.log" --state-dir "$state" --allow-unauthenticated-loopback \
  --scheduler-interval-ms 200 --rewrap-batch 2
export COFFER_ENDPOINT="127.0.0.1:$COFFERD_PORT" COFFER_TLS=0
cd "$work"

check "the first start made domain key v1" bash -c "'$cofferd' --state-dir '$state' domain-key list | grep -q '^v1 current'"
keys=()
for i in 1 2 3 4 5; do
  keys+=("$("$coffer" --json create-key | json_field 'd["keyMetadata"]["keyId"]')")
done
for i in 0 1 2 3 4; do
  "$coffer" encrypt --key-id "${keys[$i]}" --plaintext "value $i" --base64 >"blob$i.txt"
done
signer=$("$coffer" --json create-key --key-spec ECC_NIST_P384 --key-usage SIGN_VERIFY | json_field 'd["keyMetadata"]["keyId"]')
printf 'message' >msg.bin
check "sign" "$coffer" sign --key-id "$signer" --in msg.bin --signing-algorithm ECDSA_SHA_384 --out sig.bin

check "domain-key rotate (another process, while serving)" "$cofferd" --state-dir "$state" domain-key rotate
check "v2 is current" bash -c "'$cofferd' --state-dir '$state' domain-key list | grep -q '^v2 current'"
moved=
for _ in $(seq 1 150); do
  if ! "$cofferd" --state-dir "$state" domain-key list | grep -q '^v1 '; then
    moved=yes
    break
  fi
  sleep 0.2
done
check "the scheduler re-wrapped every version and retired v1" test -n "$moved"
check "only v2 is left" bash -c "test \"\$('$cofferd' --state-dir '$state' domain-key list)\" = 'v2 current coffer/internal/domain/us-east-1/v2 wraps 6 key versions'"
for i in 0 1 2 3 4; do
  check "ciphertext $i still decrypts" bash -c "'$coffer' decrypt --base64 <blob$i.txt | grep -qx 'value $i'"
done
check "the signature still verifies" "$coffer" verify --key-id "$signer" --in msg.bin --signing-algorithm ECDSA_SHA_384 --signature-file sig.bin
check "a new signature verifies" bash -c "'$coffer' sign --key-id '$signer' --in msg.bin --signing-algorithm ECDSA_SHA_384 --out sig2.bin && '$coffer' verify --key-id '$signer' --in msg.bin --signing-algorithm ECDSA_SHA_384 --signature-file sig2.bin"
check "the daemon logged no error" bash -c "! grep -q '\"level\":\"error\"' '$work/cofferd.log'"

# The same job offline, to the end: `domain-key rewrap` (the daemon stopped first, so that its
# scheduler does not do it).
stop_cofferd
check "rotate again" "$cofferd" --state-dir "$state" domain-key rotate
check "domain-key rewrap moves everything at once" bash -c "'$cofferd' --state-dir '$state' domain-key rewrap | grep -q '^6 key versions re-wrapped'"
check "v2 is gone" bash -c "test \"\$('$cofferd' --state-dir '$state' domain-key list | wc -l)\" = 1"
finish
