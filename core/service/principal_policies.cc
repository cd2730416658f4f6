// KmsService's administration of identity policies (coffer.v1.Principals): IAM's inline-policy
// calls. IAM authorizes them by the caller's identity policies only, as iam:<Verb>RolePolicy
// or iam:<Verb>UserPolicy on the principal's ARN; the same evaluation decides CreateKey and
// the alias operations (authorize_by_identity), so there is one evaluator, not two.
#include <algorithm>

#include "common/error.h"
#include "core/service/kms_service.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

// "iam:PutRolePolicy" for role/NAME, "iam:PutUserPolicy" for user/NAME ("Policies" for List).
std::string iam_action(std::string_view verb, const std::string& principal_arn,
                       std::string_view noun = "Policy") {
  const bool role = principal_arn.find(":role/") != std::string::npos;
  return "iam:" + std::string(verb) + (role ? "Role" : "User") + std::string(noun);
}

Error no_such_policy(const std::string& principal_arn, const std::string& policy_name) {
  // IAM's NoSuchEntity, as Coffer's NotFoundException, in IAM's words.
  const bool role = principal_arn.find(":role/") != std::string::npos;
  return Error(ErrorCode::kNotFound, std::string(role ? "The role" : "The user") +
                                         " policy with name " + policy_name +
                                         " cannot be found on " + principal_arn + ".");
}

}  // namespace

void KmsService::put_principal_policy(const std::string& principal, const std::string& policy_name,
                                      const std::string& policy_document) {
  const std::string arn = IdentityPolicies::attachable_principal_arn(principal, config_.account_id);
  authorize_by_identity(iam_action("Put", arn), arn);
  identity_policies_.put(arn, policy_name, policy_document);
}

std::string KmsService::get_principal_policy(const std::string& principal,
                                             const std::string& policy_name) {
  const std::string arn = IdentityPolicies::attachable_principal_arn(principal, config_.account_id);
  authorize_by_identity(iam_action("Get", arn), arn);
  for (const PrincipalPolicyRecord& record : identity_policies_.list(arn))
    if (record.name == policy_name) return record.document;
  throw no_such_policy(arn, policy_name);
}

void KmsService::delete_principal_policy(const std::string& principal,
                                         const std::string& policy_name) {
  const std::string arn = IdentityPolicies::attachable_principal_arn(principal, config_.account_id);
  authorize_by_identity(iam_action("Delete", arn), arn);
  if (!identity_policies_.remove(arn, policy_name)) throw no_such_policy(arn, policy_name);
}

PrincipalPolicyNames KmsService::list_principal_policies(const std::string& principal,
                                                         const Page& page) {
  const std::string arn = IdentityPolicies::attachable_principal_arn(principal, config_.account_id);
  authorize_by_identity(iam_action("List", arn, "Policies"), arn);
  const std::size_t limit = detail::page_limit(page, 100);
  std::vector<std::string> names;
  for (const PrincipalPolicyRecord& record : identity_policies_.list(arn))
    names.push_back(record.name);
  std::ranges::sort(names);
  // The marker is the last name of the previous page: the next page starts after it.
  auto first = page.marker ? std::ranges::upper_bound(names, *page.marker) : names.begin();
  PrincipalPolicyNames out;
  for (; first != names.end() && out.policy_names.size() < limit; ++first)
    out.policy_names.push_back(*first);
  if (first != names.end()) {
    out.truncated = true;
    out.next_marker = out.policy_names.back();
  }
  return out;
}

CallerIdentity KmsService::caller_identity() const {
  const Caller* caller = current_caller();
  if (!caller) throw Error(ErrorCode::kAccessDenied, "No caller");
  CallerIdentity identity;
  identity.arn = principal_arn_of(caller->principal, config_.account_id);
  identity.account = account_of_principal(identity.arn);
  identity.access_key_id = caller->access_key_id;
  identity.user_id = caller->access_key_id.empty() ? caller->principal : caller->access_key_id;
  return identity;
}

}  // namespace coffer::core
