#include "tools/cofferd/principal_command.h"

#include <cstdio>
#include <stdexcept>

#include "core/model/clock.h"
#include "core/service/identity_policies.h"
#include "core/store/sqlite_store.h"
#include "tools/command_line/document_argument.h"

namespace coffer::cofferd {

int put_principal_policy(const DaemonConfig& config, const PrincipalPolicyArgs& args) {
  core::SqliteStore store(config.database);
  core::SystemClock clock;
  core::IdentityPolicies policies(store, clock);
  const std::string arn =
      core::IdentityPolicies::attachable_principal_arn(args.principal, config.account_id);
  policies.put(arn, args.policy_name, tools::read_document_argument(args.policy_document));
  std::printf("attached %s to %s\n", args.policy_name.c_str(), arn.c_str());
  return 0;
}

int delete_principal_policy(const DaemonConfig& config, const PrincipalPolicyArgs& args) {
  core::SqliteStore store(config.database);
  core::SystemClock clock;
  core::IdentityPolicies policies(store, clock);
  const std::string arn =
      core::IdentityPolicies::attachable_principal_arn(args.principal, config.account_id);
  if (!policies.remove(arn, args.policy_name))
    throw std::runtime_error("no policy " + args.policy_name + " on " + arn);
  std::printf("removed %s from %s\n", args.policy_name.c_str(), arn.c_str());
  return 0;
}

int list_principal_policies(const DaemonConfig& config, const PrincipalPolicyArgs& args) {
  core::SqliteStore store(config.database);
  const std::string arn = args.principal.empty() ? ""
                                                 : core::IdentityPolicies::attachable_principal_arn(
                                                       args.principal, config.account_id);
  for (const auto& policy : store.list_principal_policies(arn))
    std::printf("%s %s %s\n", policy.principal_arn.c_str(), policy.name.c_str(),
                policy.document.c_str());
  return 0;
}

}  // namespace coffer::cofferd
