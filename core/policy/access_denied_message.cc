#include "core/policy/access_denied_message.h"

namespace coffer::core::policy {

std::string access_denied_message(const RequestContext& request, const Authorization& result) {
  const std::string policy_type =
      result.decided_by == PolicyType::kResourceBased ? "resource-based" : "identity-based";
  const std::string who = "User: " + request.principal_arn +
                          " is not authorized to perform: " + request.action +
                          " on resource: " + request.resource_arn;
  switch (result.decision) {
    case Decision::kAllow:
      return "";
    case Decision::kExplicitDeny:
      return who +
             (result.decided_by == PolicyType::kResourceBased ? " with an explicit deny in a "
                                                              : " with an explicit deny in an ") +
             policy_type + " policy";
    case Decision::kImplicitDeny:
      return who + " because no " + policy_type + " policy allows the " + request.action +
             " action";
  }
  return "";
}

std::string access_denied_message(const RequestContext& request, Decision decision) {
  const PolicyType decided_by =
      request.resource_arn == "*" ? PolicyType::kIdentityBased : PolicyType::kResourceBased;
  return access_denied_message(request, Authorization{decision, decided_by});
}

}  // namespace coffer::core::policy
