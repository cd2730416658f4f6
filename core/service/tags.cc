// KmsService: tags.
#include <mutex>
#include <set>

#include "common/error.h"
#include "core/model/tag_rules.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {

void KmsService::tag_resource(const std::string& reference, const std::vector<Tag>& tags) {
  validate_tags(tags, config_.max_tags_per_key);
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kTagResource, reference, "KeyId", /*fresh=*/true);
  std::set<std::string> keys;
  for (const auto& t : store_.list_tags(key->record.key_id)) keys.insert(t.key);
  for (const auto& t : tags) keys.insert(t.key);
  if (static_cast<int>(keys.size()) > config_.max_tags_per_key) {
    throw Error(ErrorCode::kLimitExceeded,
                "A key can have at most " + std::to_string(config_.max_tags_per_key) + " tags");
  }
  store_.put_tags(key->record.key_id, tags);
  load_key(key->record.key_id);  // aws:ResourceTag/ conditions see the new tags
}

void KmsService::untag_resource(const std::string& reference,
                                const std::vector<std::string>& tag_keys) {
  validate_tag_keys(tag_keys);
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kUntagResource, reference, "KeyId", /*fresh=*/true);
  store_.remove_tags(key->record.key_id, tag_keys);
  load_key(key->record.key_id);
}

ListTagsResult KmsService::list_resource_tags(const std::string& reference, const Page& page) {
  const std::size_t limit = detail::page_limit(page, 50);
  const std::string after = detail::read_marker(page);
  auto key = key_for(api::Operation::kListResourceTags, reference);
  ListTagsResult result;
  for (auto& tag : store_.list_tags(key->record.key_id)) {
    if (!after.empty() && tag.key <= after) continue;
    if (result.tags.size() == limit) {
      result.truncated = true;
      result.next_marker = detail::make_marker(result.tags.back().key);
      break;
    }
    result.tags.push_back(std::move(tag));
  }
  return result;
}

}  // namespace coffer::core
