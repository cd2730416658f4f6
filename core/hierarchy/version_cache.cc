#include "core/hierarchy/version_cache.h"

#include <chrono>
#include <iterator>

namespace coffer::core {

UnwrappedVersion::~UnwrappedVersion() {
  if (!owned_) return;
  try {
    token_.destroy_made(object_id_);
  } catch (...) {  // a session object dies with its session anyway
  }
}

VersionCache::VersionCache(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

VersionCache::~VersionCache() { clear(); }

VersionLease VersionCache::get(const std::string& name, const std::function<VersionLease()>& load) {
  std::promise<VersionLease> promise;
  std::uint64_t ticket = 0;
  {
    std::unique_lock lock(mutex_);
    auto it = entries_.find(name);
    if (it != entries_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.position);
      auto lease = it->second.lease;
      lock.unlock();
      hits_.fetch_add(1, std::memory_order_relaxed);
      return lease.get();  // waits while another thread unwraps it
    }
    ticket = ++tickets_;
    lru_.push_front(name);
    entries_.emplace(name, Entry{promise.get_future().share(), lru_.begin(), ticket});
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  try {
    VersionLease lease = load();
    promise.set_value(lease);
    std::vector<std::shared_future<VersionLease>> evicted;  // destroyed after the unlock
    std::lock_guard lock(mutex_);
    trim(evicted);
    return lease;
  } catch (...) {
    promise.set_exception(std::current_exception());
    std::shared_future<VersionLease> dropped;  // destroyed after the unlock
    std::lock_guard lock(mutex_);
    // Only our own placeholder: the name may have been forgotten and loaded again meanwhile.
    auto it = entries_.find(name);
    if (it != entries_.end() && it->second.ticket == ticket) {
      dropped = std::move(it->second.lease);
      lru_.erase(it->second.position);
      entries_.erase(it);
    }
    throw;
  }
}

VersionLease VersionCache::find(const std::string& name) {
  std::unique_lock lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return nullptr;
  auto& lease = it->second.lease;
  if (lease.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.position);
  VersionLease found;
  try {
    found = lease.get();
  } catch (...) {
    return nullptr;
  }
  lock.unlock();
  hits_.fetch_add(1, std::memory_order_relaxed);
  return found;
}

void VersionCache::trim(std::vector<std::shared_future<VersionLease>>& evicted) {
  while (entries_.size() > capacity_) {
    // The least recently used entry that has finished loading.
    auto victim = lru_.end();
    for (auto it = std::prev(lru_.end());; --it) {
      auto& lease = entries_.at(*it).lease;
      if (lease.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        victim = it;
        break;
      }
      if (it == lru_.begin()) break;
    }
    if (victim == lru_.end()) return;
    auto entry = entries_.find(*victim);
    evicted.push_back(std::move(entry->second.lease));
    entries_.erase(entry);
    lru_.erase(victim);
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
}

void VersionCache::evict(const std::string& name, const UnwrappedVersion* instance) {
  std::shared_future<VersionLease> dropped;  // destroyed after the unlock
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return;
  auto& lease = it->second.lease;
  if (lease.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  try {
    if (lease.get().get() != instance) return;
  } catch (...) {
  }
  dropped = std::move(lease);
  lru_.erase(it->second.position);
  entries_.erase(it);
}

void VersionCache::forget(const std::string& name) {
  std::shared_future<VersionLease> dropped;  // destroyed after the unlock
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return;
  dropped = std::move(it->second.lease);
  lru_.erase(it->second.position);
  entries_.erase(it);
}

void VersionCache::clear() {
  std::unordered_map<std::string, Entry> dropped;  // destroyed after the unlock
  std::lock_guard lock(mutex_);
  dropped.swap(entries_);
  lru_.clear();
}

VersionCacheStats VersionCache::stats() const {
  VersionCacheStats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.evictions = evictions_.load(std::memory_order_relaxed);
  s.capacity = capacity_;
  std::lock_guard lock(mutex_);
  s.size = entries_.size();
  return s;
}

}  // namespace coffer::core
