#include "core/envelope/stream_decryptor.h"

#include "common/error.h"
#include "core/envelope/materials.h"

namespace coffer::core::envelope {

std::shared_ptr<const SegmentCipher> open_header(const ParsedHeader& header,
                                                 std::span<const std::uint8_t> data_key) {
  if (header.fields.kind != EnvelopeKind::kStream)
    throw Error(ErrorCode::kInvalidCiphertext, "The envelope is a record, not a stream");
  auto keys = derive_chunked_keys(data_key, header.salt, header.prefix);
  check_commitment(keys, header.commitment);
  return std::make_shared<const SegmentCipher>(keys, header.segment_size());
}

StreamDecryptor::StreamDecryptor(DataKeyService& service, DecryptOptions options)
    : service_(service), options_(std::move(options)) {}

std::size_t StreamDecryptor::segment_size() const { return cipher_ ? cipher_->segment_size() : 0; }

void StreamDecryptor::update(std::span<const std::uint8_t> bytes, const Sink& sink) {
  if (body_) return body_->update(bytes, sink);
  // Collect only as much as the header can need; the rest goes straight to the body.
  const std::size_t take = std::min(bytes.size(), kMaxHeaderSize - header_bytes_.size());
  header_bytes_.insert(header_bytes_.end(), bytes.begin(),
                       bytes.begin() + static_cast<std::ptrdiff_t>(take));
  auto parsed = parse_header(header_bytes_);
  if (!parsed) {
    if (header_bytes_.size() >= kMaxHeaderSize)
      throw Error(ErrorCode::kInvalidCiphertext, "envelope header too long");
    return;
  }
  require_context(parsed->fields.context, options_.required_context);
  const auto data_key = decrypt_data_key(service_, parsed->fields, options_.allowed_keys);
  cipher_ = open_header(*parsed, data_key);
  header_ = parsed->fields;
  header_size_ = parsed->size;
  body_ = std::make_unique<BodyDecryptor>(cipher_);
  // Bytes past the header, from the collected part and then from the rest of `bytes`.
  Bytes spill(header_bytes_.begin() + static_cast<std::ptrdiff_t>(parsed->size),
              header_bytes_.end());
  header_bytes_.clear();
  header_bytes_.shrink_to_fit();
  body_->update(spill, sink);
  body_->update(bytes.subspan(take), sink);
}

void StreamDecryptor::finish(const Sink& sink) {
  if (!body_)
    throw Error(ErrorCode::kInvalidCiphertext, "The envelope stream is invalid: truncated header");
  body_->finish(sink);
}

}  // namespace coffer::core::envelope
