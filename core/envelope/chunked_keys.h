// Key derivation of C2SP chunked encryption (c2sp.org/chunked-encryption, Cobblestone-256):
//
//   key || base nonce || commitment = HKDF-Expand-SHA-512(prk = input key,
//       info = "c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM" || 0x00 || salt || context)
//
// One fresh (key, base nonce) per salt, so a data key shared by many messages (the cache)
// never repeats a GCM nonce; the commitment binds the input key, salt and context.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "common/secret_bytes.h"

namespace coffer::core::envelope {

inline constexpr std::size_t kDataKeySize = 32;
inline constexpr std::size_t kNonceSize = 12;

struct ChunkedKeys {
  SecretBytes key;  // AES-256
  std::array<std::uint8_t, kNonceSize> base_nonce{};
  std::array<std::uint8_t, 32> commitment{};
};

// Throws ValidationException unless the input key is 32 bytes and the salt 24.
ChunkedKeys derive_chunked_keys(std::span<const std::uint8_t> input_key,
                                std::span<const std::uint8_t> salt,
                                std::span<const std::uint8_t> context);

// Constant-time comparison of the derived commitment with the one a ciphertext carries;
// throws InvalidCiphertextException when they differ (wrong key, context or header).
void check_commitment(const ChunkedKeys& keys, std::span<const std::uint8_t> commitment);

// HKDF-Expand (RFC 5869, section 2.3) with SHA-512.
void hkdf_expand_sha512(std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                        std::span<std::uint8_t> out);

}  // namespace coffer::core::envelope
