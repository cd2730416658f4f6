#include "core/envelope/body_decryptor.h"

#include "common/error.h"

namespace coffer::core::envelope {

BodyDecryptor::BodyDecryptor(std::shared_ptr<const SegmentCipher> cipher)
    : cipher_(std::move(cipher)), plain_(cipher_->segment_size()) {
  pending_.reserve(cipher_->segment_size() + kTagSize);
}

void BodyDecryptor::fail(const std::string& why) {
  failed_ = true;
  throw Error(ErrorCode::kInvalidCiphertext, "The envelope stream is invalid: " + why);
}

void BodyDecryptor::open_one(std::span<const std::uint8_t> sealed, const Sink& sink) {
  const std::uint64_t index = next_index_;
  if (!cipher_->open(index, sealed, plain_.data()))
    fail("segment " + std::to_string(index) +
         " does not verify (altered, reordered, truncated or extended)");
  ++next_index_;
  const auto plaintext = plain_.span().first(sealed.size() - kTagSize);
  sink(plaintext);
  secure_zero(plain_.data(), plaintext.size());
}

void BodyDecryptor::update(std::span<const std::uint8_t> sealed, const Sink& sink) {
  if (failed_) fail("an earlier segment failed");
  if (finished_) fail("bytes after the final segment");
  const std::size_t full = cipher_->segment_size() + kTagSize;
  if (!pending_.empty()) {
    const std::size_t n = std::min(full - pending_.size(), sealed.size());
    pending_.insert(pending_.end(), sealed.begin(),
                    sealed.begin() + static_cast<std::ptrdiff_t>(n));
    sealed = sealed.subspan(n);
    if (pending_.size() < full) return;
    open_one(pending_, sink);
    pending_.clear();
  }
  while (sealed.size() >= full) {
    open_one(sealed.first(full), sink);
    sealed = sealed.subspan(full);
  }
  pending_.assign(sealed.begin(), sealed.end());
}

void BodyDecryptor::finish(const Sink& sink) {
  if (failed_) fail("an earlier segment failed");
  if (finished_) return;
  // Fewer than 16 bytes: the final segment is missing or cut (C2SP: the message ended on a
  // segment boundary, or mid-tag). A short segment that does not verify fails open_one.
  if (pending_.size() < kTagSize) fail("truncated: the short final segment is missing");
  open_one(pending_, sink);
  pending_.clear();
  finished_ = true;
}

}  // namespace coffer::core::envelope
