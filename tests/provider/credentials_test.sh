#!/usr/bin/env bash
# The provider reaches cofferd over TLS 1.3 (ca-file) with an API key (api-key-file), as
# in production: signing works with the right credential; a key revoked with
# `cofferd access-key revoke` on the running daemon, an unknown access key, a wrong secret
# and no credential are refused with a readable error.
# Usage: credentials_test.sh COFFERD COFFER PROVIDER_DIR PRELOAD
. "$(dirname "$0")/provider_env.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

"$root/scripts/make-dev-tls.sh" "$work" >/dev/null
# TLS after all: --tls true overrides the launcher's --plaintext-loopback.
launch_cofferd "$cofferd" "$work/cofferd.log" --state-dir "$work/state" --tls true \
  --tls-cert "$work/tls/server.pem" --tls-key "$work/tls/server.key"
port=$COFFERD_PORT
cd "$work" || exit 1
export COFFER_ENDPOINT="127.0.0.1:$port" COFFER_TLS=1 COFFER_CA_FILE="$work/tls/ca.pem" \
  COFFER_API_KEY_FILE="$work/state/admin.credentials"

check "make P-256 key over TLS" make_key ECC_NIST_P256 SIGN_VERIFY alias/cred-ec >/dev/null
printf '%032d' 0 >digest.bin
admin=$(cat "$work/state/admin.credentials")
printf '%s\n' "${admin%%:*}:0000000000000000000000000000000000000000" >wrong-secret.key
printf '%s\n' "AKIAUNKNOWNUNKNOWN00:0000000000000000000000000000000000000000" >unknown.key
read -r revoked_id revoked_secret < <("$cofferd" --state-dir "$work/state" access-key create --principal soon-revoked)
printf '%s\n' "$revoked_id:$revoked_secret" >revoked.key

# conf NAME [API_KEY_FILE]: a configuration for TLS to cofferd with that credential.
conf() {
  local lines=("endpoint = 127.0.0.1:$port" "tls = yes" "ca-file = $work/tls/ca.pem")
  [ -n "${2:-}" ] && lines+=("api-key-file = $2")
  write_openssl_conf "$1" "${lines[@]}"
}
conf openssl.cnf "$work/state/admin.credentials"
# The credentials must come from the section alone, not from the tools' environment.
unset COFFER_API_KEY_FILE COFFER_CA_FILE COFFER_TLS COFFER_ENDPOINT

check "sign over TLS with the admin credential" ossl pkeyutl -sign -inkey coffer:alias/cred-ec \
  -in digest.bin -out ec.sig
check "pubout over TLS" ossl pkey -in coffer:alias/cred-ec -pubout -out ec.pub.pem
check "signature verifies" plain_openssl pkeyutl -verify -pubin -inkey ec.pub.pem -in digest.bin \
  -sigfile ec.sig

# with_conf CNF ARGS...: ossl with that configuration.
with_conf() {
  local ossl_conf=$1
  shift
  ossl "$@"
}

# denied NAME CNF: loading the key fails with Coffer's refusal on stderr.
denied() {
  local status=0
  ossl_conf=$2 ossl pkey -in coffer:alias/cred-ec -pubout >/dev/null 2>"err-$1.txt" || status=$?
  if [ "$status" -eq 0 ] || [ "$status" -ge 124 ] || ! grep -q "Coffer denied access" "err-$1.txt"; then
    echo "  $1: status $status, stderr: $(cat "err-$1.txt")" >&2
    return 1
  fi
}
conf wrong.cnf "$work/wrong-secret.key"
conf unknown.cnf "$work/unknown.key"
conf none.cnf
conf revoked.cnf "$work/revoked.key"
check "a fresh access key signs" with_conf "$work/revoked.cnf" pkeyutl -sign -inkey coffer:alias/cred-ec \
  -in digest.bin -out revoked.sig
check "revoke it on the running daemon" "$cofferd" --state-dir "$work/state" access-key revoke \
  --access-key-id "$revoked_id"
sleep 1.2  # AccessKeys::kRecheckAfter
check "a revoked access key is refused" denied revoked "$work/revoked.cnf"
check "wrong secret (a revoked key) is refused" denied wrong "$work/wrong.cnf"
check "unknown access key is refused" denied unknown "$work/unknown.cnf"
check "no credential is refused" denied none "$work/none.cnf"
check "the refusal names AccessDeniedException" grep -q AccessDeniedException err-wrong.txt

# The server certificate is checked: another CA fails the TLS handshake.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=other -days 1 \
  -keyout other.key -out other.pem 2>/dev/null
write_openssl_conf other-ca.cnf "endpoint = 127.0.0.1:$port" "tls = yes" "ca-file = $work/other.pem" \
  "api-key-file = $work/state/admin.credentials"
ossl_conf=$work/other-ca.cnf ossl pkey -in coffer:alias/cred-ec -pubout >/dev/null 2>err-ca.txt
check "an untrusted server certificate is refused" test $? -ne 0
check "... with a readable error" grep -q "TLS handshake with .* failed: certificate verify failed" err-ca.txt
finish
