#include "core/policy/policy_statement.h"

#include <algorithm>

namespace coffer::core::policy {
namespace {

// Whether any of `patterns` matches, turned around by the Not form of the element.
template <class Pattern>
bool element_matches(const std::vector<Pattern>& patterns, bool negated, std::string_view value) {
  const bool any =
      std::ranges::any_of(patterns, [&](const Pattern& pattern) { return pattern.matches(value); });
  return any != negated;
}

}  // namespace

PrincipalMatch Statement::applies_to(const RequestContext& request) const {
  // Cheapest and most selective first; conditions last.
  if (!element_matches(actions, not_action, request.action)) return PrincipalMatch::kNone;
  if (!element_matches(resources, not_resource, request.resource_arn)) {
    return PrincipalMatch::kNone;
  }
  PrincipalMatch who = PrincipalMatch::kDirect;
  if (principals) {
    who = principals->match(request.principal_arn);
    if (not_principal) {
      who = who == PrincipalMatch::kDirect ? PrincipalMatch::kNone : PrincipalMatch::kDirect;
    }
    if (who == PrincipalMatch::kNone) return who;
  }
  const bool conditions_hold = std::ranges::all_of(
      conditions, [&](const Condition& condition) { return condition.holds(request); });
  return conditions_hold ? who : PrincipalMatch::kNone;
}

}  // namespace coffer::core::policy
