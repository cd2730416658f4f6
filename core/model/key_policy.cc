#include "core/model/key_policy.h"

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace coffer::core {
namespace {

using Json = nlohmann::json;

constexpr const char* kNotEnforced =
    "Coffer does not enforce key policies yet: only the default key policy (the account's "
    "principals may use the key) is accepted. Leave Policy out.";

// "x" or ["x"]: the only shape of a one-value policy element.
bool is_single(const Json& value, std::string_view expected) {
  if (value.is_string()) return value.get<std::string>() == expected;
  return value.is_array() && value.size() == 1 && value[0].is_string() &&
         value[0].get<std::string>() == expected;
}

bool is_account_principal(const Json& principal, const std::string& account_id) {
  if (!principal.is_object() || principal.size() != 1 || !principal.contains("AWS")) return false;
  const Json& aws = principal["AWS"];
  return is_single(aws, "arn:aws:iam::" + account_id + ":root") || is_single(aws, account_id);
}

bool is_default_statement(const Json& s, const std::string& account_id) {
  if (!s.is_object()) return false;
  for (const auto& [name, value] : s.items()) {
    if (name == "Sid") continue;
    if (name == "Effect" && value == "Allow") continue;
    if (name == "Principal" && is_account_principal(value, account_id)) continue;
    if (name == "Action" && is_single(value, "kms:*")) continue;
    if (name == "Resource" && is_single(value, "*")) continue;
    return false;  // Condition, NotAction, Deny, another principal...
  }
  return s.contains("Effect") && s.contains("Principal") && s.contains("Action") &&
         s.contains("Resource");
}

}  // namespace

std::string default_key_policy(const std::string& account_id) {
  const Json policy = {
      {"Version", "2012-10-17"},
      {"Id", "key-default-1"},
      {"Statement", Json::array({{{"Sid", "Enable IAM User Permissions"},
                                  {"Effect", "Allow"},
                                  {"Principal", {{"AWS", "arn:aws:iam::" + account_id + ":root"}}},
                                  {"Action", "kms:*"},
                                  {"Resource", "*"}}})}};
  return policy.dump(2);
}

void require_default_key_policy(std::string_view policy, const std::string& account_id) {
  const Json doc = Json::parse(policy, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("Statement")) {
    throw Error(ErrorCode::kMalformedPolicyDocument,
                "The policy is not a JSON policy document with a Statement.");
  }
  for (const auto& [name, value] : doc.items()) {
    if (name != "Version" && name != "Id" && name != "Statement") {
      throw Error(ErrorCode::kUnsupportedOperation, kNotEnforced);
    }
  }
  const Json& statements = doc["Statement"];
  const bool one_default =
      statements.is_array()
          ? statements.size() == 1 && is_default_statement(statements[0], account_id)
          : is_default_statement(statements, account_id);
  if (!one_default) throw Error(ErrorCode::kUnsupportedOperation, kNotEnforced);
}

}  // namespace coffer::core
