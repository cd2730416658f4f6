// The condition operators of the IAM policy language: what a name like
// "ForAnyValue:StringNotLikeIfExists" means, and how the policy's values of one operator
// compare with one value from the request.
//
//   String       StringEquals, StringNotEquals                       case-sensitive
//                StringEqualsIgnoreCase, StringNotEqualsIgnoreCase
//                StringLike, StringNotLike                           `*` and `?`, case-sensitive
//   Numeric      Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}
//   Date         Date{...the same six...}                            ISO 8601 or epoch seconds
//   Bool, BinaryEquals, IpAddress, NotIpAddress                      CIDR, IPv4 and IPv6
//   Arn          ArnEquals, ArnLike, ArnNotEquals, ArnNotLike        wildcards per component
//   Null         "true": the key is absent; "false": it is present
//
// Every operator but Null takes the suffix IfExists and the prefixes ForAllValues: and
// ForAnyValue:. A "Not" operator is the negation of its positive twin: true when the request's
// value matches none of the policy's values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/policy/arn_pattern.h"
#include "core/policy/condition_values.h"
#include "core/policy/wildcard_match.h"

namespace coffer::core::policy {

enum class OperatorFamily {
  kString,
  kStringIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIpAddress,
  kArn,
  kNull,
};

// Numeric and Date only; every other family compares for equality (or a match).
enum class Comparison { kEquals, kLessThan, kLessThanEquals, kGreaterThan, kGreaterThanEquals };

enum class SetQualifier { kNone, kForAllValues, kForAnyValue };

struct ConditionOperator {
  OperatorFamily family = OperatorFamily::kString;
  Comparison comparison = Comparison::kEquals;
  bool negated = false;    // StringNotEquals, NumericNotEquals, NotIpAddress, ArnNotLike...
  bool if_exists = false;  // ...IfExists: an absent key satisfies the condition
  SetQualifier qualifier = SetQualifier::kNone;
};

// Operator names compare without regard to case. Throws Error(kMalformedPolicyDocument) for a
// name AWS does not define (and for IfExists or a set qualifier on Null).
ConditionOperator parse_condition_operator(std::string_view name);

// The policy's values of one condition, parsed once for their family. Multiple values are
// alternatives: a request value matches when it matches any of them.
class ConditionValues {
 public:
  // Throws Error(kMalformedPolicyDocument) for a value the family cannot hold (a Numeric value
  // that is not a number, an IpAddress that is not a CIDR range...).
  ConditionValues(OperatorFamily family, Comparison comparison,
                  const std::vector<std::string>& values);

  // The positive comparison (negation is the caller's): whether `request_value` matches any of
  // the policy's values. A request value the family cannot read matches nothing.
  bool match_any(std::string_view request_value) const;
  // Null: whether any policy value says "absent" when `absent`, or "present" when not.
  bool null_matches(bool absent) const;
  // Whether every value names one fixed thing (no wildcard, no range wider than /0), so that
  // a condition of this operator confines who may call (grants_public_access).
  bool all_values_fixed() const;

 private:
  using Values = std::variant<std::vector<std::string>,      // String, Binary; IgnoreCase lowered
                              std::vector<WildcardPattern>,  // StringLike
                              std::vector<double>,           // Numeric
                              std::vector<std::int64_t>,     // Date: ms since the epoch
                              std::vector<bool>,             // Bool, Null
                              std::vector<IpRange>,          // IpAddress
                              std::vector<ArnPattern>>;      // Arn
  OperatorFamily family_;
  Comparison comparison_;
  Values values_;
};

}  // namespace coffer::core::policy
