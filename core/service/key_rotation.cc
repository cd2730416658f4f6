// KmsService: versions, rotation (automatic, on demand, by wear) and the scheduler that
// also carries out scheduled deletions.
#include <mutex>

#include "common/error.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

void require_rotatable(const KeyRecord& key) {
  if (!is_symmetric(key.key_spec)) {
    throw Error(ErrorCode::kUnsupportedOperation,
                "Key rotation is not supported for keys with KeySpec " +
                    std::string(to_string(key.key_spec)));
  }
}

}  // namespace

void KmsService::rotate_locked(const std::string& key_id, RotationType type) {
  auto current = store_.get_key(key_id);
  if (!current) detail::not_found(key_id);
  KeyRecord record = *current;
  const Timestamp now = clock_.now();
  const std::uint32_t next_version = record.current_version + 1;
  const std::string object = token_object_id(key_id, next_version);
  const WrappedMaterial material = material_.generate(config_.region, record.key_spec);

  record.current_version = next_version;
  if (type == RotationType::kAutomatic && record.rotation_enabled) {
    record.next_rotation_at = now + days(record.rotation_period_days.value_or(365));
  }
  if (type == RotationType::kOnDemand) ++record.on_demand_rotations;
  record.on_demand_rotation_started_at.reset();
  KeyVersionRecord version{key_id, next_version, object, now, type, 0};
  version.wrapped_material = material.wrapped;
  version.domain_key_version = material.domain_key_version;
  version.public_key = material.public_key;
  store_.add_version(record, version);
  publish(record);
}

void KmsService::enable_key_rotation(const std::string& reference, std::optional<int> period) {
  const int days_between = period.value_or(365);
  if (days_between < 90 || days_between > 2560) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value '" + std::to_string(days_between) +
                    "' at 'rotationPeriodInDays' failed to satisfy constraint: Member must "
                    "have value between 90 and 2560");
  }
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kEnableKeyRotation, reference, "KeyId", /*fresh=*/true);
  KeyRecord record = key->record;
  require_rotatable(record);
  record.rotation_enabled = true;
  record.rotation_period_days = days_between;
  record.next_rotation_at = clock_.now() + days(days_between);
  store_.update_key(record);
  publish(record);
}

void KmsService::disable_key_rotation(const std::string& reference) {
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kDisableKeyRotation, reference, "KeyId", /*fresh=*/true);
  KeyRecord record = key->record;
  require_rotatable(record);
  record.rotation_enabled = false;
  record.next_rotation_at.reset();
  store_.update_key(record);
  publish(record);
}

KeyRotationStatus KmsService::get_key_rotation_status(const std::string& reference) {
  auto key = key_for(api::Operation::kGetKeyRotationStatus, reference);
  const KeyRecord& r = key->record;
  require_rotatable(r);
  KeyRotationStatus status;
  status.key_rotation_enabled = r.rotation_enabled;
  status.key_id = key->arn;
  if (r.rotation_enabled) {
    status.rotation_period_in_days = r.rotation_period_days;
    status.next_rotation_date = r.next_rotation_at;
  }
  status.on_demand_rotation_start_date = r.on_demand_rotation_started_at;
  return status;
}

std::string KmsService::rotate_key_on_demand(const std::string& reference) {
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kRotateKeyOnDemand, reference, "KeyId", /*fresh=*/true);
  const KeyRecord& record = key->record;
  require_rotatable(record);
  if (record.on_demand_rotations >= config_.on_demand_rotation_limit) {
    throw Error(ErrorCode::kLimitExceeded, "Key '" + key->arn + "' has reached its limit of " +
                                               std::to_string(config_.on_demand_rotation_limit) +
                                               " on-demand rotations");
  }
  rotate_locked(record.key_id, RotationType::kOnDemand);
  return record.key_id;
}

ListKeyRotationsResult KmsService::list_key_rotations(const std::string& reference,
                                                      const Page& page) {
  const std::size_t limit = detail::page_limit(page, 100);
  const std::string marker = detail::read_marker(page);
  std::uint32_t after = 0;
  if (!marker.empty()) {
    try {
      after = static_cast<std::uint32_t>(std::stoul(marker));
    } catch (const std::exception&) {
      throw Error(ErrorCode::kInvalidMarker, "Invalid marker");
    }
  }
  auto key = key_for(api::Operation::kListKeyRotations, reference);
  require_rotatable(key->record);
  ListKeyRotationsResult result;
  std::uint32_t last_listed = after;
  for (const auto& v : store_.list_versions(key->record.key_id)) {
    if (!v.rotation_type || v.version <= after) continue;  // the first version is not a rotation
    if (result.rotations.size() == limit) {
      result.truncated = true;
      result.next_marker = detail::make_marker(std::to_string(last_listed));
      break;
    }
    result.rotations.push_back({key->arn, v.token_object_id, v.created_at, *v.rotation_type});
    last_listed = v.version;
  }
  return result;
}

void KmsService::rotate_if_worn(const std::string& key_id, std::uint32_t version) {
  std::lock_guard lock(mutation_mutex_);
  auto record = store_.get_key(key_id);
  // Another caller may have rotated already, or the key may have changed state.
  if (!record || record->current_version != version || record->state != KeyState::kEnabled) return;
  rotate_locked(key_id, RotationType::kAutomatic);
}

DomainKeyRecord KmsService::rotate_domain_key() {
  return material_.domain_keys().rotate(config_.region);
}

int KmsService::run_domain_key_work() {
  DomainKeys& domain_keys = material_.domain_keys();
  int changed = 0;
  if (config_.domain_key_rotation_days > 0) {
    domain_keys.refresh(config_.region);
    const DomainKeyRecord current = domain_keys.current(config_.region);
    if (current.created_at + days(config_.domain_key_rotation_days) <= clock_.now()) {
      domain_keys.rotate(config_.region);
      ++changed;
    }
  }
  changed += static_cast<int>(
      material_.rewrap_step(config_.region, config_.rewrap_batch, config_.retire_domain_keys));
  return changed;
}

int KmsService::run_due_work() {
  int changed = run_domain_key_work();
  const Timestamp now = clock_.now();
  for (const KeyRecord& due : store_.keys_due(now)) {
    std::lock_guard lock(mutation_mutex_);
    auto record = store_.get_key(due.key_id);  // it may have changed since the query
    if (!record) continue;
    if (record->state == KeyState::kPendingDeletion && record->deletion_date &&
        *record->deletion_date <= now) {
      delete_now_locked(*record);
      ++changed;
    } else if (record->rotation_enabled && record->state == KeyState::kEnabled &&
               record->next_rotation_at && *record->next_rotation_at <= now) {
      rotate_locked(record->key_id, RotationType::kAutomatic);
      ++changed;
    }
  }
  return changed;
}

void KmsService::start_scheduler(std::chrono::milliseconds interval) {
  std::lock_guard lock(scheduler_mutex_);
  if (scheduler_.joinable()) return;
  scheduler_stop_ = false;
  scheduler_ = std::thread([this, interval] {
    std::unique_lock sleeping(scheduler_mutex_);
    while (!scheduler_stop_) {
      sleeping.unlock();
      try {
        run_due_work();
      } catch (const std::exception&) {
        // Tried again at the next tick; a failure here must not stop future rotations.
      }
      sleeping.lock();
      scheduler_wake_.wait_for(sleeping, interval, [this] { return scheduler_stop_; });
    }
  });
}

void KmsService::stop_scheduler() {
  {
    std::lock_guard lock(scheduler_mutex_);
    scheduler_stop_ = true;
  }
  scheduler_wake_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
}

}  // namespace coffer::core
