// The provider's key object: a reference to a Coffer key (its resolved key id) plus the
// real public half, an EVP_PKEY of OpenSSL's default provider in the private library
// context. The private half never leaves Coffer. A key imported from elsewhere (a
// certificate's public key, for EVP_PKEY_eq) has the public half only.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "provider/provider_context.h"

namespace coffer::provider {

struct Key {
  Key(ProviderContext* provider_context, KeyType key_type)
      : ctx(provider_context), type(key_type) {}
  ~Key() { EVP_PKEY_free(pub); }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;

  bool in_coffer() const noexcept { return !key_id.empty(); }

  ProviderContext* ctx;
  KeyType type;
  std::string key_id;       // Coffer's key id (ARN) as GetPublicKey resolved it; "" if public only
  std::string key_spec;     // e.g. RSA_2048, ECC_NIST_P256
  std::string key_usage;    // SIGN_VERIFY or ENCRYPT_DECRYPT
  EVP_PKEY* pub = nullptr;  // in ctx->public_libctx(); shared (up-ref'd) by duplicates
};

// Asks Coffer for the key's public half (GetPublicKey). `reference` is a key id, alias
// name or ARN. Throws coffer::Error; the public key must be RSA or EC.
std::unique_ptr<Key> fetch_key(ProviderContext& ctx, std::string_view reference);

// The name OpenSSL's key management knows the type by ("RSA", "EC").
const char* key_type_name(KeyType type);

}  // namespace coffer::provider
