#include "pkcs11/handle_cache.h"

#include <mutex>

namespace coffer::pkcs11 {

std::string HandleCache::key(CK_OBJECT_CLASS object_class, const std::string& id) {
  std::string k;
  k.reserve(id.size() + 2);
  k.push_back(static_cast<char>('0' + object_class));
  k.push_back(':');
  k.append(id);
  return k;
}

std::optional<CK_OBJECT_HANDLE> HandleCache::get(CK_OBJECT_CLASS object_class,
                                                 const std::string& id) const {
  const std::string k = key(object_class, id);
  std::shared_lock lock(mutex_);
  auto it = handles_.find(k);
  if (it == handles_.end()) return std::nullopt;
  return it->second;
}

void HandleCache::put(CK_OBJECT_CLASS object_class, const std::string& id,
                      CK_OBJECT_HANDLE handle) {
  std::string k = key(object_class, id);
  std::unique_lock lock(mutex_);
  handles_.insert_or_assign(std::move(k), handle);
}

void HandleCache::forget(CK_OBJECT_CLASS object_class, const std::string& id) {
  const std::string k = key(object_class, id);
  std::unique_lock lock(mutex_);
  handles_.erase(k);
}

void HandleCache::forget_all(const std::string& id) {
  for (CK_OBJECT_CLASS c : {CKO_SECRET_KEY, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) forget(c, id);
}

}  // namespace coffer::pkcs11
