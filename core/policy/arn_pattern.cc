#include "core/policy/arn_pattern.h"

namespace coffer::core::policy {

std::optional<ArnComponents> split_arn(std::string_view arn) {
  if (!arn.starts_with("arn:")) return std::nullopt;
  ArnComponents parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    const auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  parts[5] = arn.substr(start);
  return parts;
}

ArnPattern::ArnPattern(std::string_view pattern)
    : whole_(pattern, CaseRule::kSensitive),
      has_wildcards_(policy::has_wildcards(pattern)),
      is_arn_(false) {
  const auto parts = split_arn(pattern);
  is_arn_ = parts.has_value();
  // Without wildcards the whole text compares at once; only wildcards need the components.
  if (!parts || !has_wildcards_) return;
  components_.reserve(parts->size());
  for (std::string_view part : *parts) components_.emplace_back(part, CaseRule::kSensitive);
}

bool ArnPattern::matches(std::string_view arn) const {
  if (whole_.matches_everything()) return true;
  if (!is_arn_) return false;
  if (components_.empty()) return whole_.matches(arn);
  const auto parts = split_arn(arn);
  if (!parts) return false;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    if (!components_[i].matches((*parts)[i])) return false;
  }
  return true;
}

}  // namespace coffer::core::policy
