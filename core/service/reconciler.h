// Finds token objects that no metadata names: what a crash between making a token object
// and committing its metadata leaves behind. Run at start-up, before serving.
#pragma once

#include <string>
#include <vector>

#include "core/store/metadata_store.h"
#include "pkcs11/token.h"

namespace coffer::core {

struct ReconcileReport {
  std::vector<std::string> orphans;  // token objects with Coffer ids and no metadata
  std::vector<std::string> missing;  // versions whose token object is gone
  std::size_t removed = 0;
};

// Only objects whose CKA_ID starts with "coffer/" are Coffer's; others are left alone, and
// so are Coffer's internal keys ("coffer/internal/…").
ReconcileReport reconcile(pkcs11::Token& token, MetadataStore& store, bool remove_orphans);

}  // namespace coffer::core
