// One condition of a statement: an operator, a key and the policy's values, e.g.
// "StringEquals": {"kms:EncryptionContext:tenant": ["a", "b"]}. A statement's conditions all
// have to hold (AND); the values of one condition are alternatives (OR).
//
// When the request does not carry the key (AWS's rules):
//   ...IfExists                  true
//   ForAllValues:                true  (every one of no values matches)
//   ForAnyValue:                 false
//   Null                         "true" holds, "false" does not
//   a "Not" operator             true  (nothing matched, so nothing the policy names)
//   any other operator           false
// When it carries several values (kms:EncryptionContextKeys, aws:TagKeys...): ForAllValues needs
// every request value to match, ForAnyValue one; a plain operator holds when any request value
// matches (and a "Not" operator when none does).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/policy/condition_operators.h"
#include "core/policy/request_context.h"

namespace coffer::core::policy {

class Condition {
 public:
  // Throws Error(kMalformedPolicyDocument) for an unknown operator or key, a value the operator
  // cannot hold, or no values at all.
  Condition(std::string_view operator_name, std::string_view key,
            const std::vector<std::string>& values);

  bool holds(const RequestContext& request) const;

  const ConditionOperator& op() const { return op_; }
  const std::string& key() const { return key_; }  // lower-cased
  const ConditionValues& values() const { return values_; }

 private:
  ConditionOperator op_;
  std::string key_;
  ConditionValues values_;
};

}  // namespace coffer::core::policy
