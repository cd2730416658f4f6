// AES-256-GCM over the segments of one message, C2SP style: segment i is sealed with the
// derived key and nonce = base nonce XOR i (big-endian), no AAD. Every segment is full
// (segment_size bytes) except the last, which is shorter and may be empty: a short segment
// ends the message, so truncation, reordering, duplication and extension all fail a tag.
//
// Thread-safe: each call borrows an EVP_CIPHER_CTX already keyed for this message, so a
// segment costs one IV set-up, not a key schedule. The contexts (and the key schedules in
// them) are freed, and so wiped, with the SegmentCipher.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "core/envelope/chunked_keys.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace coffer::core::envelope {

// C2SP: at most 2^38 segments per message.
inline constexpr std::uint64_t kMaxSegments = std::uint64_t{1} << 38;

class SegmentCipher {
 public:
  SegmentCipher(const ChunkedKeys& keys, std::size_t segment_size);
  ~SegmentCipher();
  SegmentCipher(const SegmentCipher&) = delete;
  SegmentCipher& operator=(const SegmentCipher&) = delete;

  std::size_t segment_size() const noexcept { return segment_size_; }

  // Seals segment `index` into out[0 .. plaintext.size() + 16). plaintext.size() must be
  // segment_size (a full segment) or less (the final one). in and out may be the same.
  void seal(std::uint64_t index, std::span<const std::uint8_t> plaintext, std::uint8_t* out) const;
  // Opens segment `index` (sealed = ciphertext || tag, 16 .. segment_size + 16 bytes) into
  // out[0 .. sealed.size() - 16). False when the tag does not verify; out is then wiped.
  [[nodiscard]] bool open(std::uint64_t index, std::span<const std::uint8_t> sealed,
                          std::uint8_t* out) const;

 private:
  class Lease;
  EVP_CIPHER_CTX* acquire() const;
  void release(EVP_CIPHER_CTX* ctx) const;
  void nonce_for(std::uint64_t index, std::uint8_t* nonce) const;

  SecretBytes key_;
  std::array<std::uint8_t, kNonceSize> base_nonce_;
  std::size_t segment_size_;
  mutable std::mutex mutex_;
  mutable std::vector<EVP_CIPHER_CTX*> idle_;
};

}  // namespace coffer::core::envelope
