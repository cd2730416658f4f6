#include "core/store/encryption_counter.h"

namespace coffer::core {

std::uint64_t VersionCounter::take(std::uint64_t block, const Reserve& reserve) {
  const std::uint64_t n = used_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n <= reserved_.load(std::memory_order_acquire)) return n;
  std::lock_guard lock(reserve_mutex_);
  std::uint64_t reserved = reserved_.load(std::memory_order_relaxed);
  if (n > reserved) {
    // Cover n even if many callers raced past the old reservation.
    std::uint64_t next = reserved + block;
    while (next < n) next += block;
    reserve(next);  // durable before any encryption counted by it happens
    reserved_.store(next, std::memory_order_release);
  }
  return n;
}

std::string EncryptionCounter::slot_name(const std::string& key_id, std::uint32_t version) {
  return key_id + "#" + std::to_string(version);
}

std::shared_ptr<VersionCounter> EncryptionCounter::counter_for(const std::string& key_id,
                                                               std::uint32_t version,
                                                               std::uint64_t durable_reserved) {
  std::lock_guard lock(mutex_);
  auto& slot = counters_[slot_name(key_id, version)];
  if (!slot) slot = std::make_shared<VersionCounter>(durable_reserved);
  return slot;
}

std::uint64_t EncryptionCounter::used(const std::string& key_id, std::uint32_t version) const {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(slot_name(key_id, version));
  return it == counters_.end() ? 0 : it->second->used();
}

void EncryptionCounter::forget_key(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  const std::string prefix = key_id + "#";
  for (auto it = counters_.begin(); it != counters_.end();) {
    if (it->first.starts_with(prefix))
      it = counters_.erase(it);
    else
      ++it;
  }
}

}  // namespace coffer::core
