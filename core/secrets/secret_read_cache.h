// What GetSecretValue reads from the store — the secret and the version a stage names — kept
// in memory between changes, so that a read costs the value's decryption and not two SQLite
// queries under the store's lock. Every change of a secret goes through SecretsService (one
// writer process), which clears the cache; a generation number keeps a read that raced a
// change from putting stale rows back.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/model/secret_records.h"

namespace coffer::core {

class SecretReadCache {
 public:
  struct Entry {
    SecretRecord secret;
    std::map<std::string, SecretVersionRecord> by_stage;  // filled as stages are read
  };

  // The generation to hand back to put(); read it before reading the store.
  std::uint64_t generation() const;
  // The entry a secret id (name, ARN or partial ARN, as the caller wrote it) resolved to.
  std::shared_ptr<const Entry> find(const std::string& secret_id) const;
  // Stores what was read at `generation`, unless a change happened since.
  void put(const std::string& secret_id, std::uint64_t generation, Entry entry);
  // Forgets everything: called with every change, under the service's mutation lock.
  void clear();

 private:
  static constexpr std::size_t kMaxEntries = 10000;
  mutable std::shared_mutex mutex_;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> entries_;
};

}  // namespace coffer::core
