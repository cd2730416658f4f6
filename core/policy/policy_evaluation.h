// How KMS decides a request from the key's policy and the caller's identity policies (AWS's
// evaluation logic, without grants yet):
//
//   1. A Deny in the key policy or in any identity policy that applies: denied (explicitly).
//   2. The key policy allows the principal itself (its ARN, or "*"): allowed. Across accounts
//      the caller's identity policies must allow too, as for every AWS resource policy.
//   3. The key policy allows the principal's account (arn:aws:iam::ACCOUNT:root or "ACCOUNT",
//      the default key policy's "Enable IAM policies" statement) and an identity policy of the
//      principal allows: allowed. The account's root user needs no identity policy: it holds
//      every permission of its account.
//   4. Otherwise denied (implicitly).
// Only the actions, resources and conditions of the key policy's allowing statement count: a
// key policy that trusts the account for kms:Decrypt alone delegates nothing else.
#pragma once

#include <string>
#include <vector>

#include "core/policy/policy_document.h"
#include "core/policy/request_context.h"

namespace coffer::core::policy {

// Which kind of policy decided: the key policy ("resource-based") or the caller's identity
// policies ("identity-based"). AWS's AccessDeniedException names it.
enum class PolicyType { kResourceBased, kIdentityBased };

struct Authorization {
  Decision decision = Decision::kImplicitDeny;
  // For a denial: the policy that denied, or the kind of policy whose Allow was missing.
  PolicyType decided_by = PolicyType::kResourceBased;
};

// `account_id` is the account that owns the key. The identity policies are those attached to
// `request.principal_arn` (none may be null).
Authorization authorize_with_reason(const PolicyDocument& key_policy,
                                    const std::vector<const PolicyDocument*>& identity_policies,
                                    const RequestContext& request, const std::string& account_id);
Decision authorize(const PolicyDocument& key_policy,
                   const std::vector<const PolicyDocument*>& identity_policies,
                   const RequestContext& request, const std::string& account_id);

// Operations no key policy governs (CreateKey, ListKeys, ListAliases): identity policies alone,
// the root user allowed unless a policy denies.
Authorization authorize_by_identity_policies(
    const std::vector<const PolicyDocument*>& identity_policies, const RequestContext& request);

}  // namespace coffer::core::policy
