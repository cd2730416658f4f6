#include "common/secret_bytes.h"

#include <openssl/crypto.h>

namespace coffer {

void secure_zero(void* data, std::size_t size) noexcept {
  if (size != 0) OPENSSL_cleanse(data, size);
}

bool constant_time_equal(std::span<const std::uint8_t> a,
                         std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
  }
  return *this;
}

void SecretBytes::resize(std::size_t size) {
  if (size <= bytes_.size()) {
    secure_zero(bytes_.data() + size, bytes_.size() - size);
    bytes_.resize(size);
    return;
  }
  std::vector<std::uint8_t> grown(size);
  std::copy(bytes_.begin(), bytes_.end(), grown.begin());
  wipe();
  bytes_ = std::move(grown);
}

void SecretBytes::wipe() noexcept { secure_zero(bytes_.data(), bytes_.capacity()); }

bool operator==(const SecretBytes& a, const SecretBytes& b) noexcept {
  return constant_time_equal(a.span(), b.span());
}

}  // namespace coffer
