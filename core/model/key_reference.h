// Names of keys as AWS accepts them (key id, key ARN, alias name, alias ARN), new key ids,
// and ARNs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/secret_bytes.h"

namespace coffer::core {

struct KeyReference {
  enum class Kind { kKeyId, kAlias };
  Kind kind = Kind::kKeyId;
  std::string name;  // the key id, or the alias name ("alias/…")
  // Present when the reference was an ARN.
  std::optional<std::string> region;
  std::optional<std::string> account;
};

// Throws ValidationException for an empty or over-long reference and InvalidArnException
// for an "arn:" string that is not a KMS key or alias ARN.
KeyReference parse_key_reference(std::string_view text, std::string_view field = "KeyId");

// A random UUID (version 4), or "mrk-" and 32 hex digits for a multi-region key.
std::string new_key_id(bool multi_region);
bool looks_like_key_id(std::string_view text);
// "alias/NAME" when `reference` names a key by alias or alias ARN (kms:RequestAlias), else
// empty. A view into `reference`.
std::string_view request_alias_of(std::string_view reference);

std::string key_arn(std::string_view region, std::string_view account, std::string_view key_id);
std::string alias_arn(std::string_view region, std::string_view account,
                      std::string_view alias_name);

// AWS's rules: "alias/" prefix, [a-zA-Z0-9:/_-], at most 256 characters, not "alias/aws/…".
// Throws InvalidAliasNameException (ValidationException for the length rule).
void validate_alias_name(std::string_view name, bool allow_reserved = false);

}  // namespace coffer::core
