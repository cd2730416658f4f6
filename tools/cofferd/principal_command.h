// `cofferd [--state-dir DIR ...] principal put-policy|delete-policy|list-policies`: identity
// policies attached to principals (the "IAM" side of authorization), offline on the store. A
// running daemon reads a principal's policies again within IdentityPolicies::kRecheckAfter.
//   principal put-policy --principal role/AppRole --policy-name Decrypt
//                        --policy-document file://decrypt.json   (or the JSON itself)
#pragma once

#include <string>

#include "tools/cofferd/config.h"

namespace coffer::cofferd {

struct PrincipalPolicyArgs {
  std::string principal;  // "user/NAME", "role/NAME" or an IAM ARN
  std::string policy_name;
  std::string policy_document;  // JSON, or file://PATH
};

int put_principal_policy(const DaemonConfig& config, const PrincipalPolicyArgs& args);
int delete_principal_policy(const DaemonConfig& config, const PrincipalPolicyArgs& args);
// Every principal's policies when args.principal is empty.
int list_principal_policies(const DaemonConfig& config, const PrincipalPolicyArgs& args);

}  // namespace coffer::cofferd
