#!/usr/bin/env bash
# Failures reach the openssl CLI as readable errors on stderr and a non-zero exit, never a
# crash or a hang: bad coffer: URIs, unknown keys and aliases, a key used for what it is
# not for, a bad provider configuration, and cofferd stopped (bounded by `timeout`).
# Usage: errors_test.sh COFFERD COFFER PROVIDER_DIR PRELOAD
. "$(dirname "$0")/provider_env.sh"
start_with_provider

check "make P-256 key" make_key ECC_NIST_P256 SIGN_VERIFY alias/err-ec >/dev/null
check "make symmetric key" make_key SYMMETRIC_DEFAULT ENCRYPT_DECRYPT alias/err-aes >/dev/null
printf '%032d' 0 >digest.bin

# expect_error WHAT PATTERN ARGS...: openssl exits non-zero (not by a signal or the
# timeout) and stderr matches PATTERN.
expect_error() {
  local what=$1 pattern=$2
  shift 2
  local status=0
  ossl "$@" >/dev/null 2>"err-$what.txt" || status=$?
  if [ "$status" -eq 0 ] || [ "$status" -ge 124 ] || ! grep -q "$pattern" "err-$what.txt"; then
    echo "  $what: status $status, stderr: $(cat "err-$what.txt")" >&2
    return 1
  fi
}
# expect_error_with CNF WHAT PATTERN ARGS...: the same with another configuration.
expect_error_with() {
  local cnf=$1
  shift
  ossl_conf=$work/$cnf expect_error "$@"
}
check "empty coffer: URI" expect_error empty-uri "bad coffer URI" pkey -in coffer: -pubout
check "coffer: URI with a space" expect_error space-uri "bad coffer URI" pkey -in "coffer:alias/a b" -pubout
check "unknown alias" expect_error unknown-alias "key not found in Coffer.*NotFoundException" \
  pkey -in coffer:alias/no-such-key -pubout
check "unknown key id" expect_error unknown-id "key not found in Coffer" \
  pkey -in coffer:00000000-0000-0000-0000-000000000000 -pubout
check "a symmetric key has no public key" expect_error symmetric "UnsupportedOperationException" \
  pkey -in coffer:alias/err-aes -pubout
check "SHA-1 is not a Coffer signing digest" expect_error sha1 "SHA-256, SHA-384 or SHA-512" \
  dgst -sha1 -sign coffer:alias/err-ec digest.bin

# A bad provider section: the provider still loads, and every use says what is wrong.
write_openssl_conf bad.cnf "endpoint = $COFFER_ENDPOINT" "tls = maybe"
check "bad tls setting" expect_error_with bad.cnf config "bad coffer provider configuration.*tls must be yes or no" \
  pkey -in coffer:alias/err-ec -pubout

# cofferd stopped: connection refused comes back at once, well inside the timeout.
check "stop cofferd" stop_cofferd
start=$(date +%s)
check "cofferd stopped: load fails" expect_error stopped-load "Coffer unavailable" \
  pkey -in coffer:alias/err-ec -pubout
check "cofferd stopped: sign fails" expect_error stopped-sign "Coffer unavailable" \
  pkeyutl -sign -inkey coffer:alias/err-ec -in digest.bin
elapsed=$(($(date +%s) - start))
check "cofferd stopped: errors within 10 s (took ${elapsed} s)" test "$elapsed" -lt 10

# A server that accepts the connection and never answers: the request deadline ends it.
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(8); print(s.getsockname()[1], flush=True); time.sleep(60)' >silent.port &
silent=$!
for _ in $(seq 1 50); do [ -s silent.port ] && break; sleep 0.1; done
write_openssl_conf silent.cnf "endpoint = 127.0.0.1:$(cat silent.port)" "tls = no" "request-timeout-ms = 1500"
start=$(date +%s)
check "silent server: readable error" expect_error_with silent.cnf silent "Coffer unavailable.*DependencyTimeoutException" \
  pkey -in coffer:alias/err-ec -pubout
elapsed=$(($(date +%s) - start))
check "silent server: gives up within 10 s (took ${elapsed} s)" test "$elapsed" -lt 10
kill "$silent" 2>/dev/null
finish
