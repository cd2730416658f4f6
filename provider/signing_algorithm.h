// Which AWS signing algorithm (RSASSA_PSS_SHA_256, ECDSA_SHA_384, ...) an OpenSSL
// signature context asks for: digest, padding and PSS salt length, read back from the
// default provider's context that mirrors ours (signature.cc).
#pragma once

#include <openssl/evp.h>

#include <string>

#include "provider/provider_context.h"

namespace coffer::provider {

// The algorithm for signing a `digest_size`-byte digest, or throws coffer::Error
// (UnsupportedOperationException) saying what OpenSSL asked for that Coffer cannot do:
// another digest, raw RSA without a digest, PKCS#1 or PSS parameters AWS does not define.
std::string signing_algorithm(KeyType type, EVP_PKEY_CTX* mirror, std::size_t digest_size);

}  // namespace coffer::provider
