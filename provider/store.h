// The "coffer" store loader's dispatch table (store.cc).
#pragma once

#include <openssl/core.h>

namespace coffer::provider {
extern const OSSL_DISPATCH kStoreFunctions[];
}  // namespace coffer::provider
