// KmsService: creating keys and moving them through their states.
#include <mutex>
#include <set>

#include "common/error.h"
#include "core/model/key_policy.h"
#include "core/model/key_reference.h"
#include "core/model/tag_rules.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

void validate_description(const std::string& description) {
  if (description.size() > 8192) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value at 'description' failed to satisfy "
                "constraint: Member must have length less than or equal to 8192");
  }
}

}  // namespace

KeyRecord KmsService::new_key_record(const std::optional<std::string>& key_spec,
                                     const std::optional<std::string>& key_usage,
                                     const std::optional<std::string>& description,
                                     bool multi_region) const {
  KeyRecord key;
  key.key_spec = key_spec ? parse_key_spec(*key_spec, "keySpec") : KeySpec::kSymmetricDefault;
  key.key_usage = key_usage ? parse_key_usage(*key_usage, "keyUsage") : default_usage(key.key_spec);
  if (!usage_allowed(key.key_spec, key.key_usage)) {
    throw Error(ErrorCode::kValidation, "KeyUsage " + std::string(to_string(key.key_usage)) +
                                            " is not compatible with KeySpec " +
                                            std::string(to_string(key.key_spec)));
  }
  key.description = description.value_or("");
  validate_description(key.description);
  key.key_id = new_key_id(multi_region);
  key.region = config_.region;
  key.multi_region = multi_region;
  key.state = KeyState::kEnabled;
  key.created_at = clock_.now();
  key.current_version = 1;
  return key;
}

KeyMetadata KmsService::commit_new_key(const KeyRecord& key, const std::vector<Tag>& tags,
                                       const WrappedMaterial& material) {
  KeyVersionRecord version{key.key_id,   1, token_object_id(key.key_id, 1), key.created_at,
                           std::nullopt, 0};
  version.wrapped_material = material.wrapped;
  version.domain_key_version = material.domain_key_version;
  version.public_key = material.public_key;
  // The material exists only inside this record: a crash before the commit leaves nothing.
  std::lock_guard lock(mutation_mutex_);
  store_.create_key(key, version, tags);
  publish(key);
  return metadata_of(key);
}

KeyMetadata KmsService::create_key(const CreateKeyRequest& request) {
  if (request.origin && parse_origin(*request.origin, "origin") != Origin::kAwsKms) {
    throw Error(ErrorCode::kUnsupportedOperation, "Only Origin AWS_KMS is supported");
  }
  authorize_account(api::Operation::kCreateKey);
  KeyRecord key = new_key_record(request.key_spec, request.key_usage, request.description,
                                 request.multi_region);
  if (request.policy) {
    checked_key_policy(*request.policy, request.bypass_policy_lockout_safety_check,
                       arn_of(key.key_id));
    key.policy = request.policy;
  }
  if (request.multi_region && !is_symmetric(key.key_spec)) {
    // Replication of asymmetric and HMAC keys is not built yet; refuse instead of pretending.
    throw Error(ErrorCode::kUnsupportedOperation,
                "Multi-Region keys are symmetric only in this version");
  }
  validate_tags(request.tags, config_.max_tags_per_key);
  return commit_new_key(key, request.tags, material_.generate(config_.region, key.key_spec));
}

std::string KmsService::get_key_policy(const std::string& key_id) {
  auto key = key_for(api::Operation::kGetKeyPolicy, key_id);
  return key->record.policy.value_or(default_key_policy(config_.account_id));
}

std::vector<std::string> KmsService::list_key_policies(const std::string& key_id) {
  key_for(api::Operation::kListKeyPolicies, key_id);
  return {"default"};
}

void KmsService::put_key_policy(const std::string& key_id, const std::string& policy,
                                bool bypass_policy_lockout_safety_check) {
  auto key = key_for(api::Operation::kPutKeyPolicy, key_id, "KeyId", /*fresh=*/true);
  checked_key_policy(policy, bypass_policy_lockout_safety_check, key->arn);
  std::lock_guard lock(mutation_mutex_);
  store_.put_key_policy(key->record.key_id, policy);
  load_key(key->record.key_id);  // the new policy decides from the next request on
}

KeyMetadata KmsService::describe_key(const std::string& reference) {
  auto key = key_for(api::Operation::kDescribeKey, reference);
  return metadata_of(key->record);
}

ListKeysResult KmsService::list_keys(const Page& page) {
  authorize_account(api::Operation::kListKeys);
  const std::size_t limit = detail::page_limit(page, 100);
  const std::string after = detail::read_marker(page);
  if (!after.empty() && !looks_like_key_id(after))
    throw Error(ErrorCode::kInvalidMarker, "Invalid marker");
  auto records = store_.list_keys(config_.region, after, limit + 1);
  ListKeysResult result;
  result.truncated = records.size() > limit;
  if (result.truncated) records.resize(limit);
  for (const auto& r : records) result.keys.push_back({r.key_id, arn_of(r.key_id)});
  if (result.truncated) result.next_marker = detail::make_marker(records.back().key_id);
  return result;
}

void KmsService::enable_key(const std::string& reference) {
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kEnableKey, reference, "KeyId", /*fresh=*/true);
  KeyRecord record = key->record;
  if (record.state == KeyState::kEnabled) return;
  record.state = KeyState::kEnabled;
  store_.update_key(record);
  publish(record);
}

void KmsService::disable_key(const std::string& reference) {
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kDisableKey, reference, "KeyId", /*fresh=*/true);
  KeyRecord record = key->record;
  if (record.state == KeyState::kDisabled) return;
  record.state = KeyState::kDisabled;
  store_.update_key(record);
  publish(record);
}

ScheduleKeyDeletionResult KmsService::schedule_key_deletion(
    const std::string& reference, std::optional<int> pending_window_in_days) {
  const int days_to_wait = pending_window_in_days.value_or(30);
  if (days_to_wait < 7 || days_to_wait > 30) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value '" + std::to_string(days_to_wait) +
                    "' at 'pendingWindowInDays' failed to satisfy constraint: Member must "
                    "have value between 7 and 30");
  }
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kScheduleKeyDeletion, reference, "KeyId", /*fresh=*/true);
  KeyRecord record = key->record;
  record.state = KeyState::kPendingDeletion;
  record.pending_window_days = days_to_wait;
  record.deletion_date = clock_.now() + days(days_to_wait);
  store_.update_key(record);
  publish(record);
  return {arn_of(record.key_id), *record.deletion_date, record.state, days_to_wait};
}

std::string KmsService::cancel_key_deletion(const std::string& reference) {
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kCancelKeyDeletion, reference, "KeyId", /*fresh=*/true);
  KeyRecord record = key->record;
  // As in AWS, a key whose deletion is cancelled comes back disabled.
  record.state = KeyState::kDisabled;
  record.deletion_date.reset();
  record.pending_window_days.reset();
  store_.update_key(record);
  publish(record);
  return arn_of(record.key_id);
}

void KmsService::update_key_description(const std::string& reference,
                                        const std::string& description) {
  validate_description(description);
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kUpdateKeyDescription, reference, "KeyId", /*fresh=*/true);
  KeyRecord record = key->record;
  record.description = description;
  store_.update_key(record);
  publish(record);
}

void KmsService::delete_now_locked(const KeyRecord& key) {
  const auto versions = store_.list_versions(key.key_id);
  // Metadata first: a crash after it leaves only orphaned token objects, which the
  // reconciler removes; never metadata that points at destroyed material.
  store_.delete_key(key.key_id);
  forget(key.key_id);
  for (const auto& v : versions) {
    material_.cache().forget(v.token_object_id);
    if (v.form() != MaterialForm::kTokenObject) continue;  // nothing of it is in the token
    try {
      token_.destroy(v.token_object_id);
    } catch (const Error&) {  // left for the reconciler
    }
  }
}

}  // namespace coffer::core
