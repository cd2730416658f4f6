#include "core/model/validation_message.h"

#include <cctype>

#include "common/error.h"
#include "common/utf8.h"

namespace coffer::core {
namespace {

// AWS quotes the offending value; a peer's bytes are made printable and cut short first.
std::string quoted(std::string_view value) {
  constexpr std::size_t kShown = 256;
  std::string shown = valid_utf8(value.substr(0, kShown));
  return "Value '" + shown + (value.size() > kShown ? "...'" : "'");
}

std::string violation(const std::optional<std::string>& value_part, std::string_view member,
                      std::string_view constraint) {
  return (value_part ? *value_part + " at '" : std::string("Value at '")) + member_path(member) +
         "' failed to satisfy constraint: " + std::string(constraint);
}

std::string bound_text(std::string_view what, std::int64_t min, std::int64_t max,
                       std::int64_t actual) {
  if (min >= 0 && actual < min)
    return "Member must have " + std::string(what) + " greater than or equal to " +
           std::to_string(min);
  return "Member must have " + std::string(what) + " less than or equal to " + std::to_string(max);
}

}  // namespace

std::string member_path(std::string_view member) {
  std::string path(member);
  if (!path.empty()) path[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(path[0])));
  return path;
}

std::string null_violation(std::string_view member) {
  return "Value null at '" + member_path(member) +
         "' failed to satisfy constraint: Member must not be null";
}

std::string length_violation(std::string_view member, std::optional<std::string_view> shown,
                             std::size_t length, std::int64_t min, std::int64_t max) {
  return violation(shown ? std::optional(quoted(*shown)) : std::nullopt, member,
                   bound_text("length", min, max, std::int64_t(length)));
}

std::string range_violation(std::string_view member, std::int64_t value, std::int64_t min,
                            std::int64_t max) {
  return violation("Value '" + std::to_string(value) + "'", member,
                   bound_text("value", min, max, value));
}

std::string enum_violation(std::string_view member, std::string_view value,
                           std::span<const std::string_view> allowed) {
  std::string set;
  for (auto e : allowed) set += (set.empty() ? "" : ", ") + std::string(e);
  return violation(quoted(value), member, "Member must satisfy enum value set: [" + set + "]");
}

std::string pattern_violation(std::string_view member, std::string_view value,
                              std::string_view pattern) {
  return violation(quoted(value), member,
                   "Member must satisfy regular expression pattern: " + std::string(pattern));
}

void throw_validation(const std::vector<std::string>& violations) {
  std::string message =
      std::to_string(violations.size()) +
      (violations.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (std::size_t i = 0; i < violations.size(); ++i) message += (i ? "; " : "") + violations[i];
  throw Error(ErrorCode::kValidation, message);
}

void throw_validation(std::string violation) {
  throw_validation(std::vector<std::string>{std::move(violation)});
}

}  // namespace coffer::core
