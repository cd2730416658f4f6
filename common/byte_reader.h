// A bounds-checked reader over untrusted bytes, in the spirit of s2n-tls's stuffer: every
// read checks the length first and reports failure instead of reading past the end.
// Integers are big-endian (network order), as in every Coffer format.
//
// A failed read consumes nothing and leaves its output untouched, and the reader stays
// failed: every later read fails too, so a parser that forgets one check cannot go on to
// read bytes from the wrong offset.
#pragma once

#include <boost/endian/conversion.hpp>
#include <cstddef>
#include <cstdint>
#include <span>

namespace coffer {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}

  [[nodiscard]] bool read_u8(std::uint8_t& out) noexcept {
    std::span<const std::uint8_t> b;
    if (!read_bytes(1, b)) return false;
    out = b[0];
    return true;
  }
  [[nodiscard]] bool read_u16(std::uint16_t& out) noexcept {
    std::span<const std::uint8_t> b;
    if (!read_bytes(2, b)) return false;
    out = boost::endian::load_big_u16(b.data());
    return true;
  }
  [[nodiscard]] bool read_u32(std::uint32_t& out) noexcept {
    std::span<const std::uint8_t> b;
    if (!read_bytes(4, b)) return false;
    out = boost::endian::load_big_u32(b.data());
    return true;
  }
  [[nodiscard]] bool read_u64(std::uint64_t& out) noexcept {
    std::span<const std::uint8_t> b;
    if (!read_bytes(8, b)) return false;
    out = boost::endian::load_big_u64(b.data());
    return true;
  }
  // The next `n` bytes, pointing into the input.
  [[nodiscard]] bool read_bytes(std::size_t n, std::span<const std::uint8_t>& out) noexcept {
    if (failed_ || n > remaining()) {
      failed_ = true;
      return false;
    }
    out = bytes_.subspan(position_, n);
    position_ += n;
    return true;
  }
  [[nodiscard]] bool skip(std::size_t n) noexcept {
    std::span<const std::uint8_t> ignored;
    return read_bytes(n, ignored);
  }

  // Unread bytes; a failed read does not change it.
  [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - position_; }
  [[nodiscard]] bool empty() const noexcept { return remaining() == 0; }
  [[nodiscard]] std::size_t position() const noexcept { return position_; }
  // The bytes read so far (for formats that authenticate what they parsed).
  [[nodiscard]] std::span<const std::uint8_t> consumed() const noexcept {
    return bytes_.first(position_);
  }
  [[nodiscard]] bool failed() const noexcept { return failed_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
  bool failed_ = false;
};

}  // namespace coffer
