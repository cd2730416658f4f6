// A region's domain keys: the few AES-256 token objects that wrap every key version of the
// region (docs/ARCHITECTURE.md, "Key hierarchy"). The newest is the current one; older ones
// live until no version is wrapped under them any more.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model/clock.h"
#include "core/store/metadata_store.h"
#include "pkcs11/token.h"

namespace coffer::core {

class DomainKeys {
 public:
  DomainKeys(pkcs11::Token& token, MetadataStore& store, const Clock& clock);

  // The region's current domain key, made on first use: the token object first, then its
  // row, so a crash between the two leaves an object nothing was wrapped under.
  DomainKeyRecord current(const std::string& region);
  // CKA_ID of domain key `version` of `region`; NotFound if there is no such key.
  std::string object_of(const std::string& region, std::uint32_t version);
  // The CKA_ID to wrap and unwrap with: the key itself, or on tokens where using a persistent
  // object costs file I/O (TokenQuirks::use_session_copies_of_token_keys) a session copy of
  // it, made on first use.
  std::string working_object(const std::string& region, std::uint32_t version);
  // Forgets a session copy the token lost (with its session), so the next use makes another.
  void forget_working_object(const std::string& region, std::uint32_t version);
  // Makes the region's next domain key and makes it current. Versions move to it through
  // KeyMaterial::rewrap_step.
  DomainKeyRecord rotate(const std::string& region);
  // Every domain key of the region, oldest first, as the store has them now.
  std::vector<DomainKeyRecord> list(const std::string& region);
  // Destroys the token object of a domain key no version refers to, then forgets its row.
  void retire(const std::string& region, std::uint32_t version);
  // Forgets what was read, so the next call reads the store again (another process, such as
  // `cofferd domain-key rotate`, may have added a key).
  void refresh(const std::string& region);

  static std::string object_id(const std::string& region, std::uint32_t version);

 private:
  const std::vector<DomainKeyRecord>& loaded(const std::string& region);   // mutex_ held
  DomainKeyRecord make(const std::string& region, std::uint32_t version);  // mutex_ held

  pkcs11::Token& token_;
  MetadataStore& store_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<DomainKeyRecord>> by_region_;
  // Session copies by domain key object id.
  std::unordered_map<std::string, std::string> copies_;
};

}  // namespace coffer::core
