// Shared by the files of SecretsService (not part of its API).
#pragma once

#include <string>
#include <vector>

#include "core/secrets/secrets_service.h"

namespace coffer::core {

struct SecretsService::Loaded {
  SecretRecord secret;
};

namespace secrets_detail {

inline constexpr const char* kCurrent = "AWSCURRENT";
inline constexpr const char* kPrevious = "AWSPREVIOUS";
inline constexpr const char* kPending = "AWSPENDING";
inline constexpr const char* kDefaultKeyAlias = "alias/aws/secretsmanager";

[[noreturn]] void secret_not_found();
[[noreturn]] void marked_for_deletion();
// The value rules every writer shares: exactly one of string and binary, each within AWS's
// 64 KiB. `required`: PutSecretValue needs one; CreateSecret and UpdateSecret may omit it.
void check_value(const SecretValue& value, bool required);
// A fresh version id (a UUID, as AWS's SDKs make ClientRequestTokens).
std::string new_version_id();
// Tag rules (keys 1..128, values 0..256, no "aws:" prefix); InvalidParameterException.
void check_tags(const std::vector<Tag>& tags);
// Staging labels: 1..256 characters, at most 20 on a version.
void check_stages(const std::vector<std::string>& stages);
// The version holding `stage` among `versions`, or "".
std::string holder_of(const std::vector<SecretVersionRecord>& versions, const std::string& stage);
Timestamp day_of(Timestamp t);
// A page token that names an index into a listing (opaque to callers).
std::string make_page_token(std::size_t index);
std::size_t read_page_token(const std::optional<std::string>& token);

}  // namespace secrets_detail
}  // namespace coffer::core
