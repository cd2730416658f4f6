#!/usr/bin/env bash
# The coffer CLI with asymmetric and HMAC keys (issue 6) against a real cofferd: sign and
# verify checked by `openssl dgst -verify` with the PEM from get-public-key; OpenSSL's
# RSA-OAEP (SHA-256) ciphertexts decrypted by Coffer; MACs; data key pairs to files whose
# private key matches the public one; failures with exit status 1 and the exception name.
# Usage: cli_signing_test.sh COFFERD COFFER
set -uo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"
start_cofferd "$cofferd"
cd "$work"

new_key() {  # new_key SPEC USAGE: prints the new key's id
  "$coffer" --json create-key --key-spec "$1" --key-usage "$2" | json_field 'd["keyMetadata"]["keyId"]'
}
expect_failure() {  # expect_failure STATUS PATTERN ARGS...
  local want=$1 pattern=$2
  shift 2
  local status=0
  "$coffer" "$@" >/dev/null 2>err.txt || status=$?
  if [ "$status" -ne "$want" ] || ! grep -q "$pattern" err.txt; then
    echo "  coffer $*: status $status, stderr: $(cat err.txt)" >&2
    return 1
  fi
}
same_file() { cmp -s "$1" "$2"; }

printf 'signed by the coffer CLI \x00\x01\xff' >msg.bin
openssl dgst -sha384 -binary msg.bin >msg.sha384

# ECC_NIST_P384: sign RAW and DIGEST; OpenSSL verifies with the PEM public key.
ec=$(new_key ECC_NIST_P384 SIGN_VERIFY)
check "create-key ECC_NIST_P384 SIGN_VERIFY" test -n "$ec"
check "get-public-key (PEM) to a file" "$coffer" get-public-key --key-id "$ec" --out ec.pem
check "the PEM is a P-384 public key" bash -c "openssl pkey -pubin -in ec.pem -text -noout | grep -q 'NIST CURVE: P-384'"
check "get-public-key --der is the same key" bash -c "'$coffer' get-public-key --key-id '$ec' --der --out ec.der &&
  openssl pkey -pubin -inform DER -in ec.der | cmp -s - ec.pem"
check "sign RAW" "$coffer" sign --key-id "$ec" --in msg.bin --signing-algorithm ECDSA_SHA_384 --out ec.sig
check "openssl dgst -verify accepts the RAW signature" openssl dgst -sha384 -verify ec.pem -signature ec.sig msg.bin
check "sign DIGEST" "$coffer" sign --key-id "$ec" --in msg.sha384 --message-type DIGEST \
  --signing-algorithm ECDSA_SHA_384 --out ec.digest.sig
check "openssl dgst -verify accepts the DIGEST signature" \
  openssl dgst -sha384 -verify ec.pem -signature ec.digest.sig msg.bin
check "verify --signature-file" "$coffer" verify --key-id "$ec" --in msg.bin --signing-algorithm ECDSA_SHA_384 \
  --signature-file ec.sig
check "verify --signature BASE64, as DIGEST" "$coffer" verify --key-id "$ec" --in msg.sha384 --message-type DIGEST \
  --signing-algorithm ECDSA_SHA_384 --signature "$(base64 -w0 ec.digest.sig)"
check "sign --base64 to stdout" bash -c "'$coffer' sign --key-id '$ec' --message hello --signing-algorithm ECDSA_SHA_384 \
  --base64 | base64 -d >hello.sig && printf hello | openssl dgst -sha384 -verify ec.pem -signature hello.sig"
# A signature OpenSSL made with its own key: Coffer does not accept it, exit 1.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out stranger.pem 2>/dev/null
openssl dgst -sha384 -sign stranger.pem -out stranger.sig msg.bin
check "another key's signature: exit 1, KMSInvalidSignatureException" expect_failure 1 \
  '^coffer: KMSInvalidSignatureException: ' verify --key-id "$ec" --in msg.bin --signing-algorithm ECDSA_SHA_384 \
  --signature-file stranger.sig
printf 'tampered' >other.bin
check "wrong message: exit 1" expect_failure 1 '^coffer: KMSInvalidSignatureException: ' \
  verify --key-id "$ec" --in other.bin --signing-algorithm ECDSA_SHA_384 --signature-file ec.sig
check "an algorithm of another curve: InvalidKeyUsageException" expect_failure 1 '^coffer: InvalidKeyUsageException: ' \
  sign --key-id "$ec" --in msg.bin --signing-algorithm ECDSA_SHA_256 --out x.sig
check "a digest of the wrong length: ValidationException" expect_failure 1 '^coffer: ValidationException: ' \
  sign --key-id "$ec" --in msg.bin --message-type DIGEST --signing-algorithm ECDSA_SHA_384 --out x.sig
check "enable-key-rotation: UnsupportedOperationException" expect_failure 1 \
  '^coffer: UnsupportedOperationException: ' enable-key-rotation --key-id "$ec"
check "no binary signature to a terminal (usage error)" bash -c \
  "script -qec \"'$coffer' sign --key-id '$ec' --message x --signing-algorithm ECDSA_SHA_384\" /dev/null | grep -q 'use --out FILE or --base64'"

# RSA_2048 SIGN_VERIFY: PSS and PKCS#1 v1.5, verified by OpenSSL.
rsa=$(new_key RSA_2048 SIGN_VERIFY)
"$coffer" get-public-key --key-id "$rsa" --out rsa.pem >/dev/null
check "sign RSASSA_PSS_SHA_256" "$coffer" sign --key-id "$rsa" --in msg.bin --signing-algorithm RSASSA_PSS_SHA_256 \
  --out rsa.pss.sig
check "openssl verifies PSS (salt = digest length)" openssl dgst -sha256 -sigopt rsa_padding_mode:pss \
  -sigopt rsa_pss_saltlen:32 -verify rsa.pem -signature rsa.pss.sig msg.bin
check "sign RSASSA_PKCS1_V1_5_SHA_384" "$coffer" sign --key-id "$rsa" --in msg.bin \
  --signing-algorithm RSASSA_PKCS1_V1_5_SHA_384 --out rsa.pkcs1.sig
check "openssl verifies PKCS#1 v1.5" openssl dgst -sha384 -verify rsa.pem -signature rsa.pkcs1.sig msg.bin
check "--json sign parses" bash -c "'$coffer' --json sign --key-id '$rsa' --message x \
  --signing-algorithm RSASSA_PSS_SHA_512 | python3 -c 'import json,sys; json.load(sys.stdin)'"

# RSA_2048 ENCRYPT_DECRYPT: OpenSSL encrypts with OAEP SHA-256 to the public key, Coffer
# decrypts; Coffer encrypts, OpenSSL cannot decrypt (no private key) but Coffer can.
crypt=$(new_key RSA_2048 ENCRYPT_DECRYPT)
"$coffer" get-public-key --key-id "$crypt" --out crypt.pem >/dev/null
head -c 190 /dev/urandom >secret.bin
check "openssl pkeyutl -encrypt OAEP SHA-256" openssl pkeyutl -encrypt -pubin -inkey crypt.pem -in secret.bin \
  -out secret.oaep -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
check "coffer decrypts OpenSSL's OAEP ciphertext" "$coffer" decrypt --in secret.oaep --key-id "$crypt" \
  --encryption-algorithm RSAES_OAEP_SHA_256 --out secret.out
check "the plaintext is the same" same_file secret.bin secret.out
check "coffer encrypt RSAES_OAEP_SHA_256" "$coffer" encrypt --key-id "$crypt" --in secret.bin \
  --encryption-algorithm RSAES_OAEP_SHA_256 --out secret.coffer
check "its ciphertext is the bare 256-byte OAEP block" test "$(stat -c %s secret.coffer)" = 256
check "and decrypts back" bash -c "'$coffer' decrypt --in secret.coffer --key-id '$crypt' \
  --encryption-algorithm RSAES_OAEP_SHA_256 --out secret.round && cmp -s secret.bin secret.round"
check "the wrong OAEP digest: InvalidCiphertextException" expect_failure 1 '^coffer: InvalidCiphertextException: ' \
  decrypt --in secret.oaep --key-id "$crypt" --encryption-algorithm RSAES_OAEP_SHA_1 --out x.out
head -c 191 /dev/urandom >toolong.bin
check "191 bytes is too long for OAEP SHA-256: ValidationException" expect_failure 1 '^coffer: ValidationException: ' \
  encrypt --key-id "$crypt" --in toolong.bin --encryption-algorithm RSAES_OAEP_SHA_256 --out x.out
check "signing with an encryption key: InvalidKeyUsageException" expect_failure 1 \
  '^coffer: InvalidKeyUsageException: ' sign --key-id "$crypt" --in msg.bin --signing-algorithm RSASSA_PSS_SHA_256 \
  --out x.sig

# HMAC_512: generate-mac and verify-mac.
hmac=$(new_key HMAC_512 GENERATE_VERIFY_MAC)
check "generate-mac" "$coffer" generate-mac --key-id "$hmac" --in msg.bin --mac-algorithm HMAC_SHA_512 --out msg.mac
check "a 64-byte MAC" test "$(stat -c %s msg.mac)" = 64
check "verify-mac --mac-file" "$coffer" verify-mac --key-id "$hmac" --in msg.bin --mac-algorithm HMAC_SHA_512 \
  --mac-file msg.mac
check "verify-mac --mac BASE64" "$coffer" verify-mac --key-id "$hmac" --in msg.bin --mac-algorithm HMAC_SHA_512 \
  --mac "$(base64 -w0 msg.mac)"
check "generate-mac --base64 is the same MAC" test \
  "$("$coffer" generate-mac --key-id "$hmac" --in msg.bin --mac-algorithm HMAC_SHA_512 --base64)" = "$(base64 -w0 msg.mac)"
check "a wrong MAC: exit 1, KMSInvalidMacException" expect_failure 1 '^coffer: KMSInvalidMacException: ' \
  verify-mac --key-id "$hmac" --in other.bin --mac-algorithm HMAC_SHA_512 --mac-file msg.mac
check "another MAC algorithm: InvalidKeyUsageException" expect_failure 1 '^coffer: InvalidKeyUsageException: ' \
  generate-mac --key-id "$hmac" --in msg.bin --mac-algorithm HMAC_SHA_256 --out x.mac
check "rotate-key-on-demand: UnsupportedOperationException" expect_failure 1 \
  '^coffer: UnsupportedOperationException: ' rotate-key-on-demand --key-id "$hmac"

# Data key pairs: the sealed private key decrypts to the PKCS#8 file, whose public half is
# the public key file.
sym=$("$coffer" --json create-key | json_field 'd["keyMetadata"]["keyId"]')
check "generate-data-key-pair ECC_NIST_P256 to files" "$coffer" generate-data-key-pair --key-id "$sym" \
  --key-pair-spec ECC_NIST_P256 --encryption-context app=cli --ciphertext-out pair.enc --public-key-out pair.pub.der \
  --private-key-out pair.key.der
check "the private key file is private" test "$(stat -c %a pair.key.der)" = 600
check "decrypt of the sealed private key is the PKCS#8 file" bash -c "'$coffer' decrypt --in pair.enc \
  --encryption-context app=cli --out pair.key.round && cmp -s pair.key.der pair.key.round"
check "the private key's public half is the public key file" bash -c \
  "openssl pkey -inform DER -in pair.key.der -pubout -outform DER | cmp -s - pair.pub.der"
check "the pair signs and verifies with OpenSSL" bash -c "openssl dgst -sha256 -keyform DER -sign pair.key.der \
  -out pair.sig msg.bin && openssl dgst -sha256 -keyform DER -verify pair.pub.der -signature pair.sig msg.bin"
check "generate-data-key-pair-without-plaintext RSA_2048" "$coffer" generate-data-key-pair-without-plaintext \
  --key-id "$sym" --key-pair-spec RSA_2048 --ciphertext-out rpair.enc --public-key-out rpair.pub.der
check "its sealed private key matches its public key" bash -c "'$coffer' decrypt --in rpair.enc --out rpair.key.der &&
  openssl pkey -inform DER -in rpair.key.der -pubout -outform DER | cmp -s - rpair.pub.der"
check "a pair under an asymmetric key: InvalidKeyUsageException" expect_failure 1 \
  '^coffer: InvalidKeyUsageException: ' generate-data-key-pair --key-id "$ec" --key-pair-spec ECC_NIST_P256 \
  --ciphertext-out x.enc --public-key-out x.pub --private-key-out x.key
check "an unknown key pair spec: ValidationException" expect_failure 1 '^coffer: ValidationException: ' \
  generate-data-key-pair --key-id "$sym" --key-pair-spec HMAC_256 --ciphertext-out x.enc --public-key-out x.pub \
  --private-key-out x.key

# A disabled key.
check "disable-key" "$coffer" disable-key --key-id "$ec"
check "sign with a disabled key: DisabledException" expect_failure 1 '^coffer: DisabledException: ' \
  sign --key-id "$ec" --in msg.bin --signing-algorithm ECDSA_SHA_384 --out x.sig
check "usage: verify without a signature" expect_failure 2 'signature' verify --key-id "$ec" --in msg.bin \
  --signing-algorithm ECDSA_SHA_384

check "cofferd stops cleanly on SIGTERM" stop_cofferd
finish
