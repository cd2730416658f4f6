#include "core/service/identity_policies.h"

#include <algorithm>
#include <string_view>

#include "common/error.h"
#include "core/model/caller.h"
#include "core/service/filled_condition_keys.h"

namespace coffer::core {
namespace {

// Denies every action: what a stored document that cannot be parsed any more stands for.
constexpr const char* kDenyAll =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})";

std::vector<std::string> condition_keys_of(const policy::PolicyDocument& document) {
  std::vector<std::string> keys;
  for (const auto& statement : document.statements())
    for (const auto& condition : statement.conditions) keys.push_back(condition.key());
  return keys;
}

bool valid_policy_name(const std::string& name) {
  // IAM: 1 to 128 of [A-Za-z0-9+=,.@_-].
  if (name.empty() || name.size() > 128) return false;
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("+=,.@_-").find(c) != std::string_view::npos;
  });
}

// user/NAME or role/NAME, where NAME is IAM's [\w+=,.@-]+ (with IAM's /path/ segments).
bool attachable_resource(std::string_view resource) {
  if (!(resource.starts_with("user/") || resource.starts_with("role/"))) return false;
  const std::string_view name = resource.substr(5);
  return !name.empty() && name.size() <= 512 && !name.starts_with('/') && !name.ends_with('/') &&
         name.find("//") == std::string_view::npos && std::ranges::all_of(name, [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view("+=,.@_-/").find(c) != std::string_view::npos;
         });
}

Error not_attachable(const std::string& given) {
  return Error(ErrorCode::kValidation,
               "Identity policies attach to user/NAME, role/NAME or arn:aws:iam::ACCOUNT:user/NAME "
               "(role/NAME), not '" +
                   given.substr(0, 200) + "'");
}

}  // namespace

std::string IdentityPolicies::attachable_principal_arn(const std::string& given,
                                                       const std::string& account_id) {
  // principal_arn_of reads any other name as the root, to which no policy attaches.
  if (!given.starts_with("arn:aws:iam::") && !attachable_resource(given))
    throw not_attachable(given);
  const std::string arn = principal_arn_of(given, account_id);
  const std::string account = account_of_principal(arn);
  if (account != account_id) {
    throw Error(ErrorCode::kValidation, "The principal '" + given.substr(0, 200) +
                                            "' is not of this account (" + account_id + ")");
  }
  if (!attachable_resource(arn.substr(13 + account.size() + 1))) throw not_attachable(given);
  return arn;
}

IdentityPolicies::IdentityPolicies(MetadataStore& store, const Clock& clock)
    : store_(store), clock_(clock) {}

void IdentityPolicies::validate(const std::string& principal_arn, const std::string& name,
                                const std::string& document) {
  const std::string account = account_of_principal(principal_arn);
  if (account.empty() || !attachable_resource(principal_arn.substr(13 + account.size() + 1)))
    throw not_attachable(principal_arn);
  if (!valid_policy_name(name)) {
    throw Error(ErrorCode::kValidation,
                "The policy name must be 1 to 128 letters, digits or +=,.@_- characters");
  }
  if (document.empty() || document.size() > kMaxDocumentBytes) {
    throw Error(ErrorCode::kMalformedPolicyDocument, "An identity policy must be 1 to " +
                                                         std::to_string(kMaxDocumentBytes) +
                                                         " characters long");
  }
  const auto parsed = policy::PolicyDocument::parse(document, /*principal_required=*/false);
  for (const std::string& key : condition_keys_of(parsed)) {
    if (!condition_key_is_filled(key)) {
      throw Error(ErrorCode::kMalformedPolicyDocument,
                  "Coffer does not evaluate the condition key " + key +
                      " yet; a policy that names it is refused rather than half-enforced");
    }
  }
}

void IdentityPolicies::put(const std::string& principal_arn, const std::string& name,
                           const std::string& document) {
  validate(principal_arn, name, document);
  store_.put_principal_policy({principal_arn, name, document, clock_.now()});
  std::lock_guard lock(mutex_);
  cache_.erase(principal_arn);
}

bool IdentityPolicies::remove(const std::string& principal_arn, const std::string& name) {
  const bool removed = store_.delete_principal_policy(principal_arn, name);
  std::lock_guard lock(mutex_);
  cache_.erase(principal_arn);
  return removed;
}

std::vector<PrincipalPolicyRecord> IdentityPolicies::list(const std::string& principal_arn) {
  return store_.list_principal_policies(principal_arn);
}

std::shared_ptr<const IdentityPolicies::Attached> IdentityPolicies::load(
    const std::string& principal_arn) {
  auto attached = std::make_shared<Attached>();
  for (const auto& record : store_.list_principal_policies(principal_arn)) {
    std::shared_ptr<const policy::PolicyDocument> document;
    try {
      document = std::make_shared<const policy::PolicyDocument>(
          policy::PolicyDocument::parse(record.document, /*principal_required=*/false));
    } catch (const Error&) {
      document = std::make_shared<const policy::PolicyDocument>(
          policy::PolicyDocument::parse(kDenyAll, /*principal_required=*/false));
    }
    for (std::string& key : condition_keys_of(*document))
      attached->condition_keys.push_back(std::move(key));
    attached->documents.push_back(std::move(document));
  }
  for (const auto& document : attached->documents) attached->pointers.push_back(document.get());
  return attached;
}

std::shared_ptr<const IdentityPolicies::Attached> IdentityPolicies::of(
    const std::string& principal_arn) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(principal_arn);
    if (it != cache_.end() && now - it->second.checked_at < kRecheckAfter)
      return it->second.attached;
  }
  auto attached = load(principal_arn);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCachedPrincipals) cache_.clear();
  cache_[principal_arn] = {attached, now};
  return attached;
}

}  // namespace coffer::core
