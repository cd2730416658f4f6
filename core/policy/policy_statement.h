// One statement of a policy document, parsed: what it says (Effect) about whom (Principal or
// NotPrincipal), doing what (Action or NotAction), to what (Resource or NotResource), and when
// (Condition). A statement applies to a request when all four match.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/policy/arn_pattern.h"
#include "core/policy/condition.h"
#include "core/policy/principal_set.h"
#include "core/policy/request_context.h"
#include "core/policy/wildcard_match.h"

namespace coffer::core::policy {

enum class Effect { kAllow, kDeny };

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  // Absent in identity policies: they apply to the principal they are attached to.
  std::optional<PrincipalSet> principals;
  bool not_principal = false;
  std::vector<WildcardPattern> actions;  // lower-cased: action names ignore case
  bool not_action = false;
  std::vector<ArnPattern> resources;
  bool not_resource = false;
  std::vector<Condition> conditions;

  // kNone when the statement does not apply to `request`; kAccount when it applies only by
  // naming the principal's account (see principal_set.h). NotPrincipal excludes exactly the
  // principals it names: naming an account excludes its root, not its users (which is why AWS
  // asks for both the user's and the account's ARN there).
  PrincipalMatch applies_to(const RequestContext& request) const;
};

}  // namespace coffer::core::policy
