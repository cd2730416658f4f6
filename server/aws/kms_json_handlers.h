// The KMS operations of the AWS JSON 1.1 protocol ("TrentService.<Operation>"): each one
// reads its request members (botocore kms/2014-11-01 names), calls core::KmsService and
// writes the response members. Errors are coffer::Error; the HTTP layer translates them.
#pragma once

#include <array>
#include <functional>

#include "common/error.h"
#include "common/secret_bytes.h"
#include "core/service/kms_service.h"
#include "server/aws/json_fields.h"

namespace coffer::server::aws {

// Returns the response body; an empty object for operations without output members. The
// request has been validated against the operation's members (core/api) before it runs: a
// handler only maps members onto core's request and core's result onto response members.
using KmsOperation = std::function<Json(core::KmsService&, const Json& request)>;

// The AWS JSON codec of each operation in core/api's table.
class KmsOperationTable {
 public:
  KmsOperation& operator[](core::api::Operation op) {
    return codecs_[static_cast<std::size_t>(op)];
  }
  // nullptr when the operation has no AWS JSON codec.
  const KmsOperation* find(core::api::Operation op) const {
    const auto& codec = codecs_[static_cast<std::size_t>(op)];
    return codec ? &codec : nullptr;
  }

 private:
  std::array<KmsOperation, core::api::kOperationCount> codecs_;
};

const KmsOperationTable& kms_operations();

// One area each (kms_json_keys.cc, kms_json_aliases_tags.cc, kms_json_crypto.cc).
void add_key_operations(KmsOperationTable& table);
void add_alias_and_tag_operations(KmsOperationTable& table);
void add_crypto_operations(KmsOperationTable& table);
// Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, GenerateDataKeyPair(WithoutPlaintext).
void add_signing_operations(KmsOperationTable& table);
// CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.
void add_grant_operations(KmsOperationTable& table);

// DryRun (refused: Coffer does not answer "would succeed"). GrantTokens are validated by the
// table and otherwise ignored: a grant is usable as soon as CreateGrant answers.
void refuse_dry_run(const Json& in);
// A required blob that is secret (a plaintext, a MAC's message): the decoding buffer is wiped.
SecretBytes secret_blob(const Json& in, const char* member);

// Shared by the key operations and CreateKey.
Json key_metadata_json(const core::KeyMetadata& m);

}  // namespace coffer::server::aws
