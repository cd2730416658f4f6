// AWS's limits on tags: keys 1–128 characters, values 0–256, no "aws:" prefix, at most
// `max_tags` per key, no key twice in one request.
#pragma once

#include <string>
#include <vector>

#include "core/model/records.h"

namespace coffer::core {

// Throws TagException (ValidationException for lengths, LimitExceededException for count).
void validate_tags(const std::vector<Tag>& tags, int max_tags);
void validate_tag_keys(const std::vector<std::string>& tag_keys);

}  // namespace coffer::core
