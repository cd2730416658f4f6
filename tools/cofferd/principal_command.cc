#include "tools/cofferd/principal_command.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/model/caller.h"
#include "core/model/clock.h"
#include "core/service/identity_policies.h"
#include "core/store/sqlite_store.h"

namespace coffer::cofferd {
namespace {

// As the aws CLI reads a policy: file://PATH, or the document itself.
std::string document_of(const std::string& given) {
  if (!given.starts_with("file://")) return given;
  std::ifstream in(given.substr(7), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + given.substr(7));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int put_principal_policy(const DaemonConfig& config, const PrincipalPolicyArgs& args) {
  core::SqliteStore store(config.database);
  core::SystemClock clock;
  core::IdentityPolicies policies(store, clock);
  const std::string arn = core::principal_arn_of(args.principal, config.account_id);
  policies.put(arn, args.policy_name, document_of(args.policy_document));
  std::printf("attached %s to %s\n", args.policy_name.c_str(), arn.c_str());
  return 0;
}

int delete_principal_policy(const DaemonConfig& config, const PrincipalPolicyArgs& args) {
  core::SqliteStore store(config.database);
  core::SystemClock clock;
  core::IdentityPolicies policies(store, clock);
  const std::string arn = core::principal_arn_of(args.principal, config.account_id);
  if (!policies.remove(arn, args.policy_name))
    throw std::runtime_error("no policy " + args.policy_name + " on " + arn);
  std::printf("removed %s from %s\n", args.policy_name.c_str(), arn.c_str());
  return 0;
}

int list_principal_policies(const DaemonConfig& config, const PrincipalPolicyArgs& args) {
  core::SqliteStore store(config.database);
  const std::string arn =
      args.principal.empty() ? "" : core::principal_arn_of(args.principal, config.account_id);
  for (const auto& policy : store.list_principal_policies(arn))
    std::printf("%s %s %s\n", policy.principal_arn.c_str(), policy.name.c_str(),
                policy.document.c_str());
  return 0;
}

}  // namespace coffer::cofferd
