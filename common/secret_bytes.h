// Bytes that held key material or plaintext. The buffer is wiped when it is destroyed,
// resized or reassigned, so secrets never linger in freed heap memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace coffer {

// Overwrites memory in a way the compiler may not remove.
void secure_zero(void* data, std::size_t size) noexcept;

// Compares in time that depends only on the lengths, never on the contents.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : bytes_(size) {}
  explicit SecretBytes(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {}
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes() { wipe(); }

  std::uint8_t* data() noexcept { return bytes_.data(); }
  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }
  std::span<std::uint8_t> span() noexcept { return bytes_; }
  std::span<const std::uint8_t> span() const noexcept { return bytes_; }
  operator std::span<const std::uint8_t>() const noexcept { return bytes_; }  // NOLINT
  std::uint8_t& operator[](std::size_t i) noexcept { return bytes_[i]; }
  std::uint8_t operator[](std::size_t i) const noexcept { return bytes_[i]; }

  // Shrinks in place (wiping the tail); growing reallocates through a wiped copy.
  void resize(std::size_t size);

 private:
  void wipe() noexcept;
  std::vector<std::uint8_t> bytes_;
};

bool operator==(const SecretBytes& a, const SecretBytes& b) noexcept;

}  // namespace coffer
