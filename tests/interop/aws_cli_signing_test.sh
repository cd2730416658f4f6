#!/usr/bin/env bash
# The aws CLI against Coffer's AWS JSON API: asymmetric and HMAC keys (issue 6). Signatures
# made by `aws kms sign` are checked by `openssl dgst -verify` with the key from
# `aws kms get-public-key`. Usage: aws_cli_signing_test.sh COFFERD
set -uo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }
start_cofferd "$1"
kms() { "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" kms "$@"; }
fails_with() {  # fails_with EXCEPTION COMMAND...: the command fails naming the exception
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then echo "unexpected success: $out" >&2; return 1; fi
  grep -q "$name" <<<"$out" || { echo "expected $name, got: $out" >&2; return 1; }
}
unbase64() { base64 -d >"$1"; }  # unbase64 FILE: stdin (base64 text) to FILE (bytes)

printf 'signed by the aws CLI \x00\x01\xff' >"$work/msg.bin"
openssl dgst -sha256 -binary "$work/msg.bin" >"$work/msg.sha256"

# ECC_NIST_P256: sign RAW and DIGEST, verify with Coffer and with OpenSSL.
ec=$(kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --query KeyMetadata.KeyId --output text)
check "create-key ECC_NIST_P256" test -n "$ec"
check "describe-key lists ECDSA_SHA_256" test \
  "$(kms describe-key --key-id "$ec" --query 'KeyMetadata.SigningAlgorithms' --output text)" = ECDSA_SHA_256
kms get-public-key --key-id "$ec" --query PublicKey --output text | unbase64 "$work/ec.der"
check "get-public-key is a P-256 SubjectPublicKeyInfo" bash -c \
  "openssl pkey -pubin -inform DER -in '$work/ec.der' -text -noout | grep -q 'NIST CURVE: P-256'"
openssl pkey -pubin -inform DER -in "$work/ec.der" -out "$work/ec.pem"
kms sign --key-id "$ec" --message "fileb://$work/msg.bin" --message-type RAW --signing-algorithm ECDSA_SHA_256 \
  --query Signature --output text | unbase64 "$work/ec.raw.sig"
check "openssl verifies the RAW ECDSA signature" \
  openssl dgst -sha256 -verify "$work/ec.pem" -signature "$work/ec.raw.sig" "$work/msg.bin"
kms sign --key-id "$ec" --message "fileb://$work/msg.sha256" --message-type DIGEST \
  --signing-algorithm ECDSA_SHA_256 --query Signature --output text | unbase64 "$work/ec.digest.sig"
check "openssl verifies the DIGEST ECDSA signature" \
  openssl dgst -sha256 -verify "$work/ec.pem" -signature "$work/ec.digest.sig" "$work/msg.bin"
check "aws kms verify RAW" test "$(kms verify --key-id "$ec" --message "fileb://$work/msg.bin" \
  --signature "fileb://$work/ec.digest.sig" --signing-algorithm ECDSA_SHA_256 --query SignatureValid --output text)" = True
check "aws kms verify DIGEST" test "$(kms verify --key-id "$ec" --message "fileb://$work/msg.sha256" \
  --message-type DIGEST --signature "fileb://$work/ec.raw.sig" --signing-algorithm ECDSA_SHA_256 \
  --query SignatureValid --output text)" = True
# A signature made by OpenSSL with a key Coffer does not hold.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/stranger.pem" 2>/dev/null
openssl dgst -sha256 -sign "$work/stranger.pem" -out "$work/stranger.sig" "$work/msg.bin"
check "another key's signature is KMSInvalidSignatureException" fails_with KMSInvalidSignatureException \
  kms verify --key-id "$ec" --message "fileb://$work/msg.bin" --signature "fileb://$work/stranger.sig" \
  --signing-algorithm ECDSA_SHA_256
check "a digest of the wrong length is ValidationException" fails_with ValidationException \
  kms sign --key-id "$ec" --message "fileb://$work/msg.bin" --message-type DIGEST --signing-algorithm ECDSA_SHA_256
check "enable-key-rotation of an ECC key is UnsupportedOperationException" fails_with UnsupportedOperationException \
  kms enable-key-rotation --key-id "$ec"

# RSA_2048: PSS and PKCS#1 v1.5, verified by OpenSSL.
rsa=$(kms create-key --key-spec RSA_2048 --key-usage SIGN_VERIFY --query KeyMetadata.KeyId --output text)
kms get-public-key --key-id "$rsa" --query PublicKey --output text | unbase64 "$work/rsa.der"
openssl pkey -pubin -inform DER -in "$work/rsa.der" -out "$work/rsa.pem"
kms sign --key-id "$rsa" --message "fileb://$work/msg.bin" --signing-algorithm RSASSA_PSS_SHA_256 \
  --query Signature --output text | unbase64 "$work/rsa.pss.sig"
check "openssl verifies RSASSA_PSS_SHA_256 (salt = digest length)" openssl dgst -sha256 -sigopt rsa_padding_mode:pss \
  -sigopt rsa_pss_saltlen:32 -verify "$work/rsa.pem" -signature "$work/rsa.pss.sig" "$work/msg.bin"
kms sign --key-id "$rsa" --message "fileb://$work/msg.bin" --signing-algorithm RSASSA_PKCS1_V1_5_SHA_512 \
  --query Signature --output text | unbase64 "$work/rsa.pkcs1.sig"
check "openssl verifies RSASSA_PKCS1_V1_5_SHA_512" \
  openssl dgst -sha512 -verify "$work/rsa.pem" -signature "$work/rsa.pkcs1.sig" "$work/msg.bin"
check "the PSS signature is not a PKCS#1 v1.5 one" fails_with KMSInvalidSignatureException \
  kms verify --key-id "$rsa" --message "fileb://$work/msg.bin" --signature "fileb://$work/rsa.pss.sig" \
  --signing-algorithm RSASSA_PKCS1_V1_5_SHA_256

# HMAC_256: generate-mac and verify-mac, and OpenSSL cannot forge without the key.
hmac=$(kms create-key --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC --query KeyMetadata.KeyId --output text)
kms generate-mac --key-id "$hmac" --message "fileb://$work/msg.bin" --mac-algorithm HMAC_SHA_256 \
  --query Mac --output text | unbase64 "$work/msg.mac"
check "generate-mac gives 32 bytes" test "$(stat -c %s "$work/msg.mac")" = 32
check "verify-mac" test "$(kms verify-mac --key-id "$hmac" --message "fileb://$work/msg.bin" \
  --mac "fileb://$work/msg.mac" --mac-algorithm HMAC_SHA_256 --query MacValid --output text)" = True
openssl dgst -sha256 -mac HMAC -macopt hexkey:00 -binary "$work/msg.bin" >"$work/forged.mac"
check "a MAC under another key is KMSInvalidMacException" fails_with KMSInvalidMacException \
  kms verify-mac --key-id "$hmac" --message "fileb://$work/msg.bin" --mac "fileb://$work/forged.mac" \
  --mac-algorithm HMAC_SHA_256
check "rotate-key-on-demand of an HMAC key is UnsupportedOperationException" fails_with UnsupportedOperationException \
  kms rotate-key-on-demand --key-id "$hmac"
check "sign with an HMAC key is InvalidKeyUsageException" fails_with InvalidKeyUsageException \
  kms sign --key-id "$hmac" --message "fileb://$work/msg.bin" --signing-algorithm ECDSA_SHA_256
finish
