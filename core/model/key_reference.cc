#include "core/model/key_reference.h"

#include <openssl/rand.h>

#include "common/error.h"
#include "common/hex.h"
#include "core/model/validation_message.h"

namespace coffer::core {
namespace {

constexpr std::string_view kArnPrefix = "arn:aws:kms:";

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

KeyReference parse_key_reference(std::string_view text, std::string_view field) {
  if (text.empty() || text.size() > 2048) {
    throw_validation(length_violation(field, text, text.size(), 1, 2048));
  }
  KeyReference ref;
  if (text.starts_with("arn:")) {
    // arn:aws:kms:REGION:ACCOUNT:key/ID or …:alias/NAME
    if (!text.starts_with(kArnPrefix))
      throw Error(ErrorCode::kInvalidArn, "Invalid arn " + std::string(text));
    std::string_view rest = text.substr(kArnPrefix.size());
    auto region_end = rest.find(':');
    if (region_end == std::string_view::npos || region_end == 0)
      throw Error(ErrorCode::kInvalidArn, "Invalid arn " + std::string(text));
    auto account_end = rest.find(':', region_end + 1);
    if (account_end == std::string_view::npos || account_end == region_end + 1)
      throw Error(ErrorCode::kInvalidArn, "Invalid arn " + std::string(text));
    ref.region = std::string(rest.substr(0, region_end));
    ref.account = std::string(rest.substr(region_end + 1, account_end - region_end - 1));
    std::string_view resource = rest.substr(account_end + 1);
    if (resource.starts_with("key/") && resource.size() > 4) {
      ref.name = std::string(resource.substr(4));
    } else if (resource.starts_with("alias/") && resource.size() > 6) {
      ref.kind = KeyReference::Kind::kAlias;
      ref.name = std::string(resource);
    } else {
      throw Error(ErrorCode::kInvalidArn, "Invalid arn " + std::string(text));
    }
    return ref;
  }
  if (text.starts_with("alias/")) ref.kind = KeyReference::Kind::kAlias;
  ref.name = std::string(text);
  return ref;
}

std::string new_key_id(bool multi_region) {
  std::uint8_t bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw Error(ErrorCode::kInternal, "random generator failed");
  if (multi_region) return "mrk-" + to_hex(bytes);
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex = to_hex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

bool looks_like_key_id(std::string_view text) {
  if (text.starts_with("mrk-")) {
    if (text.size() != 36) return false;
    for (char c : text.substr(4))
      if (!is_hex(c)) return false;
    return true;
  }
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

std::string key_arn(std::string_view region, std::string_view account, std::string_view key_id) {
  return std::string(kArnPrefix) + std::string(region) + ":" + std::string(account) + ":key/" +
         std::string(key_id);
}

std::string alias_arn(std::string_view region, std::string_view account,
                      std::string_view alias_name) {
  return std::string(kArnPrefix) + std::string(region) + ":" + std::string(account) + ":" +
         std::string(alias_name);
}

void validate_alias_name(std::string_view name, bool allow_reserved) {
  if (name.empty() || name.size() > 256)
    throw_validation(length_violation("AliasName", name, name.size(), 1, 256));
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == ':' || c == '/' || c == '_' || c == '-';
    if (!ok) throw_validation(pattern_violation("AliasName", name, "^[a-zA-Z0-9:/_-]+$"));
  }
  if (!name.starts_with("alias/") || name.size() == 6) {
    throw Error(ErrorCode::kInvalidAliasName,
                "Alias must start with the prefix \"alias/\". Please see "
                "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  }
  // AWS answers NotAuthorizedException: the names belong to AWS managed keys.
  if (!allow_reserved && name.starts_with("alias/aws/")) {
    throw Error(ErrorCode::kNotAuthorized,
                "Alias must not begin with alias/aws/, which is reserved for AWS");
  }
}

std::string_view request_alias_of(std::string_view reference) {
  if (reference.starts_with("alias/")) return reference;
  if (reference.starts_with("arn:")) {
    const auto at = reference.find(":alias/");
    if (at != std::string_view::npos) return reference.substr(at + 1);
  }
  return {};
}

}  // namespace coffer::core
