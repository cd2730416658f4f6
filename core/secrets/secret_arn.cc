#include "core/secrets/secret_arn.h"

#include <openssl/rand.h>

#include "common/error.h"

namespace coffer::core {
namespace {

constexpr std::string_view kAlphanumerics =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kPrefix = "arn:aws:secretsmanager:";

}  // namespace

std::string make_secret_arn(const std::string& region, const std::string& account,
                            const std::string& name) {
  std::string suffix;
  while (suffix.size() < 6) {
    unsigned char b = 0;
    if (RAND_bytes(&b, 1) != 1) throw Error(ErrorCode::kInternalServiceError, "RAND_bytes failed");
    if (b >= 248) continue;  // 248 = 4 * 62: no modulo bias
    suffix += kAlphanumerics[b % kAlphanumerics.size()];
  }
  return std::string(kPrefix) + region + ":" + account + ":secret:" + name + "-" + suffix;
}

std::optional<SecretArnParts> parse_secret_arn(std::string_view id) {
  if (!id.starts_with(kPrefix)) return std::nullopt;
  id.remove_prefix(kPrefix.size());
  const auto region_end = id.find(':');
  if (region_end == std::string_view::npos) return std::nullopt;
  const auto account_end = id.find(':', region_end + 1);
  if (account_end == std::string_view::npos) return std::nullopt;
  std::string_view rest = id.substr(account_end + 1);
  if (!rest.starts_with("secret:")) return std::nullopt;
  rest.remove_prefix(7);
  if (rest.empty()) return std::nullopt;
  return SecretArnParts{std::string(id.substr(0, region_end)),
                        std::string(id.substr(region_end + 1, account_end - region_end - 1)),
                        std::string(rest)};
}

void validate_secret_name(std::string_view name) {
  bool valid = !name.empty() && name.size() <= 512;
  for (char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') ||
                         std::string_view("/_+=.@-").find(c) != std::string_view::npos;
    valid = valid && allowed;
  }
  if (!valid) {
    throw Error(ErrorCode::kInvalidParameter,
                "Invalid name. Must be a valid name containing alphanumeric characters, or any of "
                "the following: -/_+=.@!");
  }
}

}  // namespace coffer::core
