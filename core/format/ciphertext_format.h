// The KMS ciphertext blob (docs/FORMAT.md, "Ciphertext blob"). Version 1:
//
//   magic "CFR" | format version 0x01 | key id length (1 byte) | key id |
//   key version (u32 BE) | IV (12 bytes) | AES-256-GCM ciphertext | tag (16 bytes)
//
// The header (magic through key version) is authenticated: it is the first part of the
// AAD, followed by the canonical encryption context.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/model/encryption_context.h"
#include "pkcs11/key_spec.h"

namespace coffer::core {

inline constexpr std::uint8_t kCiphertextFormatV1 = 0x01;
inline constexpr std::size_t kGcmIvSize = 12;
inline constexpr std::size_t kGcmTagSize = 16;
inline constexpr std::size_t kMaxCiphertextBlob = 6144;

struct CiphertextHeader {
  std::string key_id;
  std::uint32_t key_version = 0;
};

// A parsed blob; its spans point into the input.
struct ParsedCiphertext {
  CiphertextHeader header;
  std::span<const std::uint8_t> header_bytes;  // authenticated as AAD
  std::span<const std::uint8_t> iv;
  std::span<const std::uint8_t> sealed;  // ciphertext || tag
};

pkcs11::Bytes encode_header(const CiphertextHeader& header);
// header || iv || sealed
pkcs11::Bytes assemble_blob(std::span<const std::uint8_t> header, std::span<const std::uint8_t> iv,
                            std::span<const std::uint8_t> sealed);
// Throws InvalidCiphertextException for anything that is not a well-formed blob; never
// reads outside `blob`.
[[nodiscard]] ParsedCiphertext parse_blob(std::span<const std::uint8_t> blob);

// The key id a blob's header names, checking only the header's first fields (request quotas
// read it before any work); empty when they are not well formed. A view into `blob`.
std::string_view key_id_in_header(std::span<const std::uint8_t> blob) noexcept;

// AAD = header bytes || canonical context.
pkcs11::Bytes additional_data(std::span<const std::uint8_t> header_bytes,
                              const EncryptionContext& context);

}  // namespace coffer::core
