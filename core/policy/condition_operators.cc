#include "core/policy/condition_operators.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

#include "common/error.h"

namespace coffer::core::policy {
namespace {

[[noreturn]] void malformed(std::string message) {
  throw Error(ErrorCode::kMalformedPolicyDocument, std::move(message));
}

struct NamedOperator {
  std::string_view lowered_name;
  OperatorFamily family;
  Comparison comparison;
  bool negated;
};

constexpr NamedOperator kOperators[] = {
    {"stringequals", OperatorFamily::kString, Comparison::kEquals, false},
    {"stringnotequals", OperatorFamily::kString, Comparison::kEquals, true},
    {"stringequalsignorecase", OperatorFamily::kStringIgnoreCase, Comparison::kEquals, false},
    {"stringnotequalsignorecase", OperatorFamily::kStringIgnoreCase, Comparison::kEquals, true},
    {"stringlike", OperatorFamily::kStringLike, Comparison::kEquals, false},
    {"stringnotlike", OperatorFamily::kStringLike, Comparison::kEquals, true},
    {"numericequals", OperatorFamily::kNumeric, Comparison::kEquals, false},
    {"numericnotequals", OperatorFamily::kNumeric, Comparison::kEquals, true},
    {"numericlessthan", OperatorFamily::kNumeric, Comparison::kLessThan, false},
    {"numericlessthanequals", OperatorFamily::kNumeric, Comparison::kLessThanEquals, false},
    {"numericgreaterthan", OperatorFamily::kNumeric, Comparison::kGreaterThan, false},
    {"numericgreaterthanequals", OperatorFamily::kNumeric, Comparison::kGreaterThanEquals, false},
    {"dateequals", OperatorFamily::kDate, Comparison::kEquals, false},
    {"datenotequals", OperatorFamily::kDate, Comparison::kEquals, true},
    {"datelessthan", OperatorFamily::kDate, Comparison::kLessThan, false},
    {"datelessthanequals", OperatorFamily::kDate, Comparison::kLessThanEquals, false},
    {"dategreaterthan", OperatorFamily::kDate, Comparison::kGreaterThan, false},
    {"dategreaterthanequals", OperatorFamily::kDate, Comparison::kGreaterThanEquals, false},
    {"bool", OperatorFamily::kBool, Comparison::kEquals, false},
    {"binaryequals", OperatorFamily::kBinary, Comparison::kEquals, false},
    {"ipaddress", OperatorFamily::kIpAddress, Comparison::kEquals, false},
    {"notipaddress", OperatorFamily::kIpAddress, Comparison::kEquals, true},
    // AWS documents ArnEquals and ArnLike alike: both take wildcards in each component.
    {"arnequals", OperatorFamily::kArn, Comparison::kEquals, false},
    {"arnlike", OperatorFamily::kArn, Comparison::kEquals, false},
    {"arnnotequals", OperatorFamily::kArn, Comparison::kEquals, true},
    {"arnnotlike", OperatorFamily::kArn, Comparison::kEquals, true},
    {"null", OperatorFamily::kNull, Comparison::kEquals, false},
};

constexpr std::string_view kForAllValues = "forallvalues:";
constexpr std::string_view kForAnyValue = "foranyvalue:";
constexpr std::string_view kIfExists = "ifexists";

template <class T>
bool compare(const T& request, const T& policy, Comparison comparison) {
  switch (comparison) {
    case Comparison::kEquals:
      return request == policy;
    case Comparison::kLessThan:
      return request < policy;
    case Comparison::kLessThanEquals:
      return request <= policy;
    case Comparison::kGreaterThan:
      return request > policy;
    case Comparison::kGreaterThanEquals:
      return request >= policy;
  }
  return false;
}

// Each value of the policy read by `parse`, which returns nullopt for one the family cannot hold.
template <class T, class Parse>
std::vector<T> parse_each(const std::vector<std::string>& values, std::string_view what,
                          Parse parse) {
  std::vector<T> parsed;
  parsed.reserve(values.size());
  for (const auto& value : values) {
    std::optional<T> one = parse(value);
    if (!one) malformed("Condition value \"" + value + "\" is not " + std::string(what) + ".");
    parsed.push_back(std::move(*one));
  }
  return parsed;
}

}  // namespace

ConditionOperator parse_condition_operator(std::string_view name) {
  const std::string lowered = to_lower_ascii(name);
  std::string_view rest = lowered;
  ConditionOperator op;
  if (rest.starts_with(kForAllValues)) {
    op.qualifier = SetQualifier::kForAllValues;
    rest.remove_prefix(kForAllValues.size());
  } else if (rest.starts_with(kForAnyValue)) {
    op.qualifier = SetQualifier::kForAnyValue;
    rest.remove_prefix(kForAnyValue.size());
  }
  if (rest.ends_with(kIfExists)) {
    op.if_exists = true;
    rest.remove_suffix(kIfExists.size());
  }
  const auto* named = std::ranges::find(kOperators, rest, &NamedOperator::lowered_name);
  if (named == std::end(kOperators)) {
    malformed("Condition operator " + std::string(name) + " is not a valid condition operator.");
  }
  op.family = named->family;
  op.comparison = named->comparison;
  op.negated = named->negated;
  if (op.family == OperatorFamily::kNull && (op.if_exists || op.qualifier != SetQualifier::kNone)) {
    malformed("Condition operator " + std::string(name) +
              " is not valid: Null takes neither IfExists nor ForAllValues/ForAnyValue.");
  }
  return op;
}

ConditionValues::ConditionValues(OperatorFamily family, Comparison comparison,
                                 const std::vector<std::string>& values)
    : family_(family), comparison_(comparison) {
  switch (family) {
    case OperatorFamily::kString:
    case OperatorFamily::kBinary:
      values_ = values;
      break;
    case OperatorFamily::kStringIgnoreCase: {
      std::vector<std::string> lowered;
      lowered.reserve(values.size());
      for (const auto& value : values) lowered.push_back(to_lower_ascii(value));
      values_ = std::move(lowered);
      break;
    }
    case OperatorFamily::kStringLike: {
      std::vector<WildcardPattern> patterns;
      patterns.reserve(values.size());
      for (const auto& value : values) patterns.emplace_back(value, CaseRule::kSensitive);
      values_ = std::move(patterns);
      break;
    }
    case OperatorFamily::kNumeric:
      values_ = parse_each<double>(values, "a number", parse_number);
      break;
    case OperatorFamily::kDate:
      values_ = parse_each<std::int64_t>(values, "an ISO 8601 date or epoch seconds", parse_date);
      break;
    case OperatorFamily::kBool:
    case OperatorFamily::kNull:
      values_ = parse_each<bool>(values, "\"true\" or \"false\"", parse_bool);
      break;
    case OperatorFamily::kIpAddress:
      values_ = parse_each<IpRange>(values, "an IP address or CIDR range", IpRange::parse);
      break;
    case OperatorFamily::kArn: {
      std::vector<ArnPattern> patterns;
      patterns.reserve(values.size());
      for (const auto& value : values) patterns.emplace_back(value);
      values_ = std::move(patterns);
      break;
    }
  }
}

bool ConditionValues::match_any(std::string_view request_value) const {
  switch (family_) {
    case OperatorFamily::kString:
    case OperatorFamily::kBinary:
      return std::ranges::any_of(std::get<std::vector<std::string>>(values_),
                                 [&](const std::string& value) { return value == request_value; });
    case OperatorFamily::kStringIgnoreCase:
      return std::ranges::any_of(
          std::get<std::vector<std::string>>(values_),
          [&](const std::string& value) { return equals_ignoring_case(value, request_value); });
    case OperatorFamily::kStringLike:
      return std::ranges::any_of(
          std::get<std::vector<WildcardPattern>>(values_),
          [&](const WildcardPattern& pattern) { return pattern.matches(request_value); });
    case OperatorFamily::kNumeric: {
      const auto number = parse_number(request_value);
      return number && std::ranges::any_of(std::get<std::vector<double>>(values_), [&](double v) {
               return compare(*number, v, comparison_);
             });
    }
    case OperatorFamily::kDate: {
      const auto date = parse_date(request_value);
      return date &&
             std::ranges::any_of(std::get<std::vector<std::int64_t>>(values_),
                                 [&](std::int64_t v) { return compare(*date, v, comparison_); });
    }
    case OperatorFamily::kBool: {
      const auto flag = parse_bool(request_value);
      return flag && std::ranges::find(std::get<std::vector<bool>>(values_), *flag) !=
                         std::get<std::vector<bool>>(values_).end();
    }
    case OperatorFamily::kIpAddress:
      return std::ranges::any_of(
          std::get<std::vector<IpRange>>(values_),
          [&](const IpRange& range) { return range.contains(request_value); });
    case OperatorFamily::kArn:
      return std::ranges::any_of(
          std::get<std::vector<ArnPattern>>(values_),
          [&](const ArnPattern& pattern) { return pattern.matches(request_value); });
    case OperatorFamily::kNull:
      return false;  // Null looks at presence only (null_matches)
  }
  return false;
}

bool ConditionValues::null_matches(bool absent) const {
  const auto& says_absent = std::get<std::vector<bool>>(values_);
  return std::ranges::find(says_absent, absent) != says_absent.end();
}

bool ConditionValues::all_values_fixed() const {
  switch (family_) {
    case OperatorFamily::kStringLike:
      return std::ranges::all_of(std::get<std::vector<WildcardPattern>>(values_),
                                 &WildcardPattern::is_literal);
    case OperatorFamily::kArn:
      return std::ranges::none_of(std::get<std::vector<ArnPattern>>(values_),
                                  &ArnPattern::has_wildcards);
    case OperatorFamily::kIpAddress:
      return std::ranges::all_of(std::get<std::vector<IpRange>>(values_),
                                 [](const IpRange& range) { return range.prefix_length() > 0; });
    default:
      return true;
  }
}

}  // namespace coffer::core::policy
