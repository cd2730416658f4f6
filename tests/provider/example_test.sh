#!/usr/bin/env bash
# examples/sign_with_coffer (OSSL_PROVIDER_load, OSSL_STORE, EVP_DigestSign) signs with
# an ECDSA P-256 and an RSA key in Coffer and verifies with the exported public key; a
# bad URI makes it fail with the provider's error.
# Usage: example_test.sh COFFERD COFFER PROVIDER_DIR PRELOAD EXAMPLE
. "$(dirname "$0")/provider_env.sh"
example=$5
start_with_provider

check "make P-256 key" make_key ECC_NIST_P256 SIGN_VERIFY alias/example-ec >/dev/null
check "make RSA key" make_key RSA_3072 SIGN_VERIFY alias/example-rsa >/dev/null
# The example reads COFFER_ENDPOINT/COFFER_TLS: its own library context reads no openssl.cnf.
check "example signs with ECDSA" bash -c "'$example' coffer:alias/example-ec '$provider_dir' >ec.out 2>&1 &&
  grep -q 'signature verified' ec.out || { cat ec.out >&2; false; }"
check "example signs with RSA" bash -c "'$example' coffer:alias/example-rsa '$provider_dir' >rsa.out 2>&1 &&
  grep -q 'RSA, 3072 bits' rsa.out && grep -q 'signature verified' rsa.out || { cat rsa.out >&2; false; }"
check "example: unknown key fails clearly" bash -c "! '$example' coffer:alias/nope '$provider_dir' >nope.out 2>&1 &&
  grep -q 'key not found in Coffer' nope.out || { cat nope.out >&2; false; }"
finish
