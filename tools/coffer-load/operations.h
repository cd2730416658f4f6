// The requests a load run sends, serialized once before the run: each mix entry becomes a
// method name and ready payloads, one per key, so the hot loop only frames bytes.
#pragma once

#include <string>
#include <vector>

#include "client/kms_client.h"
#include "tools/coffer-load/load_options.h"

namespace coffer::tools::load {

struct Operation {
  std::string name;    // as in --mix
  std::string method;  // coffer.v1.<Service>/<Method>
  // One per key of the run, in the order of the key ids; one alone when the request names
  // no key (generate-random, create-key). Each request picks one uniformly.
  std::vector<std::string> payloads;
  unsigned weight;
};

// Builds one Operation per mix entry for the keys `key_ids` (decrypt gets a ciphertext made
// now under each key) and runs each once with the first key, so a bad key or permission
// fails before the run, not during it. The other keys are not tried: a bad one shows as
// errors in the report.
std::vector<Operation> prepare_operations(const LoadOptions& options, client::KmsClient& kms,
                                          const std::vector<std::string>& key_ids);

// --create-keys: CreateKey for a symmetric key, described "coffer-load".
Operation create_key_operation();

}  // namespace coffer::tools::load
