// The KMS operations of the AWS JSON 1.1 protocol ("TrentService.<Operation>"): each one
// reads its request members (botocore kms/2014-11-01 names), calls core::KmsService and
// writes the response members. Errors are coffer::Error; the HTTP layer translates them.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/secret_bytes.h"
#include "core/kms_service.h"
#include "server/aws/json_fields.h"

namespace coffer::server::aws {

// Returns the response body; an empty object for operations without output members.
using KmsOperation = std::function<Json(core::KmsService&, const Json& request)>;
using KmsOperationTable = std::map<std::string, KmsOperation, std::less<>>;

// Every operation core supports, by AWS operation name.
const KmsOperationTable& kms_operations();

// One area each (kms_json_keys.cc, kms_json_aliases_tags.cc, kms_json_crypto.cc).
void add_key_operations(KmsOperationTable& table);
void add_alias_and_tag_operations(KmsOperationTable& table);
void add_crypto_operations(KmsOperationTable& table);
// Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, GenerateDataKeyPair(WithoutPlaintext).
void add_signing_operations(KmsOperationTable& table);

// Members every cryptographic operation accepts: GrantTokens (checked, then ignored: no
// grants yet) and DryRun (refused).
void ignore_grant_tokens(const Json& in);
void refuse_dry_run(const Json& in);
// A required blob that is secret (a plaintext, a MAC's message): the decoding buffer is wiped.
SecretBytes secret_blob(const Json& in, const char* member, Length length);

// Shared by the key operations and CreateKey.
Json key_metadata_json(const core::KeyMetadata& m);

}  // namespace coffer::server::aws
