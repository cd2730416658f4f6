// The signature operations' dispatch tables (signature.cc).
#pragma once

#include <openssl/core.h>

namespace coffer::provider {
extern const OSSL_DISPATCH kRsaSignatureFunctions[];
extern const OSSL_DISPATCH kEcdsaSignatureFunctions[];
}  // namespace coffer::provider
