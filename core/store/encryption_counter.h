// Counts encryptions per key version without a store write per encryption: counts are
// reserved durably in blocks before use, so after a crash the stored reservation is an
// upper bound of the encryptions that version ever made.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace coffer::core {

class VersionCounter {
 public:
  // Persists a new reservation; must be durable when it returns.
  using Reserve = std::function<void(std::uint64_t reserved)>;

  explicit VersionCounter(std::uint64_t durable_reserved)
      : used_(durable_reserved), reserved_(durable_reserved) {}

  // Counts one encryption and returns the count including it. Writes a reservation of
  // `block` more first when the current one is used up.
  std::uint64_t take(std::uint64_t block, const Reserve& reserve);
  std::uint64_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> used_;
  std::mutex reserve_mutex_;
  std::atomic<std::uint64_t> reserved_;
};

// The counters of every version this process has encrypted with, by "key_id#version".
class EncryptionCounter {
 public:
  std::shared_ptr<VersionCounter> counter_for(const std::string& key_id, std::uint32_t version,
                                              std::uint64_t durable_reserved);
  std::uint64_t used(const std::string& key_id, std::uint32_t version) const;
  void forget_key(const std::string& key_id);

 private:
  static std::string slot_name(const std::string& key_id, std::uint32_t version);
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<VersionCounter>> counters_;
};

}  // namespace coffer::core
