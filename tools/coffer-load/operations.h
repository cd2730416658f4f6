// The requests a load run sends, serialized once before the run: each mix entry becomes a
// method name and a ready payload, so the hot loop only frames bytes.
#pragma once

#include <string>
#include <vector>

#include "client/kms_client.h"
#include "tools/coffer-load/load_options.h"

namespace coffer::tools::load {

struct Operation {
  std::string name;    // as in --mix
  std::string method;  // coffer.v1.<Service>/<Method>
  std::string payload;
  unsigned weight;
};

// Builds one Operation per mix entry (decrypt gets a ciphertext made now under `key_id`)
// and runs each once, so a bad key or permission fails before the run, not during it.
std::vector<Operation> prepare_operations(const LoadOptions& options, client::KmsClient& kms,
                                          const std::string& key_id);

}  // namespace coffer::tools::load
