// The two wildcards of the policy language: `*` matches any run of characters (none too), `?`
// exactly one. Action names compare without regard to case, as AWS compares them
// ("kms:encrypt" is kms:Encrypt); resources, StringLike and ArnLike values compare with it.
#pragma once

#include <string>
#include <string_view>

namespace coffer::core::policy {

enum class CaseRule { kSensitive, kInsensitive };

std::string to_lower_ascii(std::string_view text);
bool equals_ignoring_case(std::string_view a, std::string_view b);
bool has_wildcards(std::string_view pattern);

// Whether `pattern` matches the whole of `text`. Under kInsensitive, `pattern` must already be
// lower-case (WildcardPattern does that once, at parse time).
bool wildcard_match(std::string_view pattern, std::string_view text, CaseRule rule);

// A pattern prepared once and matched many times. The shapes policies are made of ("*",
// "kms:*", "kms:Describe*", an exact name) skip the general matcher.
class WildcardPattern {
 public:
  WildcardPattern(std::string_view pattern, CaseRule rule);

  bool matches(std::string_view text) const;
  // As written, lower-cased under kInsensitive.
  const std::string& pattern() const { return pattern_; }
  bool matches_everything() const { return shape_ == Shape::kAnything; }
  bool is_literal() const { return shape_ == Shape::kExact; }

 private:
  enum class Shape { kAnything, kExact, kPrefix, kGeneral };

  std::string pattern_;
  std::string literal_;  // kExact: the whole pattern; kPrefix: what comes before the one `*`
  CaseRule rule_;
  Shape shape_;
};

}  // namespace coffer::core::policy
