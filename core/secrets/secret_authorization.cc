// SecretsService's authorization, as AWS decides a Secrets Manager request of its own account:
// an explicit Deny in the secret's resource policy or in the caller's identity policies
// refuses anyone; the account's root holds every other permission; another principal needs an
// Allow that names it in the resource policy or an Allow in its identity policies. Operations
// on no secret (CreateSecret, ListSecrets, GetRandomPassword...) are decided by identity
// policies alone.
#include <chrono>
#include <ctime>

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
  if (!caller->source_ip.empty()) request.set("aws:SourceIp", {caller->source_ip});
  const std::time_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  std::tm utc{};
  gmtime_r(&now, &utc);
  char iso[32];
  std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &utc);
  request.set("aws:CurrentTime", {iso});
  request.set("aws:EpochTime", {std::to_string(now)});
  if (secret)
    for (const Tag& tag : store_.list_secret_tags(secret->arn))
      request.set("aws:ResourceTag/" + tag.key, {tag.value});

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
  auto deny = [&](policy::Decision decision, policy::PolicyType type) {
    throw Error(ErrorCode::kAccessDenied,
                policy::access_denied_message(request, policy::Authorization{decision, type}));
  };
  if (verdict.denied) deny(policy::Decision::kExplicitDeny, policy::PolicyType::kResourceBased);
  if (root) return;
  // Identity policies of another account's principal are that account's to grant: across
  // accounts the resource policy must allow too, as AWS requires.
  const bool same_account = account_of_principal(principal) == config_.account_id;
  const auto identity = same_account ? kms_.identity_policies().of(principal)
                                     : std::make_shared<const IdentityPolicies::Attached>();
  const auto by_identity = policy::authorize_by_identity_policies(identity->pointers, request);
  if (by_identity.decision == policy::Decision::kExplicitDeny)
    deny(policy::Decision::kExplicitDeny, policy::PolicyType::kIdentityBased);
  if (verdict.allowed || by_identity.decision == policy::Decision::kAllow) return;
  deny(policy::Decision::kImplicitDeny, policy::PolicyType::kIdentityBased);
}

}  // namespace coffer::core
