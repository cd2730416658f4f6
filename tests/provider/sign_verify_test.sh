#!/usr/bin/env bash
# Signatures through the provider with the real openssl CLI, checked by the default
# provider alone against the public key: `pkeyutl -sign` of a ready digest and `dgst -sign`
# of a message, for RSA PKCS#1 v1.5, RSA-PSS (salt = digest length) and ECDSA P-256 (SHA-256) and P-384 (SHA-384);
# `pkeyutl -verify` through the provider; `pkey -pubout` equals Coffer's public key.
# Usage: sign_verify_test.sh COFFERD COFFER PROVIDER_DIR PRELOAD
. "$(dirname "$0")/provider_env.sh"
start_with_provider

check "make RSA key" make_key RSA_2048 SIGN_VERIFY alias/rsa-sign >/dev/null
check "make P-256 key" make_key ECC_NIST_P256 SIGN_VERIFY alias/ec-sign >/dev/null
check "make P-384 key" make_key ECC_NIST_P384 SIGN_VERIFY alias/ec384-sign >/dev/null

head -c 5000 /dev/urandom >msg.bin
plain_openssl dgst -sha256 -binary msg.bin >msg.sha256
plain_openssl dgst -sha384 -binary msg.bin >msg.sha384

for key in rsa-sign ec-sign ec384-sign; do
  check "pkey -pubout $key" ossl pkey -in "coffer:alias/$key" -pubout -out "$key.pub.pem"
  check "$key public key is Coffer's" bash -c "'$coffer' get-public-key --key-id alias/$key --der --out $key.der >/dev/null &&
    openssl pkey -pubin -inform DER -in $key.der -outform PEM | cmp - $key.pub.pem"
done

# sign_case NAME KEY DIGEST_FILE MD [PKEYOPT...]: pkeyutl -sign, verified without Coffer.
sign_case() {
  local name=$1 key=$2 digest=$3 md=$4
  shift 4
  local opts=(-pkeyopt "digest:$md")
  local o
  for o in "$@"; do opts+=(-pkeyopt "$o"); done
  check "pkeyutl -sign $name" ossl pkeyutl -sign -inkey "coffer:alias/$key" -in "$digest" \
    -out "$name.sig" "${opts[@]}"
  check "$name verifies with the public key" plain_openssl pkeyutl -verify -pubin \
    -inkey "$key.pub.pem" -in "$digest" -sigfile "$name.sig" "${opts[@]}"
  check "$name verifies through the provider" ossl pkeyutl -verify -inkey "coffer:alias/$key" \
    -in "$digest" -sigfile "$name.sig" "${opts[@]}"
}
sign_case rsa-pkcs1 rsa-sign msg.sha256 sha256
sign_case rsa-pss rsa-sign msg.sha256 sha256 rsa_padding_mode:pss rsa_pss_saltlen:digest
sign_case ecdsa-p256 ec-sign msg.sha256 sha256
sign_case ecdsa-p384-key ec384-sign msg.sha384 sha384

# dgst_case NAME KEY MD [SIGOPT...]: digest-and-sign of the whole message.
dgst_case() {
  local name=$1 key=$2 md=$3
  shift 3
  local opts=()
  local o
  for o in "$@"; do opts+=(-sigopt "$o"); done
  check "dgst -sign $name" ossl dgst "-$md" -sign "coffer:alias/$key" "${opts[@]}" \
    -out "$name.dgst.sig" msg.bin
  check "dgst $name verifies with the public key" plain_openssl dgst "-$md" \
    -verify "$key.pub.pem" "${opts[@]}" -signature "$name.dgst.sig" msg.bin
}
dgst_case rsa-pkcs1-sha256 rsa-sign sha256
dgst_case rsa-pkcs1-sha512 rsa-sign sha512
dgst_case rsa-pss-sha256 rsa-sign sha256 rsa_padding_mode:pss rsa_pss_saltlen:digest
dgst_case rsa-pss-sha384 rsa-sign sha384 rsa_padding_mode:pss rsa_pss_saltlen:digest
dgst_case ecdsa-sha256 ec-sign sha256
dgst_case ecdsa-p384-sha384 ec384-sign sha384

# A wrong signature is refused, through the provider as without it.
cp rsa-pkcs1.sig bad.sig && printf '\001' | dd of=bad.sig bs=1 seek=10 conv=notrunc 2>/dev/null
check "tampered signature is refused" fails ossl pkeyutl -verify -inkey coffer:alias/rsa-sign \
  -in msg.sha256 -sigfile bad.sig -pkeyopt digest:sha256

# AWS pairs each curve with its digest: P-256 signs SHA-256 only.
status=0
ossl dgst -sha512 -sign coffer:alias/ec-sign -out x.sig msg.bin 2>err.txt || status=$?
check "P-256 with SHA-512 is refused" test "$status" -ne 0
check "... naming Coffer's reason" grep -q "InvalidKeyUsageException: SigningAlgorithm ECDSA_SHA_512" err.txt

# PSS with OpenSSL's default salt (the maximum) cannot be made by Coffer: a clear error.
status=0
ossl pkeyutl -sign -inkey coffer:alias/rsa-sign -in msg.sha256 -out x.sig -pkeyopt digest:sha256 \
  -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:max 2>err.txt || status=$?
check "PSS with the maximum salt fails" test "$status" -ne 0
check "... saying why" grep -q "salt is the digest length" err.txt
finish
