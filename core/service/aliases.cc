// KmsService: aliases.
#include <mutex>

#include "common/error.h"
#include "core/model/key_policy.h"
#include "core/model/key_reference.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {

void KmsService::create_alias(const std::string& alias_name, const std::string& target) {
  validate_alias_name(alias_name);
  std::lock_guard lock(mutation_mutex_);
  authorize_alias(api::Operation::kCreateAlias, alias_name);
  auto key = key_for(api::Operation::kCreateAlias, target, "TargetKeyId", /*fresh=*/true);
  const std::string& key_id = key->record.key_id;
  if (static_cast<int>(store_.count_aliases(key_id)) >= config_.max_aliases_per_key) {
    throw Error(ErrorCode::kLimitExceeded,
                "Key '" + key->arn + "' already has the maximum number of aliases");
  }
  const Timestamp now = clock_.now();
  store_.create_alias({config_.region, alias_name, key_id, now, now});
  {
    std::unique_lock cache_lock(cache_mutex_);
    aliases_[alias_name] = key_id;
  }
  load_key(key_id);  // published again: its kms:ResourceAliases changed
}

void KmsService::update_alias(const std::string& alias_name, const std::string& target) {
  validate_alias_name(alias_name);
  std::lock_guard lock(mutation_mutex_);
  auto alias = store_.get_alias(config_.region, alias_name);
  if (!alias) throw Error(ErrorCode::kNotFound, "Alias " + alias_name + " is not found.");
  authorize_alias(api::Operation::kUpdateAlias, alias_name);
  auto key = key_for(api::Operation::kUpdateAlias, target, "TargetKeyId", /*fresh=*/true);
  const std::string& key_id = key->record.key_id;
  // As AWS: the new target must be the same kind of key as the old one.
  if (auto old_key = load_key(alias->target_key_id)) {
    // As AWS: permission on the key the alias leaves as well as on the one it joins.
    authorize(api::Operation::kUpdateAlias, *old_key, "KeyId", nullptr);
    if (old_key->record.key_spec != key->record.key_spec ||
        old_key->record.key_usage != key->record.key_usage) {
      throw Error(ErrorCode::kValidation,
                  "The new target key must have the same key spec and key usage as the "
                  "current target key");
    }
  }
  const std::string old_key_id = alias->target_key_id;
  alias->target_key_id = key_id;
  alias->updated_at = clock_.now();
  store_.update_alias(*alias);
  {
    std::unique_lock cache_lock(cache_mutex_);
    aliases_[alias_name] = key_id;
  }
  load_key(old_key_id);  // both keys' kms:ResourceAliases changed
  load_key(key_id);
}

void KmsService::delete_alias(const std::string& alias_name) {
  validate_alias_name(alias_name, /*allow_reserved=*/true);
  std::lock_guard lock(mutation_mutex_);
  const auto alias = store_.get_alias(config_.region, alias_name);
  authorize_alias(api::Operation::kDeleteAlias, alias_name);
  if (alias) {
    if (auto key = load_key(alias->target_key_id))
      authorize(api::Operation::kDeleteAlias, *key, "KeyId", nullptr);
  }
  store_.delete_alias(config_.region, alias_name);
  {
    std::unique_lock cache_lock(cache_mutex_);
    aliases_.erase(alias_name);
  }
  if (alias) load_key(alias->target_key_id);  // its kms:ResourceAliases changed
}

ListAliasesResult KmsService::list_aliases(const std::optional<std::string>& key_reference,
                                           const Page& page) {
  authorize_account(api::Operation::kListAliases);
  const std::size_t limit = detail::page_limit(page, 100);
  const std::string after = detail::read_marker(page);
  std::optional<std::string> key_id;
  if (key_reference) {
    key_id = resolve_key_id(*key_reference, api::Operation::kListAliases);
    if (!cached_key(*key_id)) detail::not_found(*key_reference);
  }
  auto records = store_.list_aliases(config_.region, key_id, after, limit + 1);
  ListAliasesResult result;
  result.truncated = records.size() > limit;
  if (result.truncated) records.resize(limit);
  for (const auto& a : records) {
    result.aliases.push_back({a.alias_name,
                              alias_arn(config_.region, config_.account_id, a.alias_name),
                              a.target_key_id, a.created_at, a.updated_at});
  }
  if (result.truncated) result.next_marker = detail::make_marker(records.back().alias_name);
  return result;
}

}  // namespace coffer::core

namespace coffer::core {

std::string KmsService::aws_managed_key(const std::string& alias_name,
                                        const std::string& description) {
  validate_alias_name(alias_name, /*allow_reserved=*/true);
  if (auto alias = store_.get_alias(config_.region, alias_name))
    return arn_of(alias->target_key_id);
  // Made by Coffer for the service, whoever's request needed it first.
  const CallerScope as_coffer(nullptr);
  CreateKeyRequest request;
  request.description = description;
  const std::string service = alias_name.substr(alias_name.rfind('/') + 1);
  request.policy = aws_managed_key_policy(config_.account_id, config_.region, service);
  const KeyMetadata key = create_key(request);
  const Timestamp now = clock_.now();
  try {
    std::lock_guard lock(mutation_mutex_);
    store_.create_alias({config_.region, alias_name, key.key_id, now, now});
    std::unique_lock cache_lock(cache_mutex_);
    aliases_[alias_name] = key.key_id;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kAlreadyExists) throw;
    // Another caller made it first: theirs wins, this key goes.
    schedule_key_deletion(key.key_id, 7);
    auto alias = store_.get_alias(config_.region, alias_name);
    if (!alias) throw;
    return arn_of(alias->target_key_id);
  }
  return key.arn;
}

}  // namespace coffer::core
