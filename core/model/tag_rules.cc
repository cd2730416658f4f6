#include "core/model/tag_rules.h"

#include <set>

#include "common/error.h"

namespace coffer::core {
namespace {

void validate_tag_key(const std::string& key) {
  if (key.empty() || key.size() > 128) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value '" + key +
                    "' at 'tags.member.tagKey' failed to satisfy constraint: Member must "
                    "have length between 1 and 128");
  }
  if (key.starts_with("aws:"))
    throw Error(ErrorCode::kTag, "Tag keys beginning with aws: are reserved");
}

}  // namespace

void validate_tags(const std::vector<Tag>& tags, int max_tags) {
  std::set<std::string> seen;
  for (const Tag& tag : tags) {
    validate_tag_key(tag.key);
    if (tag.value.size() > 256) {
      throw Error(ErrorCode::kValidation,
                  "1 validation error detected: Value at 'tags.member.tagValue' failed "
                  "to satisfy constraint: Member must have length less than or equal to 256");
    }
    if (!seen.insert(tag.key).second) throw Error(ErrorCode::kTag, "Duplicate tag key " + tag.key);
  }
  if (static_cast<int>(tags.size()) > max_tags) {
    throw Error(ErrorCode::kLimitExceeded,
                "A key can have at most " + std::to_string(max_tags) + " tags");
  }
}

void validate_tag_keys(const std::vector<std::string>& tag_keys) {
  for (const auto& key : tag_keys) validate_tag_key(key);
}

}  // namespace coffer::core
