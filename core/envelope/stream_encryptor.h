// Encrypts one message as an envelope stream: the header (encrypted data keys, context,
// salt, commitment), then C2SP segments. Push-style and bounded in memory: update() takes
// any amount of plaintext and hands sealed bytes to a sink as whole segments fill up;
// finish() seals the short final segment. The first bytes handed out are the header.
//
// For parallel work, cipher() seals any segment independently (thread-safe); a caller that
// does so writes header() first and puts segment i at header().size() + i * (segment + 16).
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "core/envelope/materials.h"
#include "core/envelope/segment_cipher.h"

namespace coffer::core::envelope {

using Sink = std::function<void(std::span<const std::uint8_t>)>;

struct StreamOptions {
  unsigned segment_shift = kDefaultSegmentShift;  // segment = 2^shift bytes (14..24)
};

class StreamEncryptor {
 public:
  StreamEncryptor(const EncryptionMaterials& materials, StreamOptions options = {});
  // With a fixed salt: golden vectors and known-answer tests only; a salt must never repeat
  // under one data key.
  StreamEncryptor(const EncryptionMaterials& materials, StreamOptions options,
                  std::span<const std::uint8_t> salt);

  std::span<const std::uint8_t> header() const { return header_; }
  const SegmentCipher& cipher() const { return *cipher_; }
  std::size_t segment_size() const { return cipher_->segment_size(); }

  void update(std::span<const std::uint8_t> plaintext, const Sink& sink);
  void finish(const Sink& sink);

 private:
  void emit_header(const Sink& sink);
  void seal_one(std::span<const std::uint8_t> plaintext, const Sink& sink);

  Bytes header_;
  std::unique_ptr<SegmentCipher> cipher_;
  SecretBytes pending_;  // plaintext of the segment being filled
  std::size_t pending_size_ = 0;
  Bytes sealed_;  // one sealed segment
  std::uint64_t next_index_ = 0;
  bool header_sent_ = false;
  bool finished_ = false;
};

// Size of the sealed body of a message of `plaintext_size` bytes (without the header).
std::uint64_t sealed_body_size(std::uint64_t plaintext_size, std::size_t segment_size);
// Plaintext size of a sealed body of `body_size` bytes; nullopt when no message has that
// length (a truncated or extended body).
std::optional<std::uint64_t> plaintext_size_of(std::uint64_t body_size, std::size_t segment_size);

}  // namespace coffer::core::envelope
