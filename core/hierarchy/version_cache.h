// Key versions unwrapped into the token, kept for reuse: a bounded LRU of session objects.
//
// A lease keeps its object alive: eviction only drops the cache's reference, and the object
// is destroyed when the last operation using it lets go, so no operation ever runs on a
// destroyed (or, on tokens that reuse handles, a different) object. Concurrent first uses of
// one version wait for a single unwrap.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pkcs11/token.h"

namespace coffer::core {

// One version's material in the token, for as long as someone holds it.
class UnwrappedVersion {
 public:
  // `owned`: a session object made for the cache, destroyed with this; otherwise a
  // persistent token object (a version from before the key hierarchy), left alone.
  UnwrappedVersion(pkcs11::Token& token, std::string object_id, bool owned)
      : token_(token), object_id_(std::move(object_id)), owned_(owned) {}
  ~UnwrappedVersion();
  UnwrappedVersion(const UnwrappedVersion&) = delete;
  UnwrappedVersion& operator=(const UnwrappedVersion&) = delete;

  // The CKA_ID to hand to the token's operations.
  const std::string& object_id() const noexcept { return object_id_; }
  bool owned() const noexcept { return owned_; }

 private:
  pkcs11::Token& token_;
  std::string object_id_;
  bool owned_;
};

using VersionLease = std::shared_ptr<const UnwrappedVersion>;

struct VersionCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
  std::size_t size = 0;
  std::size_t capacity = 0;
};

class VersionCache {
 public:
  explicit VersionCache(std::size_t capacity);
  ~VersionCache();

  // The cached lease for `name`, or the one `load` makes (once, however many threads ask at
  // the same time; if it throws, every waiter gets its exception and nothing is cached).
  VersionLease get(const std::string& name, const std::function<VersionLease()>& load);
  // The cached lease for `name` if it is ready, else null: the hot path, with no allocation.
  VersionLease find(const std::string& name);
  // Drops `name` if it still holds `instance` (an object found gone from the token).
  void evict(const std::string& name, const UnwrappedVersion* instance);
  // Drops `name` whatever it holds (a key deleted, a version re-wrapped).
  void forget(const std::string& name);
  void clear();

  VersionCacheStats stats() const;
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    std::shared_future<VersionLease> lease;
    std::list<std::string>::iterator position;  // in lru_, most recent first
    std::uint64_t ticket = 0;                   // which load made it
  };
  void trim(std::vector<std::shared_future<VersionLease>>& evicted);  // mutex_ held

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;
  std::uint64_t tickets_ = 0;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> evictions_{0};
};

}  // namespace coffer::core
