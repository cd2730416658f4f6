// The rules of KMS grants that need no store: which operations a grant may name for a key,
// what its constraints require of a request, whether one grant fits inside another, and the
// grant token. core/service/grants.cc applies them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/model/authorization_records.h"
#include "core/model/kms_types.h"

namespace coffer::core {

// Whether `grant` lets `principal_arn` call `operation` (an AWS grant operation name:
// "Decrypt", "ReEncryptFrom", ...) with the request's encryption context (null: none).
bool grant_allows(const GrantRecord& grant, const std::string& principal_arn,
                  std::string_view operation, const EncryptionContext* context);

// ValidationException unless every operation is a grant operation valid for `key` and the
// constraints are given only with operations that take an encryption context.
void validate_grant_request(const CreateGrantRequest& request, const KeyRecord& key);

// Whether a grant made by CreateGrant under the authority of `parent` (a grant that allows
// CreateGrant) asks for no more than `parent` gives: its operations are among the parent's and
// its constraints are at least as strict.
bool grant_fits_within(const CreateGrantRequest& request, const GrantRecord& parent);

// Whether an existing grant is the one `request` would make (CreateGrant with the same Name is
// idempotent: AWS answers with the existing grant's id).
bool same_grant(const GrantRecord& grant, const CreateGrantRequest& request);

// The grant token names the key and the grant: base64 of "coffer-grant-v1:KEY_ID:GRANT_ID".
// A grant is usable as soon as CreateGrant answers, so the token only has to identify it.
std::string grant_token_of(const std::string& key_id, const std::string& grant_id);
struct GrantTokenParts {
  std::string key_id;
  std::string grant_id;
};
// nullopt for anything this service did not issue.
std::optional<GrantTokenParts> parse_grant_token(std::string_view token);

// Whether `principal` can be a grantee or retiring principal: an IAM ARN of a user, role or
// account root, or a service principal ("NAME.amazonaws.com").
bool valid_grant_principal(std::string_view principal);

}  // namespace coffer::core
