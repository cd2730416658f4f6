// Random access into a stream: a byte range decrypts from just its segments (their places
// follow from their index), without reading the rest. The plaintext length is authenticated
// once, at opening, by opening the final segment, so a read past a truncated end is an
// error, never a silent short read.
#pragma once

#include <functional>
#include <memory>

#include "core/envelope/stream_decryptor.h"

namespace coffer::core::envelope {

// Fills `out` with the stream's bytes at `offset`; throws if it cannot.
using ReadAt = std::function<void(std::uint64_t offset, std::span<std::uint8_t> out)>;

class StreamRangeReader {
 public:
  // Reads and parses the header, gets the data key, checks the commitment and opens the
  // final segment. `stream_size` is the size of the whole stream in bytes.
  StreamRangeReader(DataKeyService& service, const DecryptOptions& options,
                    std::uint64_t stream_size, ReadAt read_at);

  std::uint64_t plaintext_size() const { return plaintext_size_; }
  const HeaderFields& header() const { return header_; }
  // Plaintext bytes [offset, offset + out.size()); ValidationException past the end,
  // InvalidCiphertextException for a segment that does not verify (out is then wiped).
  void read(std::uint64_t offset, std::span<std::uint8_t> out);

 private:
  void open_segment(std::uint64_t index, SecretBytes& plain, std::size_t& size);

  ReadAt read_at_;
  HeaderFields header_;
  std::size_t header_size_ = 0;
  std::uint64_t plaintext_size_ = 0;
  std::uint64_t segments_ = 0;
  std::shared_ptr<const SegmentCipher> cipher_;
  Bytes sealed_;
};

}  // namespace coffer::core::envelope
