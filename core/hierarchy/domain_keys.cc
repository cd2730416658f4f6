#include "core/hierarchy/domain_keys.h"

#include "common/error.h"

namespace coffer::core {

DomainKeys::DomainKeys(pkcs11::Token& token, MetadataStore& store, const Clock& clock)
    : token_(token), store_(store), clock_(clock) {}

std::string DomainKeys::object_id(const std::string& region, std::uint32_t version) {
  return "coffer/internal/domain/" + region + "/v" + std::to_string(version);
}

const std::vector<DomainKeyRecord>& DomainKeys::loaded(const std::string& region) {
  auto it = by_region_.find(region);
  if (it == by_region_.end())
    it = by_region_.emplace(region, store_.list_domain_keys(region)).first;
  return it->second;
}

DomainKeyRecord DomainKeys::make(const std::string& region, std::uint32_t version) {
  DomainKeyRecord record{region, version, object_id(region, version), clock_.now(), true};
  // An object under this id without a row is left from a crash before the row was written:
  // nothing was ever wrapped under it.
  if (token_.exists(record.token_object_id)) token_.destroy(record.token_object_id);
  pkcs11::SecretKeyOptions options;
  options.extractability = pkcs11::Extractability::kNever;
  options.lifetime = pkcs11::Lifetime::kToken;
  options.can_wrap = true;
  options.can_crypt = false;
  options.label = "coffer domain key " + region + " v" + std::to_string(version);
  token_.generate_aes256(record.token_object_id, options);
  try {
    store_.add_domain_key(record);
  } catch (...) {
    try {
      token_.destroy(record.token_object_id);
    } catch (...) {  // an object without a row is replaced on the next attempt
    }
    throw;
  }
  by_region_.erase(region);
  return record;
}

DomainKeyRecord DomainKeys::current(const std::string& region) {
  std::lock_guard lock(mutex_);
  const auto& keys = loaded(region);
  if (!keys.empty() && keys.back().active) return keys.back();
  if (!keys.empty()) {
    throw Error(ErrorCode::kInternal, "the newest domain key of region " + region +
                                          " is not active: the store is inconsistent");
  }
  return make(region, 1);
}

std::string DomainKeys::object_of(const std::string& region, std::uint32_t version) {
  std::lock_guard lock(mutex_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    for (const auto& key : loaded(region))
      if (key.version == version) return key.token_object_id;
    by_region_.erase(region);  // perhaps made by another process since we read
  }
  throw Error(ErrorCode::kNotFound,
              "no domain key v" + std::to_string(version) + " in region " + region);
}

std::string DomainKeys::working_object(const std::string& region, std::uint32_t version) {
  const std::string original = object_of(region, version);
  if (!token_.quirks().use_session_copies_of_token_keys) return original;
  std::lock_guard lock(mutex_);
  auto it = copies_.find(original);
  if (it != copies_.end()) return it->second;
  const std::string copy = original + "#session";
  token_.copy_to_session(original, copy);
  copies_.emplace(original, copy);
  return copy;
}

void DomainKeys::forget_working_object(const std::string& region, std::uint32_t version) {
  std::string copy;
  {
    std::lock_guard lock(mutex_);
    auto it = copies_.find(object_id(region, version));
    if (it == copies_.end()) return;
    copy = it->second;
    copies_.erase(it);
  }
  try {
    token_.destroy_made(copy);
  } catch (...) {  // already gone with its session
  }
}

DomainKeyRecord DomainKeys::rotate(const std::string& region) {
  std::lock_guard lock(mutex_);
  by_region_.erase(region);
  const auto& keys = loaded(region);
  return make(region, keys.empty() ? 1 : keys.back().version + 1);
}

std::vector<DomainKeyRecord> DomainKeys::list(const std::string& region) {
  std::lock_guard lock(mutex_);
  by_region_.erase(region);
  return loaded(region);
}

void DomainKeys::retire(const std::string& region, std::uint32_t version) {
  std::lock_guard lock(mutex_);
  const auto& keys = loaded(region);
  for (const auto& key : keys) {
    if (key.version != version) continue;
    if (key.active) throw Error(ErrorCode::kInternal, "the current domain key cannot be retired");
    // The object first: a crash after it leaves a row whose object is gone, which the next
    // retire() removes; never an object without a row that something still names.
    if (auto copy = copies_.find(key.token_object_id); copy != copies_.end()) {
      token_.destroy_made(copy->second);
      copies_.erase(copy);
    }
    token_.destroy(key.token_object_id);
    store_.delete_domain_key(region, version);
    by_region_.erase(region);
    return;
  }
}

void DomainKeys::refresh(const std::string& region) {
  std::lock_guard lock(mutex_);
  by_region_.erase(region);
}

}  // namespace coffer::core
