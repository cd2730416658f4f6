// A read-through cache of secret values, as AWS's aws-secretsmanager-caching libraries do it,
// for applications that read the same secrets often:
//
//   auto secrets = std::make_shared<client::SecretsClient>(ClientConfig::from_environment());
//   client::CachingSecretReader reader(secrets);
//   auto password = reader.get_secret_string("prod/db");   // SecretBytes, wiped when dropped
//
// - The first read of an id is one GetSecretValue of its AWSCURRENT version.
// - A value is served from memory until its TTL (default 1 h) passes. Then one DescribeSecret
//   says which version holds AWSCURRENT now: the value is fetched again (GetSecretValue of
//   that version id) only when the version changed, so a rotation is seen within one TTL
//   and an unrotated secret costs one small call per TTL.
// - When that refresh fails for a passing reason (no connection, throttling, a server error),
//   the cached value goes on being served and the refresh is tried again after a back-off
//   (1 s, 2 s, 4 s... up to the TTL). Any other error (the secret was deleted, access was
//   refused) drops the value and is thrown.
// - At most max_size ids are kept; the least recently read goes first. A value leaves memory
//   wiped (SecretBytes), on eviction, on refresh and with the reader.
// - Thread-safe. Readers of different ids never wait for each other; concurrent readers of
//   one id that needs fetching wait for a single fetch.
// - Ids are cache keys as given: a secret read by name and by ARN is cached twice.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "client/secrets_client.h"
#include "common/secret_bytes.h"

namespace coffer::client {

struct CachingSecretReaderOptions {
  std::chrono::milliseconds ttl = std::chrono::hours(1);
  std::size_t max_size = 1024;
  std::string version_stage = "AWSCURRENT";
  // The clock TTLs are measured on (tests move it); empty: std::chrono::steady_clock.
  std::function<std::chrono::steady_clock::time_point()> now;
};

class CachingSecretReader {
 public:
  explicit CachingSecretReader(std::shared_ptr<SecretsClient> client,
                               CachingSecretReaderOptions options = {});
  ~CachingSecretReader();
  CachingSecretReader(const CachingSecretReader&) = delete;
  CachingSecretReader& operator=(const CachingSecretReader&) = delete;

  // The secret's SecretString / SecretBinary; nullopt when its value is of the other kind.
  // Throws coffer::Error as GetSecretValue and DescribeSecret do (ResourceNotFoundException,
  // ...) when nothing cached can be served.
  std::optional<SecretBytes> get_secret_string(const std::string& secret_id);
  std::optional<SecretBytes> get_secret_binary(const std::string& secret_id);

  // The next read of `secret_id` asks the server (DescribeSecret first, as after the TTL).
  void refresh_now(const std::string& secret_id);
  // Forgets one id, or every id; their values are wiped.
  void invalidate(const std::string& secret_id);
  void clear();

  struct Stats {
    std::uint64_t hits = 0;            // served from memory without a call
    std::uint64_t describe_calls = 0;  // DescribeSecret after a TTL
    std::uint64_t value_calls = 0;     // GetSecretValue
    std::uint64_t evictions = 0;       // ids dropped for max_size
    std::uint64_t stale_served = 0;    // a refresh failed and the old value was served
  };
  Stats stats() const;
  std::size_t size() const;

 private:
  struct Entry;
  using Clock = std::chrono::steady_clock;
  enum class Kind { kString, kBinary };

  std::optional<SecretBytes> get(const std::string& secret_id, Kind kind);
  std::shared_ptr<Entry> entry_for(const std::string& secret_id);
  void forget_if_empty(const std::string& secret_id, const std::shared_ptr<Entry>& entry);
  // Under the entry's lock: brings its value up to date (or throws).
  void fetch(const std::string& secret_id, Entry& entry, Clock::time_point now);
  void load_value(const std::string& secret_id, Entry& entry, const std::string& version_id);
  Clock::time_point now() const;

  std::shared_ptr<SecretsClient> client_;
  CachingSecretReaderOptions options_;

  mutable std::mutex mutex_;        // the map and the recency list, never held during a call
  std::list<std::string> recency_;  // most recently read first
  struct Slot {
    std::shared_ptr<Entry> entry;
    std::list<std::string>::iterator position;
  };
  std::unordered_map<std::string, Slot> entries_;

  std::atomic<std::uint64_t> hits_{0}, describe_calls_{0}, value_calls_{0}, evictions_{0},
      stale_served_{0};
};

}  // namespace coffer::client
