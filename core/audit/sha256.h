// SHA-256 as the audit chain uses it: over record lines and digest bytes, shown as lower-case
// hex. The algorithm is fetched from OpenSSL once, not on every hash (the fetch costs more
// than hashing a record).
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffer::core::audit {

using Sha256Digest = std::array<std::uint8_t, 32>;

// The previousHash of the first record ever, and of the first digest: 64 zeros.
inline constexpr Sha256Digest kZeroDigest{};

// An incremental hash; reusable after finish().
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  Sha256Digest finish();

 private:
  EVP_MD_CTX* context_;
};

Sha256Digest sha256(std::string_view bytes);

std::string hash_hex(const Sha256Digest& digest);
// Exactly 64 lower-case hex digits; nullopt otherwise.
std::optional<Sha256Digest> hash_from_hex(std::string_view hex);

}  // namespace coffer::core::audit
