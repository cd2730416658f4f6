#include "core/secrets/secret_read_cache.h"

#include <mutex>

namespace coffer::core {

std::uint64_t SecretReadCache::generation() const {
  std::shared_lock lock(mutex_);
  return generation_;
}

std::shared_ptr<const SecretReadCache::Entry> SecretReadCache::find(
    const std::string& secret_id) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(secret_id);
  return it == entries_.end() ? nullptr : it->second;
}

void SecretReadCache::put(const std::string& secret_id, std::uint64_t generation, Entry entry) {
  std::unique_lock lock(mutex_);
  if (generation != generation_) return;  // a change happened while the store was read
  if (entries_.size() >= kMaxEntries) entries_.clear();  // bounded; refills on demand
  entries_[secret_id] = std::make_shared<const Entry>(std::move(entry));
}

void SecretReadCache::clear() {
  std::unique_lock lock(mutex_);
  ++generation_;
  entries_.clear();
}

}  // namespace coffer::core
