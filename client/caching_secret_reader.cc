#include "client/caching_secret_reader.h"

#include <algorithm>

#include "common/error.h"

namespace coffer::client {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{1000};

// Errors after which the cached value is still the best answer there is.
bool passing(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kDependencyTimeout:
    case ErrorCode::kThrottling:
    case ErrorCode::kKeyUnavailable:
    case ErrorCode::kInternal:
    case ErrorCode::kInternalServiceError:
      return true;
    default:
      return false;
  }
}

SecretBytes take(std::string& s) {
  SecretBytes out(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  secure_zero(s.data(), s.size());
  return out;
}

}  // namespace

struct CachingSecretReader::Entry {
  std::mutex mutex;        // held across the calls that refresh this entry
  std::string version_id;  // empty: nothing cached
  std::optional<SecretBytes> text;
  std::optional<SecretBytes> binary;
  Clock::time_point refresh_at{};
  int failures = 0;    // refreshes failed in a row (the back-off)
  bool force = false;  // refresh_now()

  void drop() {
    version_id.clear();
    text.reset();  // SecretBytes wipes itself
    binary.reset();
    failures = 0;
  }
};

CachingSecretReader::CachingSecretReader(std::shared_ptr<SecretsClient> client,
                                         CachingSecretReaderOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (!client_) throw Error(ErrorCode::kValidation, "CachingSecretReader needs a client");
  if (options_.max_size == 0) options_.max_size = 1;
}

CachingSecretReader::~CachingSecretReader() = default;

CachingSecretReader::Clock::time_point CachingSecretReader::now() const {
  return options_.now ? options_.now() : Clock::now();
}

std::optional<SecretBytes> CachingSecretReader::get_secret_string(const std::string& secret_id) {
  return get(secret_id, Kind::kString);
}

std::optional<SecretBytes> CachingSecretReader::get_secret_binary(const std::string& secret_id) {
  return get(secret_id, Kind::kBinary);
}

std::optional<SecretBytes> CachingSecretReader::get(const std::string& secret_id, Kind kind) {
  std::shared_ptr<Entry> entry = entry_for(secret_id);
  std::unique_lock lock(entry->mutex);
  const Clock::time_point at = now();
  if (!entry->version_id.empty() && !entry->force && at < entry->refresh_at) {
    ++hits_;
  } else {
    try {
      fetch(secret_id, *entry, at);
    } catch (...) {
      lock.unlock();
      forget_if_empty(secret_id, entry);
      throw;
    }
  }
  return kind == Kind::kString ? entry->text : entry->binary;
}

void CachingSecretReader::fetch(const std::string& secret_id, Entry& entry, Clock::time_point at) {
  entry.force = false;
  try {
    if (entry.version_id.empty()) {
      load_value(secret_id, entry, "");
    } else {
      sv1::DescribeSecretRequest describe;
      describe.set_secret_id(secret_id);
      ++describe_calls_;
      const auto described = client_->describe_secret(describe);
      std::string current;
      for (const auto& [version, stages] : described.version_ids_to_stages()) {
        const auto& labels = stages.version_stages();
        if (std::find(labels.begin(), labels.end(), options_.version_stage) != labels.end())
          current = version;
      }
      // A deleted secret, or one whose stage moved away: GetSecretValue gives the answer
      // (and the error) the server gives without a cache.
      if (current != entry.version_id || described.has_deleted_date())
        load_value(secret_id, entry, current);
    }
    entry.failures = 0;
    entry.refresh_at = at + options_.ttl;
  } catch (const Error& e) {
    if (entry.version_id.empty() || !passing(e)) {
      entry.drop();
      throw;
    }
    // Serve what we have; try again after a back-off that never exceeds the TTL.
    ++stale_served_;
    const auto backoff = std::min<std::chrono::milliseconds>(
        options_.ttl, kFirstBackoff * (1LL << std::min(entry.failures, 20)));
    ++entry.failures;
    entry.refresh_at = at + backoff;
  }
}

void CachingSecretReader::load_value(const std::string& secret_id, Entry& entry,
                                     const std::string& version_id) {
  sv1::GetSecretValueRequest request;
  request.set_secret_id(secret_id);
  if (version_id.empty()) {
    request.set_version_stage(options_.version_stage);
  } else {
    request.set_version_id(version_id);
  }
  ++value_calls_;
  auto response = client_->get_secret_value(request);
  entry.drop();
  if (response.has_secret_string()) entry.text = take(*response.mutable_secret_string());
  if (response.has_secret_binary()) entry.binary = take(*response.mutable_secret_binary());
  entry.version_id = response.version_id();
}

std::shared_ptr<CachingSecretReader::Entry> CachingSecretReader::entry_for(
    const std::string& secret_id) {
  std::shared_ptr<Entry> evicted;  // released after the map's lock: its wipe is not urgent
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(secret_id); it != entries_.end()) {
    recency_.splice(recency_.begin(), recency_, it->second.position);
    return it->second.entry;
  }
  if (entries_.size() >= options_.max_size) {
    auto victim = entries_.find(recency_.back());
    evicted = std::move(victim->second.entry);
    entries_.erase(victim);
    recency_.pop_back();
    ++evictions_;
  }
  recency_.push_front(secret_id);
  auto entry = std::make_shared<Entry>();
  entries_.emplace(secret_id, Slot{entry, recency_.begin()});
  return entry;
}

void CachingSecretReader::forget_if_empty(const std::string& secret_id,
                                          const std::shared_ptr<Entry>& entry) {
  // An id that never had a value (a typo, a deleted secret) must not hold a slot.
  std::lock_guard entry_lock(entry->mutex);
  if (!entry->version_id.empty()) return;  // another reader has filled it since
  std::lock_guard lock(mutex_);
  auto it = entries_.find(secret_id);
  if (it == entries_.end() || it->second.entry != entry) return;
  recency_.erase(it->second.position);
  entries_.erase(it);
}

void CachingSecretReader::refresh_now(const std::string& secret_id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(secret_id);
    if (it == entries_.end()) return;
    entry = it->second.entry;
  }
  std::lock_guard entry_lock(entry->mutex);
  entry->force = true;
}

void CachingSecretReader::invalidate(const std::string& secret_id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(secret_id);
    if (it == entries_.end()) return;
    entry = std::move(it->second.entry);
    recency_.erase(it->second.position);
    entries_.erase(it);
  }
  std::lock_guard entry_lock(entry->mutex);  // after a reader in flight, not under it
  entry->drop();
}

void CachingSecretReader::clear() {
  std::unordered_map<std::string, Slot> entries;
  {
    std::lock_guard lock(mutex_);
    entries.swap(entries_);
    recency_.clear();
  }
  for (auto& [id, slot] : entries) {
    std::lock_guard entry_lock(slot.entry->mutex);
    slot.entry->drop();
  }
}

CachingSecretReader::Stats CachingSecretReader::stats() const {
  return {hits_.load(), describe_calls_.load(), value_calls_.load(), evictions_.load(),
          stale_served_.load()};
}

std::size_t CachingSecretReader::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace coffer::client
