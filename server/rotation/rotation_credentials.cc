#include "server/rotation/rotation_credentials.h"

#include <openssl/rand.h>

#include "common/error.h"

namespace coffer::server::rotation {
namespace {

std::string random_text(std::size_t n, std::string_view alphabet) {
  std::string out;
  while (out.size() < n) {
    unsigned char b = 0;
    if (RAND_bytes(&b, 1) != 1) throw Error(ErrorCode::kInternalServiceError, "RAND_bytes failed");
    const std::size_t limit = 256 - 256 % alphabet.size();  // no modulo bias
    if (b >= limit) continue;
    out += alphabet[b % alphabet.size()];
  }
  return out;
}

}  // namespace

IssuedCredential RotationCredentials::issue(const std::string& secret_arn,
                                            std::chrono::milliseconds lifetime) {
  IssuedCredential issued{
      "ASIA" + random_text(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
      random_text(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")};
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [now](const auto& e) { return e.second.expires <= now; });
  RotationGrant grant{
      std::string(kRotationPrincipalPrefix) + secret_arn,
      SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(issued.secret_access_key.data()),
                            issued.secret_access_key.size())),
      secret_arn};
  entries_[issued.access_key_id] = {std::move(grant), now + lifetime};
  return issued;
}

void RotationCredentials::revoke(const std::string& access_key_id) {
  std::lock_guard lock(mutex_);
  entries_.erase(access_key_id);
}

std::optional<RotationGrant> RotationCredentials::find(const std::string& access_key_id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(access_key_id);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires <= std::chrono::steady_clock::now()) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.grant;
}

}  // namespace coffer::server::rotation
