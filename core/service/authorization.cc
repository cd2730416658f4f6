// KmsService's authorization, AWS's evaluation for the caller the front end named
// (core/model/caller.h): an explicit Deny in the key policy or the caller's identity policies
// refuses; otherwise the key policy (alone, or through its account statement together with an
// identity policy) or a grant for the caller allows. Operations on no key are decided by
// identity policies alone. The account's root holds every permission no Deny takes away.
#include <algorithm>
#include <chrono>
#include <ctime>

#include "common/error.h"
#include "core/model/key_reference.h"
#include "core/policy/access_denied_message.h"
#include "core/policy/policy_evaluation.h"
#include "core/service/filled_condition_keys.h"
#include "core/service/grant_rules.h"
#include "core/service/kms_service.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

const std::vector<std::string> no_condition_keys;  // the default key policy names none

std::shared_ptr<const IdentityPolicies::Attached> no_identity_policies() {
  static const auto none = std::make_shared<const IdentityPolicies::Attached>();
  return none;
}

}  // namespace

std::string KmsService::action_of(api::Operation operation, const char* field) {
  // AWS names ReEncrypt's two permissions by the side of the key.
  if (operation == api::Operation::kReEncrypt)
    return std::string_view(field) == "DestinationKeyId" ? "kms:ReEncryptTo" : "kms:ReEncryptFrom";
  return "kms:" + std::string(api::spec(operation).aws_name);
}

policy::RequestContext KmsService::request_context(const Caller& caller, std::string action,
                                                   const CachedKey* key,
                                                   const EncryptionContext* context,
                                                   const std::vector<std::string>* wanted,
                                                   const RequestFacts* facts) const {
  policy::RequestContext request;
  request.principal_arn = principal_arn_of(caller.principal, config_.account_id);
  request.action = std::move(action);
  request.resource_arn = key ? key->arn : "*";
  // Only the keys the policy names are worth making (the hot path's cost); all without a list.
  auto wants = [&](std::string_view lowered) {
    return !wanted || std::ranges::find(*wanted, lowered) != wanted->end();
  };
  auto wants_any = [&](std::string_view lowered_prefix) {
    return !wanted || std::ranges::any_of(*wanted, [&](const std::string& k) {
      return k.starts_with(lowered_prefix);
    });
  };
  if (wants("kms:calleraccount") || wants("aws:principalaccount")) {
    const std::string account = account_of_principal(request.principal_arn);
    request.set("kms:CallerAccount", {account});
    request.set("aws:PrincipalAccount", {account});
  }
  if (wants("aws:principalarn")) request.set("aws:PrincipalArn", {request.principal_arn});
  if (wants("kms:grantisforawsresource") &&
      (request.action == "kms:CreateGrant" || request.action == "kms:ListGrants" ||
       request.action == "kms:RevokeGrant"))
    request.set("kms:GrantIsForAWSResource", {caller.via_service.empty() ? "false" : "true"});
  if (!caller.source_ip.empty() && wants("aws:sourceip"))
    request.set("aws:SourceIp", {caller.source_ip});
  if (!caller.via_service.empty() && wants("kms:viaservice"))
    request.set("kms:ViaService", {caller.via_service});
  if (wants("aws:currenttime") || wants("aws:epochtime")) {
    const std::time_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
    std::tm utc{};
    gmtime_r(&now, &utc);
    char iso[32];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &utc);
    request.set("aws:CurrentTime", {iso});
    request.set("aws:EpochTime", {std::to_string(now)});
  }
  if (key) {
    if (wants("kms:keyspec") || wants("kms:customermasterkeyspec")) {
      const std::string spec(to_string(key->record.key_spec));
      request.set("kms:KeySpec", {spec});
      request.set("kms:CustomerMasterKeySpec", {spec});
    }
    if (wants("kms:keyusage") || wants("kms:customermasterkeyusage")) {
      const std::string usage(to_string(key->record.key_usage));
      request.set("kms:KeyUsage", {usage});
      request.set("kms:CustomerMasterKeyUsage", {usage});
    }
    if (wants("kms:keyorigin"))
      request.set("kms:KeyOrigin", {std::string(to_string(key->record.origin))});
    if (wants_any("aws:resourcetag/"))
      for (const Tag& tag : key->tags) request.set("aws:ResourceTag/" + tag.key, {tag.value});
  }
  if (key && wants("kms:resourcealiases")) request.set("kms:ResourceAliases", aliases_of(*key));
  if (facts) {
    struct Named {
      std::string_view name, lowered, value;
    };
    const Named named[] = {
        {"kms:RequestAlias", "kms:requestalias", facts->request_alias},
        {"kms:EncryptionAlgorithm", "kms:encryptionalgorithm", facts->encryption_algorithm},
        {"kms:SigningAlgorithm", "kms:signingalgorithm", facts->signing_algorithm}};
    for (const Named& n : named)
      if (!n.value.empty() && wants(n.lowered))
        request.set(std::string(n.name), {std::string(n.value)});
  }
  if (context && !context->empty()) {
    if (wants_any("kms:encryptioncontext:"))
      for (const auto& [name, value] : *context)
        request.set("kms:EncryptionContext:" + name, {value});
    if (wants("kms:encryptioncontextkeys")) {
      std::vector<std::string> names;
      for (const auto& entry : *context) names.push_back(entry.first);
      request.set("kms:EncryptionContextKeys", std::move(names));
    }
  }
  return request;
}

std::shared_ptr<const IdentityPolicies::Attached> KmsService::identity_policies_of(
    const std::string& principal_arn) const {
  // The root's permissions are the account's: no identity policy is read for it. Identity
  // policies attached to another account's principal are that account's to grant, not ours.
  if (principal_arn == root_arn_ || account_of_principal(principal_arn) != config_.account_id)
    return no_identity_policies();
  return identity_policies_.of(principal_arn);
}

std::optional<GrantRecord> KmsService::authorize(api::Operation operation, const CachedKey& key,
                                                 const char* field,
                                                 const EncryptionContext* context,
                                                 const ExtraConditionKeys* extra,
                                                 const RequestFacts* facts) const {
  const Caller* caller = current_caller();
  if (!caller) return std::nullopt;  // Coffer's own work
  const std::string principal = principal_arn_of(caller->principal, config_.account_id);
  // The hot path: the default key policy trusts the account, and its root holds every
  // permission of the account.
  if (!key.policy && principal == root_arn_) return std::nullopt;
  const auto identity = identity_policies_of(principal);
  // Only the condition keys the policies name are made (all of them when an identity policy
  // names any: rare, and cheaper than merging lists per request).
  const std::vector<std::string>* wanted = key.policy ? &key.condition_keys : &no_condition_keys;
  if (!identity->condition_keys.empty()) wanted = nullptr;
  policy::RequestContext request =
      request_context(*caller, action_of(operation, field), &key, context, wanted, facts);
  if (extra)
    for (const auto& [name, values] : *extra) request.set(name, values);
  const policy::PolicyDocument& document = key.policy ? *key.policy : *default_policy_;
  const auto result =
      policy::authorize_with_reason(document, identity->pointers, request, config_.account_id);
  if (result.decision == policy::Decision::kAllow) return std::nullopt;
  if (result.decision == policy::Decision::kImplicitDeny) {
    // Grants allow what no policy denies (AWS: a Deny in either policy wins over a grant).
    const std::string operation_name = request.action.substr(4);  // without "kms:"
    for (const GrantRecord& grant : grants_of(key))
      if (grant_allows(grant, principal, operation_name, context)) return grant;
  }
  throw Error(ErrorCode::kAccessDenied, policy::access_denied_message(request, result));
}

void KmsService::authorize_account(api::Operation operation) const {
  authorize_by_identity(action_of(operation, "KeyId"), "*");
}

void KmsService::authorize_alias(api::Operation operation, const std::string& alias_name) const {
  authorize_by_identity(action_of(operation, "AliasName"),
                        alias_arn(config_.region, config_.account_id, alias_name));
}

void KmsService::authorize_by_identity(std::string action, std::string resource_arn) const {
  const Caller* caller = current_caller();
  if (!caller) return;
  const std::string principal = principal_arn_of(caller->principal, config_.account_id);
  if (principal == root_arn_) return;
  const auto identity = identity_policies_of(principal);
  policy::RequestContext request = request_context(*caller, std::move(action), nullptr, nullptr);
  request.resource_arn = std::move(resource_arn);
  const auto result = policy::authorize_by_identity_policies(identity->pointers, request);
  if (result.decision != policy::Decision::kAllow)
    throw Error(ErrorCode::kAccessDenied, policy::access_denied_message(request, result));
}

const std::vector<std::string>& KmsService::aliases_of(const CachedKey& key) const {
  std::call_once(key.aliases_loaded, [&] {
    for (const AliasRecord& alias :
         store_.list_aliases(config_.region, key.record.key_id, "", config_.max_aliases_per_key))
      key.aliases.push_back(alias.alias_name);
  });
  return key.aliases;
}

std::shared_ptr<const policy::PolicyDocument> KmsService::checked_key_policy(
    const std::string& document, bool bypass_lockout_check, const std::string& key_arn) const {
  if (document.empty() || document.size() > 32768) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
                "Member must have length less than or equal to 32768");
  }
  auto parsed = std::make_shared<const policy::PolicyDocument>(
      policy::PolicyDocument::parse(document, /*principal_required=*/true));
  for (const auto& statement : parsed->statements()) {
    for (const auto& condition : statement.conditions) {
      if (!condition_key_is_filled(condition.key())) {
        throw Error(ErrorCode::kMalformedPolicyDocument,
                    "Coffer does not evaluate the condition key " + condition.key() +
                        " yet; a policy that names it is refused rather than half-enforced");
      }
    }
  }
  // AWS's lockout safety check: the caller must be able to change the policy again.
  const Caller* caller = current_caller();
  if (caller && !bypass_lockout_check) {
    policy::RequestContext request = request_context(*caller, "kms:PutKeyPolicy", nullptr, nullptr);
    request.resource_arn = key_arn;
    if (!parsed->allows(request)) {
      throw Error(ErrorCode::kMalformedPolicyDocument,
                  "The new key policy will not allow you to update the key policy in the "
                  "future.");
    }
  }
  return parsed;
}

}  // namespace coffer::core
