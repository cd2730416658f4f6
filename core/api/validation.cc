#include "core/api/validation.h"

#include <cctype>
#include <utility>

#include "common/error.h"

namespace coffer::core::api {
namespace {

// botocore's patterns for these operations are one character class with a quantifier
// ("^[a-zA-Z0-9:/_-]+$", "[\\u0020-\\u00FF]*"). They are matched by hand, code point by code
// point: std::regex recurses per character and a 128 KiB policy would overflow the stack.
struct CharacterClass {
  std::vector<std::pair<char32_t, char32_t>> ranges;
  bool allow_empty = false;
};

std::optional<char32_t> class_char(std::string_view p, std::size_t& i) {
  if (p[i] != '\\') return static_cast<unsigned char>(p[i++]);
  if (i + 5 < p.size() && p[i + 1] == 'u') {
    const auto hex = std::string(p.substr(i + 2, 4));
    i += 6;
    return static_cast<char32_t>(std::stoul(hex, nullptr, 16));
  }
  if (i + 1 < p.size()) {
    i += 2;
    return static_cast<unsigned char>(p[i - 1]);
  }
  return std::nullopt;
}

std::optional<CharacterClass> parse_class(std::string_view p) {
  if (p.starts_with('^')) p.remove_prefix(1);
  if (p.ends_with('$')) p.remove_suffix(1);
  if (p.size() < 3 || p.front() != '[') return std::nullopt;
  CharacterClass c;
  if (p.back() == '*')
    c.allow_empty = true;
  else if (p.back() != '+')
    return std::nullopt;
  p.remove_suffix(1);
  if (p.back() != ']') return std::nullopt;
  p = p.substr(1, p.size() - 2);
  std::size_t i = 0;
  while (i < p.size()) {
    if (p.substr(i, 2) == "\\w") {  // word characters
      c.ranges.insert(c.ranges.end(), {{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'_', '_'}});
      i += 2;
      continue;
    }
    auto low = class_char(p, i);
    if (!low) return std::nullopt;
    char32_t high = *low;
    if (i + 1 < p.size() && p[i] == '-') {
      ++i;
      auto h = class_char(p, i);
      if (!h) return std::nullopt;
      high = *h;
    }
    c.ranges.emplace_back(*low, high);
  }
  return c;
}

// The next UTF-8 code point, or nullopt for an invalid sequence.
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const int extra = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
  if (extra < 0 || i + extra >= s.size()) return std::nullopt;
  char32_t cp = extra == 0 ? b : (b & (0x3F >> extra));
  for (int k = 1; k <= extra; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 2) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  i += extra + 1;
  return cp;
}

void check_member(const Member& m, const MemberValue& v, std::vector<std::string>& violations) {
  using Kind = MemberValue::Kind;
  if (v.kind == Kind::kAbsent) {
    if (m.required) violations.push_back(null_violation(m.name));
    return;
  }
  const bool shows_value = !m.sensitive && m.type == MemberType::kString;
  switch (m.type) {
    case MemberType::kString:
    case MemberType::kBlob: {
      if (v.kind != (m.type == MemberType::kString ? Kind::kString : Kind::kBlob)) break;
      const auto shown = shows_value ? std::optional(v.text) : std::nullopt;
      if ((m.min >= 0 && std::int64_t(v.size) < m.min) ||
          (m.max >= 0 && std::int64_t(v.size) > m.max)) {
        violations.push_back(length_violation(m.name, shown, v.size, m.min, m.max));
      } else if (!m.enum_values.empty()) {
        bool known = false;
        for (auto e : m.enum_values) known = known || e == v.text;
        if (!known) violations.push_back(enum_violation(m.name, v.text, m.enum_values));
      } else if (!m.pattern.empty() && m.type == MemberType::kString &&
                 !matches_pattern(v.text, m.pattern)) {
        violations.push_back(pattern_violation(m.name, v.text, m.pattern));
      }
      return;
    }
    case MemberType::kInteger:
      if (v.kind != Kind::kInteger) break;
      if ((m.min >= 0 && v.number < m.min) || (m.max >= 0 && v.number > m.max))
        violations.push_back(range_violation(m.name, v.number, m.min, m.max));
      return;
    case MemberType::kBoolean:
      if (v.kind != Kind::kBoolean) break;
      return;
    case MemberType::kList:
    case MemberType::kMap:
      if (v.kind != (m.type == MemberType::kList ? Kind::kList : Kind::kMap)) break;
      if ((m.min >= 0 && std::int64_t(v.size) < m.min) ||
          (m.max >= 0 && std::int64_t(v.size) > m.max)) {
        violations.push_back(length_violation(m.name, std::nullopt, v.size, m.min, m.max));
        return;
      }
      for (auto element : v.elements) {
        if ((m.element_min >= 0 && std::int64_t(element.size()) < m.element_min) ||
            (m.element_max >= 0 && std::int64_t(element.size()) > m.element_max)) {
          violations.push_back(length_violation(std::string(m.name) + ".member", element,
                                                element.size(), m.element_min, m.element_max));
          return;
        }
      }
      return;
    case MemberType::kStructure:
    case MemberType::kTimestamp:
      if (v.kind == Kind::kWrongType) break;
      return;
  }
  // AWS's deserializer refuses a value of the wrong JSON type before validating anything.
  throw Error(ErrorCode::kSerialization,
              "Unexpected value type for member '" + member_path(m.name) + "'");
}

}  // namespace

bool matches_pattern(std::string_view value, std::string_view pattern) {
  const auto c = parse_class(pattern);
  if (!c) return true;  // understood_pattern() is false for it: a unit test keeps this empty
  if (value.empty()) return c->allow_empty;
  for (std::size_t i = 0; i < value.size();) {
    const auto cp = next_code_point(value, i);
    if (!cp) return false;
    bool in = false;
    for (const auto& [low, high] : c->ranges) in = in || (*cp >= low && *cp <= high);
    if (!in) return false;
  }
  return true;
}

bool understood_pattern(std::string_view pattern) { return parse_class(pattern).has_value(); }

void validate_request(const OperationSpec& spec, const MemberLookup& lookup) {
  std::vector<std::string> violations;
  for (const auto& member : spec.members) check_member(member, lookup(member), violations);
  if (!violations.empty()) throw_validation(violations);
}

}  // namespace coffer::core::api
