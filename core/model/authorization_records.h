// What the store keeps for authorization beyond key policies: identity policies attached to
// principals (the "IAM" side a key policy's account statement delegates to) and grants.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/clock.h"

namespace coffer::core {

// One named policy document attached to a principal (an inline policy, in IAM's words).
struct PrincipalPolicyRecord {
  std::string principal_arn;  // arn:aws:iam::ACCOUNT:user/NAME or role/NAME
  std::string name;
  std::string document;
  Timestamp updated_at{};
};

// A grant: permission for one principal to use one key for some operations, optionally only
// with a given encryption context. AWS's CreateGrant fields.
struct GrantRecord {
  std::string grant_id;  // 64 hex digits
  std::string key_id;
  std::string name;  // may be empty
  std::string grantee_principal;
  std::string retiring_principal;       // may be empty
  std::string issuing_account;          // arn:aws:iam::ACCOUNT:root
  std::vector<std::string> operations;  // AWS names: "Decrypt", "ReEncryptFrom", ...
  // At most one of the two is set (AWS allows both, but they cannot both hold unless equal).
  std::optional<std::map<std::string, std::string>> context_equals;
  std::optional<std::map<std::string, std::string>> context_subset;
  Timestamp created_at{};
};

}  // namespace coffer::core
