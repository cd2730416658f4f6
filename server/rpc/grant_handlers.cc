// coffer.v1.Keys grant methods: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant,
// RevokeGrant.
#include "coffer/v1/keys.pb.h"
#include "core/model/key_reference.h"
#include "server/rpc/kms_handlers.h"
#include "server/rpc/proto_convert.h"

namespace coffer::server::rpc {
namespace {

namespace v1 = ::coffer::v1;
using Ctx = RequestContext;
using Op = core::api::Operation;

void fill(const core::EncryptionContext& context, v1::EncryptionContextEntries* out) {
  for (const auto& [k, v] : context) (*out->mutable_entries())[k] = v;
}

v1::ListGrantsResponse grants_response(const core::KmsService& kms,
                                       const core::ListGrantsResult& result) {
  v1::ListGrantsResponse out;
  for (const auto& g : result.grants) {
    auto* e = out.add_grants();
    e->set_key_id(core::key_arn(kms.config().region, kms.config().account_id, g.key_id));
    e->set_grant_id(g.grant_id);
    e->set_name(g.name);
    to_proto(g.created_at, e->mutable_creation_date());
    e->set_grantee_principal(g.grantee_principal);
    e->set_retiring_principal(g.retiring_principal);
    e->set_issuing_account(g.issuing_account);
    for (const auto& op : g.operations) e->add_operations(op);
    if (g.context_equals)
      fill(*g.context_equals, e->mutable_constraints()->mutable_encryption_context_equals());
    if (g.context_subset)
      fill(*g.context_subset, e->mutable_constraints()->mutable_encryption_context_subset());
  }
  if (result.next_marker) out.set_next_marker(*result.next_marker);
  out.set_truncated(result.truncated);
  return out;
}

}  // namespace

void register_grant_handlers(Dispatcher& d, core::KmsService& kms) {
  d.add_typed<v1::CreateGrantRequest, v1::CreateGrantResponse>(
      Op::kCreateGrant, [&kms](const Ctx&, const auto& r) {
        core::CreateGrantRequest req;
        req.key_id = r.key_id();
        req.grantee_principal = r.grantee_principal();
        req.retiring_principal = optional_of(r.has_retiring_principal(), r.retiring_principal());
        req.operations.assign(r.operations().begin(), r.operations().end());
        if (r.constraints().has_encryption_context_equals())
          req.context_equals = from_proto(r.constraints().encryption_context_equals().entries());
        if (r.constraints().has_encryption_context_subset())
          req.context_subset = from_proto(r.constraints().encryption_context_subset().entries());
        req.name = optional_of(r.has_name(), r.name());
        req.grant_tokens.assign(r.grant_tokens().begin(), r.grant_tokens().end());
        const auto result = kms.create_grant(req);
        v1::CreateGrantResponse out;
        out.set_grant_token(result.grant_token);
        out.set_grant_id(result.grant_id);
        return out;
      });
  d.add_typed<v1::ListGrantsRequest, v1::ListGrantsResponse>(
      Op::kListGrants, [&kms](const Ctx&, const auto& r) {
        core::ListGrantsRequest req;
        req.key_id = r.key_id();
        req.grant_id = optional_of(r.has_grant_id(), r.grant_id());
        req.grantee_principal = optional_of(r.has_grantee_principal(), r.grantee_principal());
        req.page = page_from(r);
        return grants_response(kms, kms.list_grants(req));
      });
  d.add_typed<v1::ListRetirableGrantsRequest, v1::ListGrantsResponse>(
      Op::kListRetirableGrants, [&kms](const Ctx&, const auto& r) {
        return grants_response(kms,
                               kms.list_retirable_grants(r.retiring_principal(), page_from(r)));
      });
  d.add_typed<v1::RetireGrantRequest, v1::RetireGrantResponse>(
      Op::kRetireGrant, [&kms](const Ctx&, const auto& r) {
        kms.retire_grant({optional_of(r.has_grant_token(), r.grant_token()),
                          optional_of(r.has_key_id(), r.key_id()),
                          optional_of(r.has_grant_id(), r.grant_id())});
        return v1::RetireGrantResponse();
      });
  d.add_typed<v1::RevokeGrantRequest, v1::RevokeGrantResponse>(
      Op::kRevokeGrant, [&kms](const Ctx&, const auto& r) {
        kms.revoke_grant(r.key_id(), r.grant_id());
        return v1::RevokeGrantResponse();
      });
}

}  // namespace coffer::server::rpc
