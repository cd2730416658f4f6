// coffer.v1.Principals: identity policies (IAM's inline-policy calls) and GetCallerIdentity.
#include "coffer/v1/principals.pb.h"
#include "server/rpc/kms_handlers.h"
#include "server/rpc/proto_convert.h"

namespace coffer::server::rpc {

namespace v1 = ::coffer::v1;
using Ctx = RequestContext;
using Op = core::api::Operation;

void register_principal_handlers(Dispatcher& d, core::KmsService& kms) {
  d.add_typed<v1::PutPrincipalPolicyRequest, v1::PutPrincipalPolicyResponse>(
      Op::kPutPrincipalPolicy, [&kms](const Ctx&, const auto& r) {
        kms.put_principal_policy(r.principal(), r.policy_name(), r.policy_document());
        return v1::PutPrincipalPolicyResponse();
      });
  d.add_typed<v1::GetPrincipalPolicyRequest, v1::GetPrincipalPolicyResponse>(
      Op::kGetPrincipalPolicy, [&kms](const Ctx&, const auto& r) {
        v1::GetPrincipalPolicyResponse out;
        out.set_policy_document(kms.get_principal_policy(r.principal(), r.policy_name()));
        out.set_principal(core::IdentityPolicies::attachable_principal_arn(
            r.principal(), kms.config().account_id));
        out.set_policy_name(r.policy_name());
        return out;
      });
  d.add_typed<v1::DeletePrincipalPolicyRequest, v1::DeletePrincipalPolicyResponse>(
      Op::kDeletePrincipalPolicy, [&kms](const Ctx&, const auto& r) {
        kms.delete_principal_policy(r.principal(), r.policy_name());
        return v1::DeletePrincipalPolicyResponse();
      });
  d.add_typed<v1::ListPrincipalPoliciesRequest, v1::ListPrincipalPoliciesResponse>(
      Op::kListPrincipalPolicies, [&kms](const Ctx&, const auto& r) {
        const auto listed = kms.list_principal_policies(
            r.principal(), page_of(r.has_max_items(), r.max_items(), r.has_marker(), r.marker()));
        v1::ListPrincipalPoliciesResponse out;
        for (const auto& name : listed.policy_names) out.add_policy_names(name);
        out.set_is_truncated(listed.truncated);
        if (listed.next_marker) out.set_marker(*listed.next_marker);
        return out;
      });
  d.add_typed<v1::GetCallerIdentityRequest, v1::GetCallerIdentityResponse>(
      Op::kGetCallerIdentity, [&kms](const Ctx&, const auto&) {
        const core::CallerIdentity identity = kms.caller_identity();
        v1::GetCallerIdentityResponse out;
        out.set_arn(identity.arn);
        out.set_account(identity.account);
        out.set_user_id(identity.user_id);
        out.set_access_key_id(identity.access_key_id);
        return out;
      });
}

}  // namespace coffer::server::rpc
