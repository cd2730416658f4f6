// Pieces shared by the files that implement KmsService; not part of the core API.
#pragma once

#include <mutex>
#include <string>

#include "common/error.h"
#include "core/service/kms_service.h"

namespace coffer::core {

struct KmsService::CachedKey {
  KeyRecord record;
  std::string arn;
  std::string current_object;  // token object of the current version
  // The current version's record, read once at publish: a cache miss unwraps it without a
  // store read.
  KeyVersionRecord current_version;
  std::shared_ptr<VersionCounter> counter;
  // The key policy, parsed at publish; null: AWS's default key policy.
  std::shared_ptr<const policy::PolicyDocument> policy;
  std::vector<std::string> condition_keys;  // lower-cased, the keys `policy` names
  std::vector<Tag> tags;                    // for aws:ResourceTag/ conditions
  // The key's grants, read on the first request a policy does not allow (grants.cc): a key
  // only its account's root uses never reads them. A grant change publishes the key again.
  mutable std::once_flag grants_loaded;
  mutable std::vector<GrantRecord> grants;
  // Its aliases, read on the first request whose policies name kms:ResourceAliases.
  mutable std::once_flag aliases_loaded;
  mutable std::vector<std::string> aliases;
};

template <class F>
auto KmsService::with_version(const KeyRecord& key, std::uint32_t version, const std::string& name,
                              F&& f) -> decltype(f(std::string{})) {
  auto load = [&] {
    auto record = store_.get_version(key.key_id, version);
    // Only a ciphertext can name a version that does not exist.
    if (!record) throw Error(ErrorCode::kInvalidCiphertext, "The ciphertext is invalid.");
    return *record;
  };
  return material_.with_version(config_.region, key.key_spec, name, load, std::forward<F>(f));
}

template <class F>
auto KmsService::with_current(const CachedKey& key, F&& f) -> decltype(f(std::string{})) {
  if (key.current_version.token_object_id.empty()) {  // not read at publish (a race with a delete)
    return with_version(key.record, key.record.current_version, key.current_object,
                        std::forward<F>(f));
  }
  try {
    return material_.with_version(
        config_.region, key.record.key_spec, key.current_object,
        [&] { return key.current_version; }, f);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::kNotFound) throw;
    // The record read at publish names a domain key retired since (the version was re-wrapped
    // under a newer one): publish the key again and read the version from the store.
    load_key(key.record.key_id);
    return with_version(key.record, key.record.current_version, key.current_object,
                        std::forward<F>(f));
  }
}

namespace detail {

// Limit within 1..1000 (default `fallback`), else ValidationException.
std::size_t page_limit(const Page& page, std::size_t fallback);
// Markers are opaque to callers: base64 of the last item's sort key.
std::string make_marker(const std::string& last);
// The sort key a marker stands for, or "" without one; InvalidMarkerException if garbled.
std::string read_marker(const Page& page);
[[noreturn]] void not_found(const std::string& reference);

}  // namespace detail
}  // namespace coffer::core
