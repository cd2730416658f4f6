#include "core/envelope/stream_encryptor.h"

#include <openssl/rand.h>

#include "common/error.h"

namespace coffer::core::envelope {
namespace {

std::array<std::uint8_t, kSaltSize> random_salt() {
  std::array<std::uint8_t, kSaltSize> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    throw Error(ErrorCode::kInternal, "no randomness for the salt");
  return salt;
}

}  // namespace

StreamEncryptor::StreamEncryptor(const EncryptionMaterials& materials, StreamOptions options)
    : StreamEncryptor(materials, options, random_salt()) {}

StreamEncryptor::StreamEncryptor(const EncryptionMaterials& materials, StreamOptions options,
                                 std::span<const std::uint8_t> salt) {
  if (options.segment_shift < kMinSegmentShift || options.segment_shift > kMaxSegmentShift)
    throw Error(ErrorCode::kValidation, "segment size must be 2^14 to 2^24 bytes");
  header_ = encode_prefix(
      {EnvelopeKind::kStream, options.segment_shift, materials.encrypted_keys, materials.context});
  const auto keys = derive_chunked_keys(materials.data_key, salt, header_);
  header_.insert(header_.end(), salt.begin(), salt.end());
  header_.insert(header_.end(), keys.commitment.begin(), keys.commitment.end());
  cipher_ = std::make_unique<SegmentCipher>(keys, std::size_t{1} << options.segment_shift);
  pending_ = SecretBytes(cipher_->segment_size());
  sealed_.resize(cipher_->segment_size() + kTagSize);
}

void StreamEncryptor::emit_header(const Sink& sink) {
  if (!header_sent_) sink(header_);
  header_sent_ = true;
}

void StreamEncryptor::seal_one(std::span<const std::uint8_t> plaintext, const Sink& sink) {
  cipher_->seal(next_index_++, plaintext, sealed_.data());
  sink(std::span(sealed_).first(plaintext.size() + kTagSize));
}

void StreamEncryptor::update(std::span<const std::uint8_t> plaintext, const Sink& sink) {
  if (finished_) throw Error(ErrorCode::kInternal, "stream already finished");
  emit_header(sink);
  const std::size_t segment = cipher_->segment_size();
  // A full segment is never the last one (the last is short), so it is sealed as soon as
  // it is complete, straight from the caller's buffer when nothing is pending.
  if (pending_size_ > 0) {
    const std::size_t n = std::min(segment - pending_size_, plaintext.size());
    std::copy_n(plaintext.data(), n, pending_.data() + pending_size_);
    pending_size_ += n;
    plaintext = plaintext.subspan(n);
    if (pending_size_ < segment) return;
    seal_one(pending_.span(), sink);
    pending_size_ = 0;
  }
  while (plaintext.size() >= segment) {
    seal_one(plaintext.first(segment), sink);
    plaintext = plaintext.subspan(segment);
  }
  std::copy(plaintext.begin(), plaintext.end(), pending_.data());
  pending_size_ = plaintext.size();
}

void StreamEncryptor::finish(const Sink& sink) {
  if (finished_) throw Error(ErrorCode::kInternal, "stream already finished");
  emit_header(sink);
  seal_one(pending_.span().first(pending_size_), sink);
  secure_zero(pending_.data(), pending_size_);
  pending_size_ = 0;
  finished_ = true;
}

std::uint64_t sealed_body_size(std::uint64_t plaintext_size, std::size_t segment_size) {
  const std::uint64_t full = plaintext_size / segment_size;
  return full * (segment_size + kTagSize) + (plaintext_size % segment_size) + kTagSize;
}

std::optional<std::uint64_t> plaintext_size_of(std::uint64_t body_size, std::size_t segment_size) {
  const std::uint64_t sealed = segment_size + kTagSize;
  const std::uint64_t full = body_size / sealed;
  const std::uint64_t rest = body_size % sealed;
  if (rest < kTagSize)
    return std::nullopt;  // ends on a segment boundary: the short final one is missing
  return full * segment_size + (rest - kTagSize);
}

}  // namespace coffer::core::envelope
