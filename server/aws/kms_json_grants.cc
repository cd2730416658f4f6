// Grant operations: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.
#include "core/model/key_reference.h"
#include "server/aws/kms_json_handlers.h"

namespace coffer::server::aws {
namespace {

// Constraints: {"EncryptionContextEquals": {...}} and/or {"EncryptionContextSubset": {...}}.
std::optional<core::EncryptionContext> constraint(const Json& in, const char* member) {
  const auto it = in.find("Constraints");
  if (it == in.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) throw Error(ErrorCode::kSerialization, "Constraints must be a structure");
  if (!it->contains(member) || (*it)[member].is_null()) return std::nullopt;
  return context(*it, member);
}

Json grant_json(const core::GrantRecord& g, const std::string& key_arn) {
  Json out{{"KeyId", key_arn},
           {"GrantId", g.grant_id},
           {"CreationDate", epoch_seconds(g.created_at)},
           {"GranteePrincipal", g.grantee_principal},
           {"IssuingAccount", g.issuing_account},
           {"Operations", g.operations}};
  if (!g.name.empty()) out["Name"] = g.name;
  if (!g.retiring_principal.empty()) out["RetiringPrincipal"] = g.retiring_principal;
  Json constraints = Json::object();
  if (g.context_equals) constraints["EncryptionContextEquals"] = *g.context_equals;
  if (g.context_subset) constraints["EncryptionContextSubset"] = *g.context_subset;
  if (!constraints.empty()) out["Constraints"] = std::move(constraints);
  return out;
}

Json grants_json(core::KmsService& kms, const core::ListGrantsResult& result) {
  Json grants = Json::array();
  for (const auto& g : result.grants)
    grants.push_back(
        grant_json(g, core::key_arn(kms.config().region, kms.config().account_id, g.key_id)));
  Json out{{"Grants", std::move(grants)}, {"Truncated", result.truncated}};
  if (result.next_marker) out["NextMarker"] = *result.next_marker;
  return out;
}

Json create_grant(core::KmsService& kms, const Json& in) {
  refuse_dry_run(in);
  core::CreateGrantRequest r;
  r.key_id = required_string(in, "KeyId");
  r.grantee_principal = required_string(in, "GranteePrincipal");
  r.retiring_principal = optional_string(in, "RetiringPrincipal");
  r.operations = string_list(in, "Operations");
  r.context_equals = constraint(in, "EncryptionContextEquals");
  r.context_subset = constraint(in, "EncryptionContextSubset");
  r.name = optional_string(in, "Name");
  r.grant_tokens = string_list(in, "GrantTokens");
  const auto result = kms.create_grant(r);
  return {{"GrantToken", result.grant_token}, {"GrantId", result.grant_id}};
}

Json list_grants(core::KmsService& kms, const Json& in) {
  core::ListGrantsRequest r;
  r.key_id = required_string(in, "KeyId");
  r.grant_id = optional_string(in, "GrantId");
  r.grantee_principal = optional_string(in, "GranteePrincipal");
  r.page = {optional_int(in, "Limit"), optional_string(in, "Marker")};
  return grants_json(kms, kms.list_grants(r));
}

Json list_retirable_grants(core::KmsService& kms, const Json& in) {
  return grants_json(
      kms, kms.list_retirable_grants(required_string(in, "RetiringPrincipal"),
                                     {optional_int(in, "Limit"), optional_string(in, "Marker")}));
}

Json retire_grant(core::KmsService& kms, const Json& in) {
  refuse_dry_run(in);
  kms.retire_grant({optional_string(in, "GrantToken"), optional_string(in, "KeyId"),
                    optional_string(in, "GrantId")});
  return Json::object();
}

Json revoke_grant(core::KmsService& kms, const Json& in) {
  refuse_dry_run(in);
  kms.revoke_grant(required_string(in, "KeyId"), required_string(in, "GrantId"));
  return Json::object();
}

}  // namespace

void add_grant_operations(KmsOperationTable& t) {
  t[core::api::Operation::kCreateGrant] = create_grant;
  t[core::api::Operation::kListGrants] = list_grants;
  t[core::api::Operation::kListRetirableGrants] = list_retirable_grants;
  t[core::api::Operation::kRetireGrant] = retire_grant;
  t[core::api::Operation::kRevokeGrant] = revoke_grant;
}

}  // namespace coffer::server::aws
