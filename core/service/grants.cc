// KmsService: grants. A grant lets one principal use one key for some operations (optionally
// only with a given encryption context) without a policy change; authorize() consults the
// key's grants when no policy allows a request and none denies it.
#include <openssl/rand.h>

#include <algorithm>
#include <mutex>

#include "common/error.h"
#include "common/hex.h"
#include "core/model/key_reference.h"
#include "core/service/grant_rules.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

std::string new_grant_id() {
  std::uint8_t bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw Error(ErrorCode::kInternal, "random generator failed");
  return to_hex(bytes);
}

std::vector<std::string> sorted_operations(std::vector<std::string> operations) {
  std::ranges::sort(operations);
  operations.erase(std::unique(operations.begin(), operations.end()), operations.end());
  return operations;
}

[[noreturn]] void grant_not_found(const std::string& grant_id) {
  throw Error(ErrorCode::kInvalidGrantId, "Grant ID " + grant_id.substr(0, 128) + " not found");
}

}  // namespace

const std::vector<GrantRecord>& KmsService::grants_of(const CachedKey& key) const {
  std::call_once(key.grants_loaded, [&] {
    key.grants = store_.list_grants(key.record.key_id, "", config_.max_grants_per_key);
  });
  return key.grants;
}

CreateGrantResult KmsService::create_grant(const CreateGrantRequest& request) {
  std::lock_guard lock(mutation_mutex_);
  const std::string key_id = resolve_key_id(request.key_id, api::Operation::kCreateGrant);
  auto key = load_key(key_id);
  if (!key) detail::not_found(request.key_id);

  // The condition keys AWS defines for CreateGrant, for policies that limit what may be granted.
  ExtraConditionKeys extra{{"kms:GrantOperations", sorted_operations(request.operations)},
                           {"kms:GranteePrincipal", {request.grantee_principal}}};
  if (request.retiring_principal)
    extra.push_back({"kms:RetiringPrincipal", {*request.retiring_principal}});
  std::vector<std::string> constraint_types;
  if (request.context_equals) constraint_types.push_back("EncryptionContextEquals");
  if (request.context_subset) constraint_types.push_back("EncryptionContextSubset");
  if (!constraint_types.empty()) extra.push_back({"kms:GrantConstraintType", constraint_types});
  // A grant that allows CreateGrant is matched against the new grant's constraints.
  const EncryptionContext* constraint = request.context_equals   ? &*request.context_equals
                                        : request.context_subset ? &*request.context_subset
                                                                 : nullptr;
  const auto via_grant = authorize(api::Operation::kCreateGrant, *key, "KeyId", constraint, &extra);
  require_state(api::Operation::kCreateGrant, key->record);
  validate_grant_request(request, key->record);
  if (via_grant && !grant_fits_within(request, *via_grant)) {
    throw Error(ErrorCode::kAccessDenied,
                "The grant that allows you to call CreateGrant does not allow a grant with these "
                "operations or weaker constraints");
  }

  const auto& existing = grants_of(*key);
  if (request.name) {
    for (const GrantRecord& grant : existing)
      if (same_grant(grant, request))
        return {grant_token_of(key_id, grant.grant_id), grant.grant_id};
  }
  if (existing.size() >= config_.max_grants_per_key) {
    throw Error(ErrorCode::kLimitExceeded,
                "A key can have at most " + std::to_string(config_.max_grants_per_key) + " grants");
  }
  GrantRecord grant;
  grant.grant_id = new_grant_id();
  grant.key_id = key_id;
  grant.name = request.name.value_or("");
  grant.grantee_principal = request.grantee_principal;
  grant.retiring_principal = request.retiring_principal.value_or("");
  grant.issuing_account = root_arn_;
  grant.operations = sorted_operations(request.operations);
  grant.context_equals = request.context_equals;
  grant.context_subset = request.context_subset;
  grant.created_at = clock_.now();
  store_.create_grant(grant);
  load_key(key_id);  // the next request sees the grant
  return {grant_token_of(key_id, grant.grant_id), grant.grant_id};
}

ListGrantsResult KmsService::list_grants(const ListGrantsRequest& request) {
  const std::size_t limit = detail::page_limit(request.page, 50);
  const std::string after = detail::read_marker(request.page);
  auto key = key_for(api::Operation::kListGrants, request.key_id);
  ListGrantsResult result;
  std::string cursor = after;
  // Filters apply after paging in the store; read on until the page is full or the grants end.
  for (;;) {
    auto batch = store_.list_grants(key->record.key_id, cursor, limit + 1);
    for (auto& grant : batch) {
      cursor = grant.grant_id;
      if (request.grant_id && grant.grant_id != *request.grant_id) continue;
      if (request.grantee_principal && grant.grantee_principal != *request.grantee_principal)
        continue;
      if (result.grants.size() == limit) {
        result.truncated = true;
        result.next_marker = detail::make_marker(result.grants.back().grant_id);
        return result;
      }
      result.grants.push_back(std::move(grant));
    }
    if (batch.size() < limit + 1) return result;
  }
}

ListGrantsResult KmsService::list_retirable_grants(const std::string& retiring_principal,
                                                   const Page& page) {
  authorize_account(api::Operation::kListRetirableGrants);
  const std::size_t limit = detail::page_limit(page, 50);
  auto grants = store_.list_retirable_grants(retiring_principal, config_.region,
                                             detail::read_marker(page), limit + 1);
  ListGrantsResult result;
  if (grants.size() > limit) {
    grants.resize(limit);
    result.truncated = true;
    result.next_marker = detail::make_marker(grants.back().grant_id);
  }
  result.grants = std::move(grants);
  return result;
}

void KmsService::retire_grant(const RetireGrantRequest& request) {
  std::string key_id;
  std::string grant_id;
  if (request.grant_token) {
    auto parts = parse_grant_token(*request.grant_token);
    if (!parts) throw Error(ErrorCode::kInvalidGrantToken, "Invalid grant token");
    key_id = parts->key_id;
    grant_id = parts->grant_id;
  } else if (request.key_id && request.grant_id) {
    // RetireGrant names the key by its ARN only.
    const KeyReference ref = parse_key_reference(*request.key_id);
    if (!ref.region || ref.kind != KeyReference::Kind::kKeyId)
      throw Error(ErrorCode::kInvalidArn, "Invalid arn " + request.key_id->substr(0, 2048));
    if (*ref.region != config_.region || ref.account.value_or("") != config_.account_id)
      detail::not_found(*request.key_id);
    key_id = ref.name;
    grant_id = *request.grant_id;
  } else {
    throw Error(ErrorCode::kValidation,
                "Either the GrantToken or both the KeyId and GrantId must be specified");
  }
  std::lock_guard lock(mutation_mutex_);
  auto grant = store_.get_grant(grant_id);
  const auto key = store_.get_key(key_id);
  if (!grant || grant->key_id != key_id || !key || key->region != config_.region) {
    if (request.grant_token) throw Error(ErrorCode::kInvalidGrantToken, "Invalid grant token");
    grant_not_found(grant_id);
  }
  // Who may retire a grant (AWS, "Retiring and revoking grants"): its retiring principal, its
  // grantee when the grant itself allows RetireGrant, and the account that issued it. Neither
  // another grant nor a policy's kms:RetireGrant can retire someone else's grant.
  const Caller* caller = current_caller();
  if (caller) {
    const std::string principal = principal_arn_of(caller->principal, config_.account_id);
    const bool allowed =
        principal == grant->retiring_principal || principal == grant->issuing_account ||
        (principal == grant->grantee_principal &&
         std::ranges::find(grant->operations, "RetireGrant") != grant->operations.end());
    if (!allowed) {
      throw Error(ErrorCode::kAccessDenied, "User: " + principal +
                                                " is not authorized to perform: kms:RetireGrant on "
                                                "resource: " +
                                                arn_of(key_id) +
                                                " because it is not the grant's retiring or "
                                                "grantee principal");
    }
  }
  if (!store_.delete_grant(grant_id)) grant_not_found(grant_id);
  load_key(key_id);
}

void KmsService::revoke_grant(const std::string& reference, const std::string& grant_id) {
  std::lock_guard lock(mutation_mutex_);
  auto key = key_for(api::Operation::kRevokeGrant, reference, "KeyId", /*fresh=*/true);
  auto grant = store_.get_grant(grant_id);
  if (!grant || grant->key_id != key->record.key_id) grant_not_found(grant_id);
  store_.delete_grant(grant_id);
  load_key(key->record.key_id);
}

}  // namespace coffer::core
