// Who signs digests. In production cofferd signs inside the PKCS#11 token (ECDSA P-256 with
// SHA-256, the DER signature as OpenSSL produces it); tests and development use an OpenSSL
// key (openssl_digest_signer.h). The audit library never sees the private key.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace coffer::core::audit {

struct DigestSigner {
  // As KMS names signing algorithms: "ECDSA_SHA_256" or "RSASSA_PKCS1_V1_5_SHA_256".
  std::string algorithm;
  std::string public_key_pem;  // SubjectPublicKeyInfo
  // Signs `message` (the whole message: the signer hashes it). May throw; the digest is then
  // not written and is tried again at the next digest.
  std::function<std::vector<std::uint8_t>(std::span<const std::uint8_t> message)> sign;
};

}  // namespace coffer::core::audit
