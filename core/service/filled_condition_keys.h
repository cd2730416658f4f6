// The condition keys Coffer puts in the requests it evaluates. A policy (key, identity) that
// names any other key is refused with MalformedPolicyDocumentException: its condition would
// silently never hold, which fails open for a Deny.
#pragma once

#include <string_view>

namespace coffer::core {

// `lowered_key`: the key as the parsed policy holds it, lower-cased.
bool condition_key_is_filled(std::string_view lowered_key);

}  // namespace coffer::core
