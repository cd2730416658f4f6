// ARNs in policies: the Resource element and the Arn* condition operators. AWS matches an ARN
// one colon-separated component at a time, so "arn:aws:kms:*:111122223333:key/*" means "every
// key of account 111122223333, in any region": a `*` never spans the colons between the first
// five components. The sixth (the resource) keeps any colons of its own.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "core/policy/wildcard_match.h"

namespace coffer::core::policy {

// "arn", partition, service, region, account, resource.
using ArnComponents = std::array<std::string_view, 6>;

// nullopt when `arn` does not start with "arn:" or has fewer than six components.
std::optional<ArnComponents> split_arn(std::string_view arn);

class ArnPattern {
 public:
  // "*" alone matches anything (the Resource "*" of a key policy: this key). Any other pattern
  // with fewer than six components matches nothing, as in AWS.
  explicit ArnPattern(std::string_view pattern);

  bool matches(std::string_view arn) const;
  bool matches_everything() const { return whole_.matches_everything(); }
  bool has_wildcards() const { return has_wildcards_; }

 private:
  WildcardPattern whole_;
  std::vector<WildcardPattern> components_;  // six, or none when the pattern is not an ARN
  bool has_wildcards_;
  bool is_arn_;
};

}  // namespace coffer::core::policy
