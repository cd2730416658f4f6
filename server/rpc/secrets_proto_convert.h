// core::SecretsService's types <-> coffer.v1.secrets messages: values, tags, filters,
// rotation rules and a secret's attributes, shared by the Secrets handlers.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "coffer/v1/secrets.pb.h"
#include "core/secrets/secrets_types.h"

namespace coffer::server::rpc {

namespace sv1 = ::coffer::v1::secrets;

// A 64-bit member (RecoveryWindowInDays, AutomaticallyAfterDays) for core's int: a value
// beyond int's range stays beyond core's bounds instead of wrapping into them.
inline std::optional<int> int_of(bool present, std::int64_t value) {
  if (!present) return std::nullopt;
  if (value > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  if (value < std::numeric_limits<int>::min()) return std::numeric_limits<int>::min();
  return static_cast<int>(value);
}

// SecretString / SecretBinary of a request, copied into wiping buffers.
core::SecretValue secret_value_of(bool has_string, const std::string& text, bool has_binary,
                                  const std::string& binary);
template <class Request>
core::SecretValue secret_value_from(const Request& r) {
  return secret_value_of(r.has_secret_string(), r.secret_string(), r.has_secret_binary(),
                         r.secret_binary());
}
// Sets secret_string or secret_binary of a response (GetSecretValue, SecretValueEntry).
template <class Response>
void put_secret_value(const core::SecretValue& value, Response* out) {
  if (value.string) {
    out->set_secret_string(reinterpret_cast<const char*>(value.string->data()),
                           value.string->size());
  } else if (value.binary) {
    out->set_secret_binary(reinterpret_cast<const char*>(value.binary->data()),
                           value.binary->size());
  }
}

std::vector<core::Tag> tags_of(const google::protobuf::RepeatedPtrField<sv1::Tag>& tags);
std::vector<core::SecretsFilter> filters_of(
    const google::protobuf::RepeatedPtrField<sv1::Filter>& filters);
core::RotationRules rules_of(const sv1::RotationRules& rules);
void to_proto(const core::RotationRules& rules, sv1::RotationRules* out);
std::vector<std::string> strings_of(const google::protobuf::RepeatedPtrField<std::string>& list);

// DescribeSecret's answer and a ListSecrets entry: the same attributes, with the version map
// named version_ids_to_stages in one and secret_versions_to_stages in the other (as AWS does).
void to_proto(const core::SecretDescription& d, sv1::DescribeSecretResponse* out);
void to_proto(const core::SecretDescription& d, sv1::SecretListEntry* out);
// GetSecretValue's answer and a BatchGetSecretValue entry.
void to_proto(const core::GetSecretValueResult& r, sv1::GetSecretValueResponse* out);
void to_proto(const core::GetSecretValueResult& r, sv1::SecretValueEntry* out);

}  // namespace coffer::server::rpc
