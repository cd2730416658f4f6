// Key policies, until they are evaluated: Coffer lets every authenticated principal of the
// account use every key, which is what AWS's default key policy says. A policy that says
// the same is accepted; any other is refused, so that nobody believes a restriction is
// enforced when it is not.
#pragma once

#include <string>
#include <string_view>

namespace coffer::core {

// AWS's default key policy for `account_id` (what GetKeyPolicy returns).
std::string default_key_policy(const std::string& account_id);

// Throws MalformedPolicyDocumentException when `policy` is not a JSON policy document, and
// UnsupportedOperationException when it is one but says anything other than the default.
void require_default_key_policy(std::string_view policy, const std::string& account_id);

}  // namespace coffer::core
