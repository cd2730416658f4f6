#!/usr/bin/env bash
# `openssl req -new -x509 -key coffer:…` makes a self-signed certificate whose signature
# verifies with the key's public half, for RSA (PKCS#1 v1.5 and PSS) and ECDSA P-256, and
# whose public key is Coffer's; a certificate request signed in Coffer verifies too. (The
# certificate-key match that servers check is in tls_server_test.sh and the example.)
# Usage: x509_req_test.sh COFFERD COFFER PROVIDER_DIR PRELOAD
. "$(dirname "$0")/provider_env.sh"
start_with_provider

check "make RSA key" make_key RSA_2048 SIGN_VERIFY alias/web-rsa >/dev/null
check "make P-256 key" make_key ECC_NIST_P256 SIGN_VERIFY alias/web-ec >/dev/null
for key in web-rsa web-ec; do
  check "pubout $key" ossl pkey -in "coffer:alias/$key" -pubout -out "$key.pub.pem"
done

# cert_case NAME KEY [SIGOPT...]
cert_case() {
  local name=$1 key=$2
  shift 2
  local opts=()
  local o
  for o in "$@"; do opts+=(-sigopt "$o"); done
  check "req -x509 $name" ossl req -new -x509 -key "coffer:alias/$key" -subj "/CN=$name.test" \
    -days 30 -sha256 "${opts[@]}" -out "$name.pem"
  check "$name: certificate verifies (self-signed)" bash -c \
    "OPENSSL_CONF=/dev/null openssl verify -CAfile $name.pem $name.pem | grep -q ': OK$'"
  plain_openssl x509 -in "$name.pem" -noout -pubkey >"$name.certpub.pem"
  check "$name: certificate key is Coffer's" cmp "$name.certpub.pem" "$key.pub.pem"
}
cert_case rsa-pkcs1 web-rsa
cert_case rsa-pss web-rsa rsa_padding_mode:pss rsa_pss_saltlen:digest
cert_case ecdsa web-ec
check "RSA-PSS certificate is signed with rsassaPss" bash -c \
  "OPENSSL_CONF=/dev/null openssl x509 -in rsa-pss.pem -noout -text | grep -q 'Signature Algorithm: rsassaPss'"
check "ECDSA certificate is signed with ecdsa-with-SHA256" bash -c \
  "OPENSSL_CONF=/dev/null openssl x509 -in ecdsa.pem -noout -text | grep -q 'Signature Algorithm: ecdsa-with-SHA256'"

check "req -new (CSR)" ossl req -new -key coffer:alias/web-ec -subj /CN=csr.test -out ec.csr
check "CSR verifies without the provider" bash -c \
  "OPENSSL_CONF=/dev/null openssl req -in ec.csr -noout -verify 2>&1 | grep -qi 'verify OK'"
finish
