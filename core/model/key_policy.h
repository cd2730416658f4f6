// The key policies Coffer writes itself: AWS's default key policy (a key made without one) and
// the policy of an AWS managed key (alias/aws/secretsmanager). core/policy evaluates them.
#pragma once

#include <string>

namespace coffer::core {

// AWS's default key policy for `account_id` (what GetKeyPolicy returns for a key made
// without a policy): the account's root, and through it the account's identity policies.
std::string default_key_policy(const std::string& account_id);

// The policy AWS gives a managed key of `service` ("secretsmanager"): every principal of the
// account may use it through that service in `region`, and read its description directly.
std::string aws_managed_key_policy(const std::string& account_id, const std::string& region,
                                   const std::string& service);

}  // namespace coffer::core
