#!/usr/bin/env bash
# `openssl pkeyutl -decrypt` with an RSA key in Coffer: data encrypted with the public key
# by the default provider (OAEP SHA-256 and SHA-1) decrypts to the plaintext; what Coffer
# cannot do (PKCS#1 v1.5 padding, a label, a signing key) fails with a readable error.
# Usage: rsa_oaep_decrypt_test.sh COFFERD COFFER PROVIDER_DIR PRELOAD
. "$(dirname "$0")/provider_env.sh"
start_with_provider

check "make RSA decryption key" make_key RSA_2048 ENCRYPT_DECRYPT alias/rsa-enc >/dev/null
check "make RSA signing key" make_key RSA_2048 SIGN_VERIFY alias/rsa-sig >/dev/null
check "pubout" ossl pkey -in coffer:alias/rsa-enc -pubout -out enc.pub.pem
check "pubout (signing key)" ossl pkey -in coffer:alias/rsa-sig -pubout -out sig.pub.pem
head -c 150 /dev/urandom >plain.bin

# oaep_case MD: encrypt without the provider, decrypt through it.
oaep_case() {
  local md=$1
  local opts=(-pkeyopt rsa_padding_mode:oaep -pkeyopt "rsa_oaep_md:$md" -pkeyopt "rsa_mgf1_md:$md")
  check "encrypt OAEP $md (public key, default provider)" plain_openssl pkeyutl -encrypt -pubin \
    -inkey enc.pub.pem -in plain.bin -out "$md.enc" "${opts[@]}"
  check "decrypt OAEP $md through Coffer" ossl pkeyutl -decrypt -inkey coffer:alias/rsa-enc \
    -in "$md.enc" -out "$md.dec" "${opts[@]}"
  check "OAEP $md plaintext round trip" cmp plain.bin "$md.dec"
}
oaep_case sha256
oaep_case sha1

# expect_error WHAT PATTERN ARGS...: openssl fails and stderr matches.
expect_error() {
  local what=$1 pattern=$2
  shift 2
  local status=0
  ossl "$@" >/dev/null 2>err.txt || status=$?
  if [ "$status" -eq 0 ] || ! grep -q "$pattern" err.txt; then
    echo "  $what: status $status, stderr: $(cat err.txt)" >&2
    return 1
  fi
}
check "PKCS#1 v1.5 decryption is refused" expect_error pkcs1 "OAEP padding only" \
  pkeyutl -decrypt -inkey coffer:alias/rsa-enc -in sha256.enc -pkeyopt rsa_padding_mode:pkcs1
check "an OAEP label is refused" expect_error label "takes no label" \
  pkeyutl -decrypt -inkey coffer:alias/rsa-enc -in sha256.enc -pkeyopt rsa_padding_mode:oaep \
  -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_oaep_label:0011
plain_openssl pkeyutl -encrypt -pubin -inkey sig.pub.pem -in plain.bin -out sig.enc \
  -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
check "a signing key does not decrypt" expect_error usage "InvalidKeyUsageException" \
  pkeyutl -decrypt -inkey coffer:alias/rsa-sig -in sig.enc -pkeyopt rsa_padding_mode:oaep \
  -pkeyopt rsa_oaep_md:sha256
finish
