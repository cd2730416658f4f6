// KmsService's authorization: every operation on a key is decided by the key's policy (and, for
// operations on no key, by the caller's identity policies) for the caller the front end named
// (core/model/caller.h). Identity policies and grants are not stored yet: a principal other
// than the account's root gets exactly what key policies grant it by name.
#include <algorithm>
#include <chrono>
#include <ctime>

#include "common/error.h"
#include "core/policy/access_denied_message.h"
#include "core/policy/policy_evaluation.h"
#include "core/service/kms_service.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

// The condition keys this service puts in a request context (lower-cased); a policy naming any
// other is refused, since its condition would silently never hold.
constexpr std::string_view kFilledKeys[] = {
    "kms:calleraccount",
    "aws:principalarn",
    "aws:principalaccount",
    "kms:viaservice",
    "kms:encryptioncontextkeys",
    "kms:keyspec",
    "kms:keyusage",
    "kms:keyorigin",
    "kms:customermasterkeyspec",
    "kms:customermasterkeyusage",
    "aws:currenttime",
    "aws:epochtime",
};
constexpr std::string_view kFilledPrefixes[] = {"kms:encryptioncontext:", "aws:resourcetag/"};

const std::vector<std::string> no_condition_keys;  // the default key policy names none

bool is_filled(std::string_view key) {
  if (std::ranges::find(kFilledKeys, key) != std::end(kFilledKeys)) return true;
  return std::ranges::any_of(kFilledPrefixes, [&](std::string_view p) {
    return key.size() > p.size() && key.starts_with(p);
  });
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
                                                   const std::vector<std::string>* wanted) const {
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

void KmsService::authorize(api::Operation operation, const CachedKey& key, const char* field,
                           const EncryptionContext* context) const {
  const Caller* caller = current_caller();
  if (!caller) return;  // Coffer's own work
  // The hot path: the default key policy trusts the account, and its root holds every
  // permission of the account.
  if (!key.policy && principal_arn_of(caller->principal, config_.account_id) == root_arn_) return;
  const policy::RequestContext request =
      request_context(*caller, action_of(operation, field), &key, context,
                      key.policy ? &key.condition_keys : &no_condition_keys);
  const policy::PolicyDocument& document = key.policy ? *key.policy : *default_policy_;
  const auto result = policy::authorize_with_reason(document, {}, request, config_.account_id);
  if (result.decision != policy::Decision::kAllow)
    throw Error(ErrorCode::kAccessDenied, policy::access_denied_message(request, result));
}

void KmsService::authorize_account(api::Operation operation) const {
  const Caller* caller = current_caller();
  if (!caller || principal_arn_of(caller->principal, config_.account_id) == root_arn_) return;
  const policy::RequestContext request =
      request_context(*caller, action_of(operation, "KeyId"), nullptr, nullptr);
  const auto result = policy::authorize_by_identity_policies({}, request);
  if (result.decision != policy::Decision::kAllow)
    throw Error(ErrorCode::kAccessDenied, policy::access_denied_message(request, result));
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
      if (!is_filled(condition.key())) {
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
