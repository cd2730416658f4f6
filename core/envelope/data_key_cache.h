// A cache of data keys for envelope clients, in the manner of the AWS Encryption SDK's
// caching materials manager and S3 Bucket Keys: many messages share one data key, so the
// key service is called about once per (key set, context) per limit period instead of
// once per message.
//
// Encryption entries are keyed by the Coffer keys and the canonical encryption context,
// and retire by age, by messages and by bytes protected. Decryption entries are keyed by
// the exact envelope header and retire by age. Thread-safe. An evicted entry's secrets
// (data key, derived keys, keyed cipher contexts) are wiped when the last message using it
// finishes: entries are shared_ptrs, dropped by the cache at eviction.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/envelope/materials.h"
#include "core/envelope/segment_cipher.h"

namespace coffer::core::envelope {

struct CacheLimits {
  std::chrono::milliseconds max_age = std::chrono::minutes(5);
  std::uint64_t max_messages = std::uint64_t{1} << 32;  // the AWS Encryption SDK's default
  std::uint64_t max_bytes = std::uint64_t{1} << 62;
  std::size_t capacity = 1000;  // entries of each kind; least recently used go first
};

// One cached data key for encryption, and the record-sealing state made from it: a salt
// of its own, the derived record key and a counter that gives each record its nonce.
struct EncryptionSession {
  explicit EncryptionSession(EncryptionMaterials m);
  EncryptionMaterials materials;
  Bytes record_header;  // record prefix || salt || commitment
  std::unique_ptr<SegmentCipher> record_cipher;
  std::atomic<std::uint64_t> next_record{0};
};

struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
};

class DataKeyCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit DataKeyCache(CacheLimits limits = {}, Clock clock = nullptr);

  // The key for encryption entries: key ids and canonical context, unambiguously joined.
  static std::string encryption_key(const std::vector<std::string>& keys,
                                    const EncryptionContext& context);

  // A session for one more message of `bytes` plaintext bytes under `cache_key`: the cached
  // one while within the limits, else one made from make() and cached. Concurrent misses
  // make one session, not one each (the key service is called once).
  std::shared_ptr<EncryptionSession> session(const std::string& cache_key, std::uint64_t bytes,
                                             const std::function<EncryptionMaterials()>& make);

  // The opened cipher of a record header (decryption side).
  std::shared_ptr<const SegmentCipher> record_cipher(
      const std::string& cache_key,
      const std::function<std::shared_ptr<const SegmentCipher>()>& make);

  void clear();
  std::size_t size() const;
  CacheStats stats() const;
  const CacheLimits& limits() const { return limits_; }

 private:
  template <class Value>
  struct Lru {
    struct Entry {
      std::shared_ptr<Value> value;
      std::chrono::steady_clock::time_point created;
      std::uint64_t messages = 0;
      std::uint64_t bytes = 0;
      std::list<std::string>::iterator order;
    };
    std::unordered_map<std::string, Entry> entries;
    std::list<std::string> order;  // most recently used first
  };
  template <class Value>
  void insert(Lru<Value>& lru, const std::string& key, std::shared_ptr<Value> value,
              std::uint64_t bytes);
  template <class Value>
  void erase(Lru<Value>& lru,
             typename std::unordered_map<std::string, typename Lru<Value>::Entry>::iterator it);

  // The entry for one more message, counted; null when absent or worn out (then erased).
  std::shared_ptr<EncryptionSession> lookup(const std::string& cache_key, std::uint64_t bytes);
  std::shared_ptr<const SegmentCipher> lookup_cipher(const std::string& cache_key);

  CacheLimits limits_;
  Clock clock_;
  std::mutex make_mutex_;  // held while a miss calls the key service
  mutable std::mutex mutex_;
  Lru<EncryptionSession> encrypt_;
  Lru<const SegmentCipher> decrypt_;
  CacheStats stats_;
};

}  // namespace coffer::core::envelope
