// Pieces shared by the files that implement KmsService; not part of the core API.
#pragma once

#include <string>

#include "core/service/kms_service.h"

namespace coffer::core {

struct KmsService::CachedKey {
  KeyRecord record;
  std::string arn;
  std::string current_object;  // token object of the current version
  std::shared_ptr<VersionCounter> counter;
};

namespace detail {

// Limit within 1..1000 (default `fallback`), else ValidationException.
std::size_t page_limit(const Page& page, std::size_t fallback);
// Markers are opaque to callers: base64 of the last item's sort key.
std::string make_marker(const std::string& last);
// The sort key a marker stands for, or "" without one; InvalidMarkerException if garbled.
std::string read_marker(const Page& page);
[[noreturn]] void not_found(const std::string& reference);

}  // namespace detail
}  // namespace coffer::core
