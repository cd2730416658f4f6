#include "core/audit/sha256.h"

#include <algorithm>

#include "common/error.h"
#include "common/hex.h"

namespace coffer::core::audit {
namespace {

const EVP_MD* sha256_algorithm() {
  static EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (algorithm == nullptr) throw Error(ErrorCode::kInternal, "OpenSSL has no SHA-256");
  return algorithm;
}

void check(int ok, const char* what) {
  if (ok != 1) throw Error(ErrorCode::kInternal, std::string("SHA-256: ") + what + " failed");
}

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr) throw Error(ErrorCode::kInternal, "SHA-256: out of memory");
  check(EVP_DigestInit_ex2(context_, sha256_algorithm(), nullptr), "init");
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::update(std::string_view bytes) {
  check(EVP_DigestUpdate(context_, bytes.data(), bytes.size()), "update");
}

Sha256Digest Sha256::finish() {
  Sha256Digest digest{};
  unsigned int size = 0;
  check(EVP_DigestFinal_ex(context_, digest.data(), &size), "final");
  check(EVP_DigestInit_ex2(context_, nullptr, nullptr), "reinit");
  return digest;
}

Sha256Digest sha256(std::string_view bytes) {
  thread_local Sha256 hash;
  hash.update(bytes);
  return hash.finish();
}

std::string hash_hex(const Sha256Digest& digest) { return coffer::to_hex(digest); }

std::optional<Sha256Digest> hash_from_hex(std::string_view hex) {
  // Lower case only: one value, one spelling, so that a changed byte is a changed value.
  if (hex.size() != 64) return std::nullopt;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  const auto bytes = coffer::from_hex(hex);
  if (!bytes) return std::nullopt;
  Sha256Digest digest{};
  std::copy(bytes->begin(), bytes->end(), digest.begin());
  return digest;
}

}  // namespace coffer::core::audit
