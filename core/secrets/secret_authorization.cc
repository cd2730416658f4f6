// SecretsService's authorization, as AWS decides a Secrets Manager request of its own account:
// an explicit Deny in the secret's resource policy refuses anyone; the account's root holds
// every permission; another principal needs an Allow that names it in the resource policy
// (identity policies, which could also allow it, are not stored yet). Operations on no
// secret (CreateSecret, ListSecrets, GetRandomPassword...) are the root's alone for now.
#include "common/error.h"
#include "core/model/caller.h"
#include "core/policy/access_denied_message.h"
#include "core/policy/policy_document.h"
#include "core/policy/policy_evaluation.h"
#include "core/secrets/secrets_service.h"
#include "core/secrets/secrets_service_internal.h"

namespace coffer::core {

void SecretsService::authorize(api::Operation operation, const SecretRecord* secret) const {
  const Caller* caller = current_caller();
  if (!caller) return;  // Coffer's own work (the scheduler, the rotation engine)
  const std::string principal = principal_arn_of(caller->principal, config_.account_id);
  const bool root = principal == account_root_arn(config_.account_id);
  const bool has_policy = secret && secret->resource_policy && !secret->resource_policy->empty();
  if (root && !has_policy) return;  // the hot path

  policy::RequestContext request;
  request.principal_arn = principal;
  request.action = "secretsmanager:" + std::string(api::spec(operation).aws_name);
  request.resource_arn = secret ? secret->arn : "*";
  request.set("aws:PrincipalArn", {principal});
  request.set("aws:PrincipalAccount", {account_of_principal(principal)});

  policy::Verdict verdict;
  if (has_policy) {
    try {
      verdict = policy::PolicyDocument::parse(*secret->resource_policy, true).verdict(request);
    } catch (const Error&) {
      // Stored by PutResourcePolicy's lighter check but not evaluable here (a Secrets Manager
      // condition key, say): it can restrict, so it is read as refusing everyone but the root.
      verdict.denied = !root;
    }
  }
  if (verdict.denied) {
    throw Error(ErrorCode::kAccessDenied,
                policy::access_denied_message(
                    request, policy::Authorization{policy::Decision::kExplicitDeny,
                                                   policy::PolicyType::kResourceBased}));
  }
  if (root || verdict.allowed) return;
  throw Error(ErrorCode::kAccessDenied,
              policy::access_denied_message(
                  request, policy::Authorization{policy::Decision::kImplicitDeny,
                                                 policy::PolicyType::kIdentityBased}));
}

}  // namespace coffer::core
