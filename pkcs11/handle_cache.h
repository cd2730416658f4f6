// CKA_ID -> object handle, so that hot paths never search the token (SoftHSM re-reads its
// files on every search). Handles of token objects stay valid across sessions.
#pragma once

#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "pkcs11/cryptoki.h"

namespace coffer::pkcs11 {

class HandleCache {
 public:
  std::optional<CK_OBJECT_HANDLE> get(CK_OBJECT_CLASS object_class, const std::string& id) const;
  void put(CK_OBJECT_CLASS object_class, const std::string& id, CK_OBJECT_HANDLE handle);
  void forget(CK_OBJECT_CLASS object_class, const std::string& id);
  void forget_all(const std::string& id);

 private:
  static std::string key(CK_OBJECT_CLASS object_class, const std::string& id);
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, CK_OBJECT_HANDLE> handles_;
};

}  // namespace coffer::pkcs11
