// Checking digest signatures, and naming the key that made them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace coffer::core::audit {

// Lower-case hex SHA-256 of the key's DER SubjectPublicKeyInfo; nullopt if the PEM is not a
// public key.
std::optional<std::string> public_key_fingerprint(std::string_view public_key_pem);

// True when the algorithm is one verify_signature knows.
bool is_supported_signature_algorithm(std::string_view algorithm);

// True only when `signature` is a valid signature of `message` by the key under
// `algorithm`; any malformed input is simply false.
bool verify_signature(std::string_view public_key_pem, std::string_view algorithm,
                      std::span<const std::uint8_t> message,
                      std::span<const std::uint8_t> signature);

}  // namespace coffer::core::audit
