// Which algorithms each key spec allows (as AWS KMS lists them in KeyMetadata) and how an
// algorithm name maps onto what the token runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/key_enums.h"
#include "pkcs11/key_spec.h"

namespace coffer::core {

std::vector<std::string> signing_algorithms(KeySpec spec, KeyUsage usage);
std::vector<std::string> mac_algorithms(KeySpec spec, KeyUsage usage);

// The token algorithm for a SigningAlgorithmSpec on a key of `spec`. Throws
// ValidationException for a name AWS does not know and InvalidKeyUsageException for one
// the key does not allow. `digest` is MessageType DIGEST.
pkcs11::SignAlgorithm signing_algorithm_for(KeySpec spec, std::string_view name, bool digest);
// MessageType RAW | DIGEST (absent = RAW); ValidationException otherwise.
bool is_digest_message(const std::optional<std::string>& message_type);
// The digest of a MacAlgorithmSpec for an HMAC key of `spec` (same errors as above).
pkcs11::Digest mac_digest_for(KeySpec spec, std::string_view name);
// RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 → the OAEP digest; SYMMETRIC_DEFAULT and the
// rest → InvalidKeyUsageException for an RSA key, ValidationException if unknown.
pkcs11::Digest oaep_digest_for(KeySpec spec, std::string_view name);
// The largest plaintext RSA-OAEP takes with this key and digest (k − 2·hLen − 2).
std::size_t oaep_max_plaintext(KeySpec spec, pkcs11::Digest digest);
std::size_t rsa_modulus_bytes(KeySpec spec);

}  // namespace coffer::core
