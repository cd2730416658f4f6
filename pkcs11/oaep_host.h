// RSA-OAEP padding on the host, for tokens whose OAEP supports SHA-1 only: the public
// operation runs in OpenSSL, the private one as raw RSA (CKM_RSA_X_509) in the token with
// the padding checked here.
#pragma once

#include <optional>
#include <span>

#include "common/secret_bytes.h"
#include "pkcs11/key_spec.h"

namespace coffer::pkcs11 {

// OAEP(digest, MGF1(digest)) encryption under a DER SubjectPublicKeyInfo.
Bytes oaep_encrypt_on_host(std::span<const std::uint8_t> spki_der, Digest digest,
                           std::span<const std::uint8_t> plaintext);
// Checks the padding of a raw RSA result (modulus-length encoded message) in constant time;
// nullopt when it does not check.
std::optional<SecretBytes> oaep_decode(std::span<const std::uint8_t> encoded, Digest digest);

}  // namespace coffer::pkcs11
