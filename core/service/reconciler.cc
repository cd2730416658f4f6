#include "core/service/reconciler.h"

#include <algorithm>
#include <set>

namespace coffer::core {

ReconcileReport reconcile(pkcs11::Token& token, MetadataStore& store, bool remove_orphans) {
  ReconcileReport report;
  const auto known_list = store.all_token_object_ids();
  const std::set<std::string> known(known_list.begin(), known_list.end());
  std::set<std::string> present;
  for (const auto& id : token.list_key_ids()) {
    // Coffer's own objects are "coffer/…"; internal service keys are not key versions.
    if (!id.starts_with("coffer/") || id.starts_with("coffer/internal/")) continue;
    present.insert(id);
    if (!known.contains(id)) report.orphans.push_back(id);
  }
  for (const auto& id : known)
    if (!present.contains(id)) report.missing.push_back(id);
  if (remove_orphans) {
    for (const auto& id : report.orphans) {
      token.destroy(id);
      ++report.removed;
    }
  }
  return report;
}

}  // namespace coffer::core
