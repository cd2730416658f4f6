// Decrypts the segments of one message as they arrive, releasing a segment's plaintext
// only after its tag verifies. A full-size sealed segment is never the last, so it is
// opened as soon as it is complete; at the end the buffered rest must be exactly one short
// final segment. Any failure is sticky: later calls throw again, never a clean end.
#pragma once

#include <memory>

#include "core/envelope/segment_cipher.h"
#include "core/envelope/stream_encryptor.h"

namespace coffer::core::envelope {

class BodyDecryptor {
 public:
  explicit BodyDecryptor(std::shared_ptr<const SegmentCipher> cipher);

  // Throws InvalidCiphertextException for a segment that does not verify.
  void update(std::span<const std::uint8_t> sealed, const Sink& sink);
  // Throws InvalidCiphertextException when the message is truncated (no short final
  // segment), has trailing bytes, or its final segment does not verify.
  void finish(const Sink& sink);

  std::uint64_t segments_opened() const { return next_index_; }

 private:
  void open_one(std::span<const std::uint8_t> sealed, const Sink& sink);
  [[noreturn]] void fail(const std::string& why);

  std::shared_ptr<const SegmentCipher> cipher_;
  Bytes pending_;  // sealed bytes of an incomplete segment
  SecretBytes plain_;
  std::uint64_t next_index_ = 0;
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace coffer::core::envelope
