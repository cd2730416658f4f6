#include "core/envelope/data_key_cache.h"

#include <openssl/rand.h>

#include "common/error.h"
#include "core/envelope/record.h"

namespace coffer::core::envelope {

EncryptionSession::EncryptionSession(EncryptionMaterials m) : materials(std::move(m)) {
  record_header =
      encode_prefix({EnvelopeKind::kRecord, 0, materials.encrypted_keys, materials.context});
  std::uint8_t salt[kSaltSize];
  if (RAND_bytes(salt, sizeof salt) != 1)
    throw Error(ErrorCode::kInternal, "no randomness for the salt");
  const auto keys = derive_chunked_keys(materials.data_key, salt, record_header);
  record_header.insert(record_header.end(), salt, salt + sizeof salt);
  record_header.insert(record_header.end(), keys.commitment.begin(), keys.commitment.end());
  record_cipher = std::make_unique<SegmentCipher>(keys, kMaxRecordPlaintext);
}

DataKeyCache::DataKeyCache(CacheLimits limits, Clock clock)
    : limits_(limits), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
  // A record's nonce is its counter: never let one session count past the C2SP bound.
  limits_.max_messages = std::min(limits_.max_messages, kMaxSegments);
  if (limits_.capacity == 0) limits_.capacity = 1;
}

std::string DataKeyCache::encryption_key(const std::vector<std::string>& keys,
                                         const EncryptionContext& context) {
  Bytes encoded;
  auto put = [&](const std::string& s) {
    for (int shift = 24; shift >= 0; shift -= 8)
      encoded.push_back(static_cast<std::uint8_t>(s.size() >> shift));
    encoded.insert(encoded.end(), s.begin(), s.end());
  };
  put(std::to_string(keys.size()));
  for (const auto& k : keys) put(k);
  append_canonical(context, encoded);
  return std::string(encoded.begin(), encoded.end());
}

template <class Value>
void DataKeyCache::erase(
    Lru<Value>& lru,
    typename std::unordered_map<std::string, typename Lru<Value>::Entry>::iterator it) {
  lru.order.erase(it->second.order);
  lru.entries.erase(it);
  ++stats_.evictions;
}

template <class Value>
void DataKeyCache::insert(Lru<Value>& lru, const std::string& key, std::shared_ptr<Value> value,
                          std::uint64_t bytes) {
  if (auto it = lru.entries.find(key); it != lru.entries.end()) erase(lru, it);
  while (lru.entries.size() >= limits_.capacity) erase(lru, lru.entries.find(lru.order.back()));
  lru.order.push_front(key);
  lru.entries.emplace(
      key, typename Lru<Value>::Entry{std::move(value), clock_(), 1, bytes, lru.order.begin()});
}

std::shared_ptr<EncryptionSession> DataKeyCache::lookup(const std::string& cache_key,
                                                        std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto it = encrypt_.entries.find(cache_key);
  if (it == encrypt_.entries.end()) return nullptr;
  auto& e = it->second;
  const bool fresh = clock_() - e.created < limits_.max_age;
  if (fresh && e.messages < limits_.max_messages && e.bytes + bytes <= limits_.max_bytes) {
    ++e.messages;
    e.bytes += bytes;
    encrypt_.order.splice(encrypt_.order.begin(), encrypt_.order, e.order);
    ++stats_.hits;
    return e.value;
  }
  erase(encrypt_, it);  // worn out: the next message gets a new data key
  return nullptr;
}

std::shared_ptr<EncryptionSession> DataKeyCache::session(
    const std::string& cache_key, std::uint64_t bytes,
    const std::function<EncryptionMaterials()>& make) {
  if (bytes > limits_.max_bytes || limits_.max_messages == 0)
    return std::make_shared<EncryptionSession>(make());
  if (auto hit = lookup(cache_key, bytes)) return hit;
  // One miss at a time calls the key service; threads that missed meanwhile find its entry.
  // Hits never wait for this lock.
  std::lock_guard making(make_mutex_);
  if (auto hit = lookup(cache_key, bytes)) return hit;
  auto session = std::make_shared<EncryptionSession>(make());
  std::lock_guard lock(mutex_);
  ++stats_.misses;
  insert(encrypt_, cache_key, session, bytes);
  return session;
}

std::shared_ptr<const SegmentCipher> DataKeyCache::lookup_cipher(const std::string& cache_key) {
  std::lock_guard lock(mutex_);
  auto it = decrypt_.entries.find(cache_key);
  if (it == decrypt_.entries.end()) return nullptr;
  if (clock_() - it->second.created >= limits_.max_age) {
    erase(decrypt_, it);
    return nullptr;
  }
  decrypt_.order.splice(decrypt_.order.begin(), decrypt_.order, it->second.order);
  ++stats_.hits;
  return it->second.value;
}

std::shared_ptr<const SegmentCipher> DataKeyCache::record_cipher(
    const std::string& cache_key,
    const std::function<std::shared_ptr<const SegmentCipher>()>& make) {
  if (auto hit = lookup_cipher(cache_key)) return hit;
  std::lock_guard making(make_mutex_);
  if (auto hit = lookup_cipher(cache_key)) return hit;
  auto cipher = make();
  std::lock_guard lock(mutex_);
  ++stats_.misses;
  insert(decrypt_, cache_key, cipher, 0);
  return cipher;
}

void DataKeyCache::clear() {
  std::lock_guard lock(mutex_);
  stats_.evictions += encrypt_.entries.size() + decrypt_.entries.size();
  encrypt_ = {};
  decrypt_ = {};
}

std::size_t DataKeyCache::size() const {
  std::lock_guard lock(mutex_);
  return encrypt_.entries.size() + decrypt_.entries.size();
}

CacheStats DataKeyCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace coffer::core::envelope
