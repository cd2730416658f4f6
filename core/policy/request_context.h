// What a policy evaluation reads (the request) and what it answers (the decision).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace coffer::core::policy {

// Everything the evaluation may look at. Condition keys are stored lower-cased (AWS compares
// key names without regard to case); values as strings: booleans "true"/"false", numbers in
// decimal, dates ISO 8601 or epoch seconds, addresses as text. A key with no values is absent.
struct RequestContext {
  std::string principal_arn;  // arn:aws:iam::ACCOUNT:user/NAME, role/NAME, or :root
  std::string action;         // "kms:Encrypt"
  std::string resource_arn;   // the key ARN (or "*" for ListKeys-like actions)
  std::map<std::string, std::vector<std::string>> keys;  // "kms:encryptioncontext:tenant" -> {"a"}

  void set(std::string key, std::vector<std::string> values);  // lower-cases the key
  // The values of a lower-cased key; nullptr when the request does not carry it.
  const std::vector<std::string>* find(const std::string& lowered_key) const;
};

enum class Decision { kAllow, kExplicitDeny, kImplicitDeny };

}  // namespace coffer::core::policy
