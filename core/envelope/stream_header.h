// The header of an envelope stream or record (docs/FORMAT.md, "Envelope stream, version 1"):
//
//   prefix:  magic "CFE" | version 0x01 | kind | segment shift | n | n x (u16 length,
//            encrypted data key) | u32 length, canonical encryption context
//   then:    salt (24 bytes) | key commitment (32 bytes)
//
// The prefix is the C2SP "context" of the key derivation, so every byte of the header is
// authenticated by the commitment check: change one and the stream does not open.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/model/encryption_context.h"

namespace coffer::core::envelope {

inline constexpr std::uint8_t kEnvelopeFormatV1 = 0x01;
inline constexpr std::size_t kSaltSize = 24;
inline constexpr std::size_t kCommitmentSize = 32;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kMaxEncryptedKeys = 16;
inline constexpr std::size_t kMaxEncryptedKeySize = 6144;  // a KMS ciphertext blob
inline constexpr std::size_t kMaxContextEncoding = 128 * 1024;
// Segments are 2^shift bytes: 16 KiB (C2SP's own size) to 16 MiB; 64 KiB by default.
inline constexpr unsigned kMinSegmentShift = 14;
inline constexpr unsigned kMaxSegmentShift = 24;
inline constexpr unsigned kDefaultSegmentShift = 16;

enum class EnvelopeKind : std::uint8_t { kStream = 0x01, kRecord = 0x02 };

struct HeaderFields {
  EnvelopeKind kind = EnvelopeKind::kStream;
  unsigned segment_shift = kDefaultSegmentShift;  // streams only; 0 in a record
  std::vector<Bytes> encrypted_keys;
  EncryptionContext context;
};

// prefix || salt || commitment.
Bytes encode_prefix(const HeaderFields& fields);

struct ParsedHeader {
  HeaderFields fields;
  std::span<const std::uint8_t> prefix;  // into the input
  std::span<const std::uint8_t> salt;
  std::span<const std::uint8_t> commitment;
  std::size_t size = 0;  // prefix + salt + commitment
  std::size_t segment_size() const { return std::size_t{1} << fields.segment_shift; }
};

// Parses a header at the front of `bytes`. nullopt: well-formed so far but incomplete
// (read more). Throws InvalidCiphertextException for anything malformed, never reads
// outside `bytes`, and needs at most kMaxHeaderSize bytes to decide.
[[nodiscard]] std::optional<ParsedHeader> parse_header(std::span<const std::uint8_t> bytes);
inline constexpr std::size_t kMaxHeaderSize = 7 + kMaxEncryptedKeys * (2 + kMaxEncryptedKeySize) +
                                              4 + kMaxContextEncoding + kSaltSize + kCommitmentSize;

// The inverse of append_canonical; throws InvalidCiphertextException unless `bytes` is
// exactly one canonical encoding (keys in strictly ascending order, no trailing bytes).
[[nodiscard]] EncryptionContext decode_canonical_context(std::span<const std::uint8_t> bytes);

}  // namespace coffer::core::envelope
