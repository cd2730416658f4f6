// A secret version's value at rest (docs/FORMAT.md, "Secret value, version 1"): one envelope
// record (core/envelope) under a fresh data key of the secret's KMS key, with the encryption
// context {SecretARN, SecretVersionId} as AWS uses it plus the value's type, so that a sealed
// value opens only as the same secret, version and type.
#pragma once

#include <string>

#include "core/model/records.h"
#include "core/secrets/secrets_types.h"
#include "core/service/kms_service.h"

namespace coffer::core {

// Throws KMS's errors (NotFound, Disabled, KMSInvalidState, ...) as they come.
Bytes seal_secret_value(KmsService& kms, const std::string& key_id, const std::string& secret_arn,
                        const std::string& version_id, const SecretValue& value);
SecretValue open_secret_value(KmsService& kms, const std::string& secret_arn,
                              const std::string& version_id, const Bytes& sealed);

}  // namespace coffer::core
