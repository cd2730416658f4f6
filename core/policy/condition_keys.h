// The condition keys a Coffer policy may name. A key the service never puts in a request
// context would make its condition silently never (or always) hold, so PutKeyPolicy refuses
// any other key rather than let a restriction look enforced when it is not. The service must
// fill every key listed here wherever AWS KMS does (see condition_keys.cc).
#pragma once

#include <string_view>

namespace coffer::core::policy {

// `lowered_key` is the key as written, lower-cased: "kms:encryptioncontext:tenant".
bool is_known_condition_key(std::string_view lowered_key);

}  // namespace coffer::core::policy
