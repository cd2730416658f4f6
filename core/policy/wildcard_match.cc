#include "core/policy/wildcard_match.h"

#include <algorithm>

namespace coffer::core::policy {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_char(char pattern_char, char text_char, CaseRule rule) {
  return pattern_char == (rule == CaseRule::kInsensitive ? lower(text_char) : text_char);
}

bool starts_with(std::string_view text, std::string_view prefix, CaseRule rule) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (!same_char(prefix[i], text[i], rule)) return false;
  }
  return true;
}

}  // namespace

std::string to_lower_ascii(std::string_view text) {
  std::string lowered(text);
  std::ranges::transform(lowered, lowered.begin(), lower);
  return lowered;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return lower(x) == lower(y); });
}

bool has_wildcards(std::string_view pattern) {
  return pattern.find_first_of("*?") != std::string_view::npos;
}

bool wildcard_match(std::string_view pattern, std::string_view text, CaseRule rule) {
  // Greedy, remembering the last `*` to fall back to: linear for the patterns policies hold,
  // O(pattern * text) at worst, and no recursion for hostile input to exhaust.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || same_char(pattern[p], text[t], rule))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

WildcardPattern::WildcardPattern(std::string_view pattern, CaseRule rule)
    : pattern_(rule == CaseRule::kInsensitive ? to_lower_ascii(pattern) : std::string(pattern)),
      rule_(rule),
      shape_(Shape::kGeneral) {
  const auto first_wildcard = pattern_.find_first_of("*?");
  if (pattern_ == "*") {
    shape_ = Shape::kAnything;
  } else if (first_wildcard == std::string::npos) {
    shape_ = Shape::kExact;
    literal_ = pattern_;
  } else if (first_wildcard == pattern_.size() - 1 && pattern_.back() == '*') {
    shape_ = Shape::kPrefix;
    literal_ = pattern_.substr(0, first_wildcard);
  }
}

bool WildcardPattern::matches(std::string_view text) const {
  switch (shape_) {
    case Shape::kAnything:
      return true;
    case Shape::kExact:
      return text.size() == literal_.size() && starts_with(text, literal_, rule_);
    case Shape::kPrefix:
      return starts_with(text, literal_, rule_);
    case Shape::kGeneral:
      return wildcard_match(pattern_, text, rule_);
  }
  return false;
}

}  // namespace coffer::core::policy
