// Short-lived AWS credentials for rotation functions: each rotation gets its own access key,
// valid only until the rotation ends (or its deadline) and only for that secret's rotation
// calls (rotation_scope.h). Kept in memory: nothing durable to leak or to clean up.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/secret_bytes.h"

namespace coffer::server::rotation {

// Principals of rotation credentials start with this, followed by the secret's ARN.
inline constexpr std::string_view kRotationPrincipalPrefix = "coffer:rotation:";

struct IssuedCredential {
  std::string access_key_id;  // ASIA + 16 characters, as AWS's temporary credentials
  std::string secret_access_key;
};

struct RotationGrant {
  std::string principal;  // kRotationPrincipalPrefix + secret ARN
  SecretBytes secret;     // the secret access key
  std::string secret_arn;
};

class RotationCredentials {
 public:
  IssuedCredential issue(const std::string& secret_arn, std::chrono::milliseconds lifetime);
  void revoke(const std::string& access_key_id);
  // nullopt for an unknown or expired access key id.
  std::optional<RotationGrant> find(const std::string& access_key_id);

 private:
  struct Entry {
    RotationGrant grant;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace coffer::server::rotation
