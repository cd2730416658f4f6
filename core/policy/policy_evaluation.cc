#include "core/policy/policy_evaluation.h"

#include <algorithm>

#include "core/policy/principal_set.h"

namespace coffer::core::policy {
namespace {

// Confines who may call, in the sense of AWS's "public" test: a positive comparison with fixed
// values on a key that identifies the caller or its network. IfExists and ForAllValues hold when
// the key is absent, so they confine nothing.
bool confines_caller(const Condition& condition) {
  static constexpr std::string_view kCallerKeys[] = {"aws:principalarn", "aws:principalaccount",
                                                     "kms:calleraccount", "aws:sourceip"};
  const ConditionOperator& op = condition.op();
  const bool fixed_comparison =
      (op.family == OperatorFamily::kString || op.family == OperatorFamily::kStringIgnoreCase ||
       op.family == OperatorFamily::kStringLike || op.family == OperatorFamily::kArn ||
       op.family == OperatorFamily::kIpAddress) &&
      !op.negated && !op.if_exists && op.qualifier != SetQualifier::kForAllValues;
  return fixed_comparison &&
         std::ranges::find(kCallerKeys, condition.key()) != std::end(kCallerKeys) &&
         condition.values().all_values_fixed();
}

}  // namespace

Verdict PolicyDocument::verdict(const RequestContext& request) const {
  Verdict verdict;
  for (const Statement& statement : statements_) {
    // Once allowed, only a Deny can still change the answer.
    if (statement.effect == Effect::kAllow && verdict.allowed) continue;
    const PrincipalMatch match = statement.applies_to(request);
    if (match == PrincipalMatch::kNone) continue;
    if (statement.effect == Effect::kDeny) {
      verdict.denied = true;
      return verdict;
    }
    (match == PrincipalMatch::kDirect ? verdict.allowed : verdict.allowed_for_account) = true;
  }
  return verdict;
}

Decision PolicyDocument::evaluate(const RequestContext& request) const {
  const Verdict verdict = this->verdict(request);
  if (verdict.denied) return Decision::kExplicitDeny;
  return verdict.allowed ? Decision::kAllow : Decision::kImplicitDeny;
}

bool PolicyDocument::allows(const RequestContext& request) const {
  const Verdict verdict = this->verdict(request);
  return !verdict.denied && (verdict.allowed || verdict.allowed_for_account);
}

bool PolicyDocument::grants_public_access() const {
  return std::ranges::any_of(statements_, [](const Statement& statement) {
    if (statement.effect != Effect::kAllow || !statement.principals) return false;
    // NotPrincipal in an Allow grants everyone but a few.
    const bool everyone = statement.not_principal || statement.principals->includes_everyone();
    return everyone && std::ranges::none_of(statement.conditions, confines_caller);
  });
}

Authorization authorize_with_reason(const PolicyDocument& key_policy,
                                    const std::vector<const PolicyDocument*>& identity_policies,
                                    const RequestContext& request, const std::string& account_id) {
  const Verdict key = key_policy.verdict(request);
  if (key.denied) return {Decision::kExplicitDeny, PolicyType::kResourceBased};
  const Authorization identity = authorize_by_identity_policies(identity_policies, request);
  if (identity.decision == Decision::kExplicitDeny) return identity;
  const bool identity_allows = identity.decision == Decision::kAllow;

  const bool same_account = account_of(request.principal_arn) == account_id;
  if (key.allowed && (same_account || identity_allows)) {
    return {Decision::kAllow, PolicyType::kResourceBased};
  }
  if (key.allowed_for_account && identity_allows) {
    return {Decision::kAllow, PolicyType::kIdentityBased};
  }
  // The key policy let the caller through to its identity policies, which said nothing.
  if (key.allowed || key.allowed_for_account) {
    return {Decision::kImplicitDeny, PolicyType::kIdentityBased};
  }
  return {Decision::kImplicitDeny, PolicyType::kResourceBased};
}

Decision authorize(const PolicyDocument& key_policy,
                   const std::vector<const PolicyDocument*>& identity_policies,
                   const RequestContext& request, const std::string& account_id) {
  return authorize_with_reason(key_policy, identity_policies, request, account_id).decision;
}

Authorization authorize_by_identity_policies(
    const std::vector<const PolicyDocument*>& identity_policies, const RequestContext& request) {
  // The root user holds every permission of its account; identity policies cannot be attached
  // to it, but a Deny handed in still wins.
  bool allowed = is_account_root(request.principal_arn);
  for (const PolicyDocument* policy : identity_policies) {
    const Verdict verdict = policy->verdict(request);
    if (verdict.denied) return {Decision::kExplicitDeny, PolicyType::kIdentityBased};
    allowed = allowed || verdict.allowed;
  }
  return {allowed ? Decision::kAllow : Decision::kImplicitDeny, PolicyType::kIdentityBased};
}

}  // namespace coffer::core::policy
