// The RSA asymmetric cipher's dispatch table (asym_cipher.cc).
#pragma once

#include <openssl/core.h>

namespace coffer::provider {
extern const OSSL_DISPATCH kRsaCipherFunctions[];
}  // namespace coffer::provider
