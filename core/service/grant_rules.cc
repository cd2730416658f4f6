#include "core/service/grant_rules.h"

#include <algorithm>
#include <array>

#include "common/error.h"
#include "common/hex.h"
#include "core/model/key_enums.h"

namespace coffer::core {
namespace {

// Operations that take an encryption context: the only ones a constraint can apply to (and
// CreateGrant/RetireGrant, which pass it on).
constexpr std::array<std::string_view, 10> kContextOperations{
    "Decrypt",       "Encrypt",     "GenerateDataKey",     "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    "CreateGrant",   "RetireGrant"};

constexpr std::string_view kTokenPrefix = "coffer-grant-v1:";

bool contains(std::span<const std::string_view> list, std::string_view name) {
  return std::ranges::find(list, name) != list.end();
}

// The grant operations AWS accepts for a key of this spec and usage.
bool operation_valid_for(std::string_view operation, const KeyRecord& key) {
  static constexpr std::array<std::string_view, 3> kAny{"DescribeKey", "CreateGrant",
                                                        "RetireGrant"};
  static constexpr std::array<std::string_view, 8> kSymmetric{
      "Decrypt",       "Encrypt",     "GenerateDataKey",     "GenerateDataKeyWithoutPlaintext",
      "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"};
  static constexpr std::array<std::string_view, 5> kRsaEncryption{
      "Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"};
  static constexpr std::array<std::string_view, 3> kSigning{"Sign", "Verify", "GetPublicKey"};
  static constexpr std::array<std::string_view, 2> kMac{"GenerateMac", "VerifyMac"};
  if (contains(kAny, operation)) return true;
  if (is_symmetric(key.key_spec)) return contains(kSymmetric, operation);
  if (is_hmac(key.key_spec)) return contains(kMac, operation);
  if (key.key_usage == KeyUsage::kSignVerify) return contains(kSigning, operation);
  return contains(kRsaEncryption, operation);
}

bool has(const std::vector<std::string>& list, std::string_view name) {
  return std::ranges::find(list, name) != list.end();
}

bool includes(const EncryptionContext& outer, const EncryptionContext& inner) {
  return std::ranges::all_of(inner, [&](const auto& entry) {
    auto it = outer.find(entry.first);
    return it != outer.end() && it->second == entry.second;
  });
}

}  // namespace

bool grant_allows(const GrantRecord& grant, const std::string& principal_arn,
                  std::string_view operation, const EncryptionContext* context) {
  if (grant.grantee_principal != principal_arn || !has(grant.operations, operation)) return false;
  static const EncryptionContext none;
  const EncryptionContext& given = context ? *context : none;
  if (grant.context_equals && given != *grant.context_equals) return false;
  if (grant.context_subset && !includes(given, *grant.context_subset)) return false;
  return true;
}

void validate_grant_request(const CreateGrantRequest& request, const KeyRecord& key) {
  if (request.operations.empty()) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value at 'operations' failed to satisfy constraint: "
                "Member must have length greater than or equal to 1");
  }
  if (!valid_grant_principal(request.grantee_principal)) {
    throw Error(ErrorCode::kValidation, "GranteePrincipal is not a valid principal: " +
                                            request.grantee_principal.substr(0, 256));
  }
  if (request.retiring_principal && !valid_grant_principal(*request.retiring_principal)) {
    throw Error(ErrorCode::kValidation, "RetiringPrincipal is not a valid principal: " +
                                            request.retiring_principal->substr(0, 256));
  }
  const bool constrained = request.context_equals || request.context_subset;
  for (const auto* constraint : {&request.context_equals, &request.context_subset}) {
    if (!*constraint) continue;
    std::size_t bytes = 0;
    for (const auto& [k, v] : **constraint) bytes += k.size() + v.size();
    if (bytes > 8192) {
      throw Error(ErrorCode::kValidation,
                  "A grant constraint's encryption context may hold at most 8192 characters");
    }
  }
  if (request.operations.size() > 32) {
    throw Error(ErrorCode::kValidation, "A grant names at most 32 operations");
  }
  for (const std::string& operation : request.operations) {
    if (!operation_valid_for(operation, key)) {
      throw Error(ErrorCode::kValidation,
                  "Grant operation " + operation.substr(0, 64) + " is not valid for KeySpec " +
                      std::string(to_string(key.key_spec)) + " and KeyUsage " +
                      std::string(to_string(key.key_usage)) + ".");
    }
    if (constrained && !contains(kContextOperations, operation)) {
      throw Error(ErrorCode::kValidation, "Grant constraints are not supported for the " +
                                              operation +
                                              " operation: it takes no encryption context.");
    }
  }
  if (constrained && !is_symmetric(key.key_spec)) {
    throw Error(ErrorCode::kValidation,
                "Grant constraints are supported only for symmetric encryption KMS keys.");
  }
}

bool grant_fits_within(const CreateGrantRequest& request, const GrantRecord& parent) {
  if (!std::ranges::all_of(request.operations,
                           [&](const std::string& op) { return has(parent.operations, op); }))
    return false;
  // The child must require at least what the parent requires of every request.
  if (parent.context_equals) {
    return request.context_equals && *request.context_equals == *parent.context_equals;
  }
  if (parent.context_subset) {
    if (request.context_equals) return includes(*request.context_equals, *parent.context_subset);
    return request.context_subset && includes(*request.context_subset, *parent.context_subset);
  }
  return true;
}

bool same_grant(const GrantRecord& grant, const CreateGrantRequest& request) {
  auto sorted = [](std::vector<std::string> v) {
    std::ranges::sort(v);
    return v;
  };
  return grant.name == request.name.value_or("") &&
         grant.grantee_principal == request.grantee_principal &&
         grant.retiring_principal == request.retiring_principal.value_or("") &&
         sorted(grant.operations) == sorted(request.operations) &&
         grant.context_equals == request.context_equals &&
         grant.context_subset == request.context_subset;
}

std::string grant_token_of(const std::string& key_id, const std::string& grant_id) {
  return to_base64(as_bytes(std::string(kTokenPrefix) + key_id + ":" + grant_id));
}

std::optional<GrantTokenParts> parse_grant_token(std::string_view token) {
  if (token.size() > 8192) return std::nullopt;
  auto bytes = from_base64(token);
  if (!bytes) return std::nullopt;
  const std::string text(bytes->begin(), bytes->end());
  if (!text.starts_with(kTokenPrefix)) return std::nullopt;
  const std::string rest = text.substr(kTokenPrefix.size());
  const auto colon = rest.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) return std::nullopt;
  return GrantTokenParts{rest.substr(0, colon), rest.substr(colon + 1)};
}

bool valid_grant_principal(std::string_view principal) {
  if (principal.ends_with(".amazonaws.com") && principal.size() > 14) return true;
  constexpr std::string_view kIam = "arn:aws:iam::";
  if (!principal.starts_with(kIam)) return false;
  const auto rest = principal.substr(kIam.size());
  const auto colon = rest.find(':');
  if (colon != 12 ||
      !std::ranges::all_of(rest.substr(0, 12), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  const auto resource = rest.substr(13);
  return resource == "root" || (resource.starts_with("user/") && resource.size() > 5) ||
         (resource.starts_with("role/") && resource.size() > 5);
}

}  // namespace coffer::core
