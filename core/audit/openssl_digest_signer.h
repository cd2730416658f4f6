// A DigestSigner over an OpenSSL private key in memory: for tests, development, and
// deployments without a token. cofferd in production signs in the token instead.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/audit/digest_signer.h"

namespace coffer::core::audit {

// From a PEM private key (PKCS#8 or traditional): EC keys sign ECDSA_SHA_256, RSA keys
// RSASSA_PKCS1_V1_5_SHA_256. Throws Error(kValidation) for anything else.
DigestSigner openssl_digest_signer(std::string_view private_key_pem);

// A new P-256 private key in PEM: for tests, benchmarks and development signers.
std::string generate_ec_private_key_pem();

// A DER SubjectPublicKeyInfo (as a token hands out) as a PEM public key. Throws
// Error(kInternal) when it does not parse.
std::string public_key_pem_from_der(std::span<const std::uint8_t> der);

}  // namespace coffer::core::audit
