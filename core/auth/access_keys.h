// Credentials of principals: access key ids with secrets, for the rpc API ("AKID:SECRET")
// and AWS Signature Version 4. A secret is stored only encrypted under an AES key that
// never leaves the token; verified secrets are cached in memory, zeroed on exit.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/secret_bytes.h"
#include "core/model/clock.h"
#include "core/store/metadata_store.h"
#include "pkcs11/token.h"

namespace coffer::core {

struct NewAccessKey {
  std::string access_key_id;
  std::string secret;  // shown once, to the caller that made it
  std::string principal;
};

class AccessKeys {
 public:
  AccessKeys(pkcs11::Token& token, MetadataStore& store, const Clock& clock);

  NewAccessKey create(const std::string& principal);
  void deactivate(const std::string& access_key_id);
  std::vector<AccessKeyRecord> list();

  // The principal of a valid, active "AKID:SECRET"; nullopt for anything else. Constant
  // time in the secret.
  std::optional<std::string> authenticate(std::string_view api_key);
  // The secret of an active key (for SigV4, which signs with it); nullopt if unknown or
  // deactivated. A cached secret is re-checked against the store once it is older than
  // kRecheckAfter, so a key deactivated by another process (cofferd access-key revoke)
  // stops working within that time.
  struct Secret {
    std::string principal;
    SecretBytes secret;
  };
  std::optional<Secret> secret_of(const std::string& access_key_id);

  // What the in-memory cache alone says of an access key id, without the store or the
  // token: network threads ask this first and hand only kUnknown to a worker.
  enum class Known { kUnknown, kValid, kInvalid };
  struct Peek {
    Known known = Known::kUnknown;
    std::optional<Secret> secret;  // when kValid
  };
  Peek peek(const std::string& access_key_id);
  // authenticate() from the cache alone: kValid with the principal, kInvalid, or kUnknown.
  struct CachedPrincipal {
    Known known = Known::kUnknown;
    std::string principal;
  };
  CachedPrincipal authenticate_cached(std::string_view api_key);

  // Coffer's own shape, "AKCF" and 16 base32 letters: anything else is refused before any lookup.
  static bool plausible_id(std::string_view access_key_id);

  static constexpr const char* kWrappingKeyId = "coffer/internal/access-keys-v1";
  static constexpr std::chrono::milliseconds kRecheckAfter{1000};

 private:
  void ensure_wrapping_key();
  pkcs11::Token& token_;
  MetadataStore& store_;
  const Clock& clock_;
  std::mutex mutex_;
  struct Cached {
    Secret secret;
    std::chrono::steady_clock::time_point checked_at;
  };
  std::unordered_map<std::string, Cached> cache_;
  // Ids recently found unknown or inactive: a flood of junk ids costs one store read each
  // per kRecheckAfter at most. Bounded: cleared when full.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> refused_;
  static constexpr std::size_t kMaxRefused = 4096;
};

}  // namespace coffer::core
