#include "provider/key.h"

#include <openssl/x509.h>

namespace coffer::provider {

const char* key_type_name(KeyType type) { return type == KeyType::kRsa ? "RSA" : "EC"; }

std::unique_ptr<Key> fetch_key(ProviderContext& ctx, std::string_view reference) {
  OSSL_LIB_CTX* libctx = ctx.public_libctx();
  if (libctx == nullptr) throw Error(ErrorCode::kInternal, "no library context for public keys");

  v1::GetPublicKeyRequest request;
  request.set_key_id(std::string(reference));
  const v1::GetPublicKeyResponse response = ctx.kms().get_public_key(request);

  const auto* der = reinterpret_cast<const unsigned char*>(response.public_key().data());
  EVP_PKEY* pub = d2i_PUBKEY_ex(nullptr, &der, static_cast<long>(response.public_key().size()),
                                libctx, nullptr);
  if (pub == nullptr)
    throw Error(ErrorCode::kInternal, "Coffer's public key for " + std::string(reference) +
                                          " does not parse as SubjectPublicKeyInfo");
  KeyType type;
  if (EVP_PKEY_is_a(pub, "RSA")) {
    type = KeyType::kRsa;
  } else if (EVP_PKEY_is_a(pub, "EC")) {
    type = KeyType::kEc;
  } else {
    EVP_PKEY_free(pub);
    throw Error(
        ErrorCode::kUnsupportedOperation,
        "key " + std::string(reference) + " (" + response.key_spec() + ") is neither RSA nor EC");
  }
  auto key = std::make_unique<Key>(&ctx, type);
  key->pub = pub;
  key->key_id = response.key_id().empty() ? std::string(reference) : response.key_id();
  key->key_spec = response.key_spec();
  key->key_usage = response.key_usage();
  return key;
}

}  // namespace coffer::provider
