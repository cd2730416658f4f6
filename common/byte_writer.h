// Appends big-endian integers and raw bytes to a buffer: the writing half of ByteReader,
// so every Coffer format spells its byte order in one place.
#pragma once

#include <boost/endian/conversion.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace coffer {

class ByteWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit ByteWriter(std::vector<std::uint8_t>& out) noexcept : out_(out) {}

  void write_u8(std::uint8_t v) { out_.push_back(v); }
  void write_u16(std::uint16_t v) { append_big<2>(v); }
  void write_u32(std::uint32_t v) { append_big<4>(v); }
  void write_u64(std::uint64_t v) { append_big<8>(v); }
  void write_bytes(std::span<const std::uint8_t> bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }
  void write_bytes(std::string_view text) { out_.insert(out_.end(), text.begin(), text.end()); }

 private:
  // Grown first, then stored by index: GCC 12 misreads small growing inserts at -O2.
  template <std::size_t N, typename T>
  void append_big(T v) {
    const std::size_t at = out_.size();
    out_.resize(at + N);
    boost::endian::endian_store<T, N, boost::endian::order::big>(out_.data() + at, v);
  }

  std::vector<std::uint8_t>& out_;
};

}  // namespace coffer
