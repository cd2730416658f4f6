#include "core/envelope/range_reader.h"

#include <string>

#include "common/error.h"
#include "core/envelope/materials.h"

namespace coffer::core::envelope {

StreamRangeReader::StreamRangeReader(DataKeyService& service, const DecryptOptions& options,
                                     std::uint64_t stream_size, ReadAt read_at)
    : read_at_(std::move(read_at)) {
  Bytes bytes;
  std::optional<ParsedHeader> parsed;
  for (std::size_t want = 4096; !parsed; want *= 2) {
    const auto target =
        static_cast<std::size_t>(std::min<std::uint64_t>({want, kMaxHeaderSize, stream_size}));
    const std::size_t have = bytes.size();
    bytes.resize(target);
    read_at_(have, std::span(bytes).subspan(have));
    parsed = parse_header(bytes);
    if (!parsed && (target == stream_size || target == kMaxHeaderSize))
      throw Error(ErrorCode::kInvalidCiphertext,
                  "The envelope stream is invalid: truncated header");
  }
  require_context(parsed->fields.context, options.required_context);
  const auto data_key = decrypt_data_key(service, parsed->fields, options.allowed_keys);
  cipher_ = open_header(*parsed, data_key);
  header_ = parsed->fields;
  header_size_ = parsed->size;
  const auto size = plaintext_size_of(stream_size - header_size_, cipher_->segment_size());
  if (!size)
    throw Error(ErrorCode::kInvalidCiphertext,
                "The envelope stream is invalid: truncated or extended");
  plaintext_size_ = *size;
  segments_ = *size / cipher_->segment_size() + 1;
  sealed_.resize(cipher_->segment_size() + kTagSize);
  // Authenticates the length: only the true final segment verifies at this index.
  SecretBytes plain(cipher_->segment_size());
  std::size_t final_size = 0;
  open_segment(segments_ - 1, plain, final_size);
}

void StreamRangeReader::open_segment(std::uint64_t index, SecretBytes& plain, std::size_t& size) {
  const std::size_t segment = cipher_->segment_size();
  size = index + 1 == segments_ ? static_cast<std::size_t>(plaintext_size_ - index * segment)
                                : segment;
  auto sealed = std::span(sealed_).first(size + kTagSize);
  read_at_(header_size_ + index * (segment + kTagSize), sealed);
  if (!cipher_->open(index, sealed, plain.data()))
    throw Error(ErrorCode::kInvalidCiphertext, "The envelope stream is invalid: segment " +
                                                   std::to_string(index) + " does not verify");
}

void StreamRangeReader::read(std::uint64_t offset, std::span<std::uint8_t> out) {
  if (offset > plaintext_size_ || out.size() > plaintext_size_ - offset)
    throw Error(ErrorCode::kValidation, "range past the end of the plaintext");
  const std::size_t segment = cipher_->segment_size();
  SecretBytes plain(segment);
  try {
    for (std::size_t done = 0; done < out.size();) {
      const std::uint64_t at = offset + done;
      const std::uint64_t index = at / segment;
      std::size_t size = 0;
      open_segment(index, plain, size);
      const std::size_t from = static_cast<std::size_t>(at - index * segment);
      const std::size_t n = std::min(size - from, out.size() - done);
      std::copy_n(plain.data() + from, n, out.data() + done);
      done += n;
    }
  } catch (...) {
    secure_zero(out.data(), out.size());
    throw;
  }
}

}  // namespace coffer::core::envelope
