#!/usr/bin/env bash
# Access keys end to end: a key made with `cofferd access-key create` works over rpc on a
# running daemon; after `cofferd access-key revoke` the same key is refused within
# AccessKeys::kRecheckAfter (1 s); a second key of
# another principal keeps working; `access-key list` shows the states.
#   access_key_revoke_test.sh COFFERD COFFER
set -euo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"

# Authenticated daemon: plaintext on loopback, but credentials required.
launch_cofferd "$cofferd" "$work/cofferd.log" --state-dir "$work/state"
export COFFER_ENDPOINT="127.0.0.1:$COFFERD_PORT" COFFER_TLS=0

read -r akid secret < <("$cofferd" --state-dir "$work/state" access-key create --principal alice)
read -r akid2 secret2 < <("$cofferd" --state-dir "$work/state" access-key create --principal bob)

COFFER_API_KEY= "$coffer" list-keys >"$work/out" 2>&1 && status=0 || status=$?
check "no credential is refused" test "$status" -eq 1
check "the refusal names AccessDeniedException" grep -q AccessDeniedException "$work/out"

export COFFER_API_KEY="$akid:$secret"
check "a fresh access key works" "$coffer" create-key --description revocable
check "list shows it active" bash -c "'$cofferd' --state-dir '$work/state' access-key list | grep -q '^$akid active'"
check "revoke succeeds" "$cofferd" --state-dir "$work/state" access-key revoke --access-key-id "$akid"
check "list shows it revoked" bash -c "'$cofferd' --state-dir '$work/state' access-key list | grep -q '^$akid revoked'"
sleep 1.2
"$coffer" list-keys >"$work/out" 2>&1 && status=0 || status=$?
check "the revoked key is refused by the running daemon" test "$status" -eq 1
check "with AccessDeniedException" grep -q AccessDeniedException "$work/out"
COFFER_API_KEY="$akid2:$secret2" "$coffer" list-keys >"$work/out" 2>&1 && status=0 || status=$?
check "another principal's key still works" test "$status" -eq 0
"$cofferd" --state-dir "$work/state" access-key revoke --access-key-id AKCFNOSUCHKEY0000000 >"$work/out" 2>&1 \
  && status=0 || status=$?
check "revoking an unknown key fails" test "$status" -ne 0
finish
