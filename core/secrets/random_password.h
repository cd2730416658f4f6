// GetRandomPassword: a password drawn from OpenSSL's CSPRNG, with Secrets Manager's options.
//
// Characters come from four classes (A-Z, a-z, 0-9 and the 32 punctuation marks
// !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~), less the classes switched off and less ExcludeCharacters;
// IncludeSpace adds the space. With RequireEachIncludedType (the default) every class still in
// use appears at least once; the space is admitted, never required.
#pragma once

#include "common/secret_bytes.h"
#include "core/secrets/secrets_types.h"

namespace coffer::core {

// PasswordLength outside 1..4096: ValidationException, worded as the request validator words
// it. A request no password can satisfy: InvalidParameterException, in AWS's words.
SecretBytes random_password(const RandomPasswordRequest& request);

}  // namespace coffer::core
