#include "core/policy/request_context.h"

#include <utility>

#include "core/policy/wildcard_match.h"

namespace coffer::core::policy {

void RequestContext::set(std::string key, std::vector<std::string> values) {
  keys[to_lower_ascii(key)] = std::move(values);
}

const std::vector<std::string>* RequestContext::find(const std::string& lowered_key) const {
  const auto it = keys.find(lowered_key);
  if (it == keys.end() || it->second.empty()) return nullptr;
  return &it->second;
}

}  // namespace coffer::core::policy
