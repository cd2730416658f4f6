// AccessDeniedException's message, in AWS's words:
//   User: ARN is not authorized to perform: kms:Encrypt on resource: KEY-ARN because no
//   resource-based policy allows the kms:Encrypt action
//   User: ARN is not authorized to perform: kms:Encrypt on resource: KEY-ARN with an explicit
//   deny in an identity-based policy
#pragma once

#include <string>

#include "core/policy/policy_evaluation.h"
#include "core/policy/request_context.h"

namespace coffer::core::policy {

// The message for a denial; empty for kAllow.
std::string access_denied_message(const RequestContext& request, const Authorization& result);
// Without the reason: a denial is put on the key policy, or on identity policies when the
// resource is "*" (ListKeys and the like have no key policy).
std::string access_denied_message(const RequestContext& request, Decision decision);

}  // namespace coffer::core::policy
