#include "core/policy/condition.h"

#include <algorithm>

#include "common/error.h"
#include "core/policy/condition_keys.h"
#include "core/policy/wildcard_match.h"

namespace coffer::core::policy {
namespace {

std::string known_key(std::string_view key) {
  std::string lowered = to_lower_ascii(key);
  if (!is_known_condition_key(lowered)) {
    throw Error(ErrorCode::kMalformedPolicyDocument,
                "Condition key " + std::string(key) + " is not a condition key Coffer supports.");
  }
  return lowered;
}

const std::vector<std::string>& at_least_one(std::string_view key,
                                             const std::vector<std::string>& values) {
  if (values.empty()) {
    throw Error(ErrorCode::kMalformedPolicyDocument,
                "Condition key " + std::string(key) + " has no values.");
  }
  return values;
}

}  // namespace

Condition::Condition(std::string_view operator_name, std::string_view key,
                     const std::vector<std::string>& values)
    : op_(parse_condition_operator(operator_name)),
      key_(known_key(key)),
      values_(op_.family, op_.comparison, at_least_one(key, values)) {}

bool Condition::holds(const RequestContext& request) const {
  const std::vector<std::string>* request_values = request.find(key_);
  if (op_.family == OperatorFamily::kNull) return values_.null_matches(request_values == nullptr);
  if (request_values == nullptr) {
    if (op_.if_exists) return true;
    switch (op_.qualifier) {
      case SetQualifier::kForAllValues:
        return true;
      case SetQualifier::kForAnyValue:
        return false;
      case SetQualifier::kNone:
        return op_.negated;
    }
  }
  const auto matches = [&](const std::string& value) {
    return values_.match_any(value) != op_.negated;
  };
  switch (op_.qualifier) {
    case SetQualifier::kForAllValues:
      return std::ranges::all_of(*request_values, matches);
    case SetQualifier::kForAnyValue:
      return std::ranges::any_of(*request_values, matches);
    case SetQualifier::kNone:
      break;
  }
  const bool any_matches = std::ranges::any_of(
      *request_values, [&](const std::string& value) { return values_.match_any(value); });
  return any_matches != op_.negated;
}

}  // namespace coffer::core::policy
