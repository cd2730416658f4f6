// An ordinary OpenSSL 3 program that signs with a key kept in Coffer: it loads the
// "coffer" provider next to "default" in its own library context, opens the key by URI
// through OSSL_STORE, signs a message with EVP_DigestSign and verifies the signature.
// Nothing here knows about Coffer beyond the provider's name and the URI.
//
//   sign_with_coffer coffer:alias/web-tls [MODULE_DIR]
//
// The provider finds cofferd through COFFER_ENDPOINT, COFFER_TLS, COFFER_CA_FILE and
// COFFER_API_KEY_FILE here (no openssl.cnf section is read by this library context).
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/store.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace {

int fail(const char* what) {
  std::fprintf(stderr, "sign_with_coffer: %s\n", what);
  ERR_print_errors_fp(stderr);
  return 1;
}

// The first private key the URI names, or nullptr.
EVP_PKEY* load_private_key(OSSL_LIB_CTX* libctx, const char* uri) {
  OSSL_STORE_CTX* store =
      OSSL_STORE_open_ex(uri, libctx, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  if (store == nullptr) return nullptr;
  EVP_PKEY* key = nullptr;
  OSSL_STORE_expect(store, OSSL_STORE_INFO_PKEY);
  while (key == nullptr && OSSL_STORE_eof(store) == 0) {
    OSSL_STORE_INFO* info = OSSL_STORE_load(store);
    if (info == nullptr) break;
    if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
      key = OSSL_STORE_INFO_get1_PKEY(info);
    OSSL_STORE_INFO_free(info);
  }
  OSSL_STORE_close(store);
  return key;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: sign_with_coffer coffer:KEY [MODULE_DIR]\n");
    return 2;
  }
  const char* uri = argv[1];
  const char* module_dir = argc == 3 ? argv[2] : COFFER_PROVIDER_DIR;

  OSSL_LIB_CTX* libctx = OSSL_LIB_CTX_new();
  if (libctx == nullptr) return fail("no library context");
  OSSL_PROVIDER_set_default_search_path(libctx, module_dir);
  // "default" first: it serves everything but the private-key operations.
  OSSL_PROVIDER* base = OSSL_PROVIDER_load(libctx, "default");
  OSSL_PROVIDER* coffer = OSSL_PROVIDER_load(libctx, "coffer");
  if (base == nullptr || coffer == nullptr) return fail("cannot load the providers");

  EVP_PKEY* key = load_private_key(libctx, uri);
  if (key == nullptr) return fail("cannot load the key");
  std::printf("loaded %s: %s, %d bits\n", uri, EVP_PKEY_get0_type_name(key),
              EVP_PKEY_get_bits(key));

  static const char kMessage[] = "a message signed by a key that never leaves Coffer";
  const auto* message = reinterpret_cast<const unsigned char*>(kMessage);
  const size_t message_size = std::strlen(kMessage);

  // Sign: the digest is computed here, the signature is made in Coffer.
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t signature_size = 0;
  std::vector<unsigned char> signature;
  if (EVP_DigestSignInit_ex(md, nullptr, "SHA256", libctx, nullptr, key, nullptr) != 1 ||
      EVP_DigestSign(md, nullptr, &signature_size, message, message_size) != 1)
    return fail("cannot start signing");
  signature.resize(signature_size);
  if (EVP_DigestSign(md, signature.data(), &signature_size, message, message_size) != 1)
    return fail("signing failed");
  signature.resize(signature_size);
  std::printf("signature: %zu bytes\n", signature.size());

  // Verify with a plain public key (as a peer would), decoded by the default provider.
  unsigned char* der = nullptr;
  const int der_size = i2d_PUBKEY(key, &der);
  const unsigned char* p = der;
  EVP_PKEY* pub =
      der_size > 0 ? d2i_PUBKEY_ex(nullptr, &p, der_size, libctx, "provider=default") : nullptr;
  OPENSSL_free(der);
  if (pub == nullptr) return fail("cannot export the public key");
  if (EVP_PKEY_eq(key, pub) != 1) return fail("the public key does not match the Coffer key");
  EVP_MD_CTX_reset(md);
  if (EVP_DigestVerifyInit_ex(md, nullptr, "SHA256", libctx, nullptr, pub, nullptr) != 1 ||
      EVP_DigestVerify(md, signature.data(), signature.size(), message, message_size) != 1)
    return fail("the signature does not verify");
  std::printf("signature verified with the public key\n");

  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pub);
  EVP_PKEY_free(key);
  OSSL_PROVIDER_unload(coffer);
  OSSL_PROVIDER_unload(base);
  OSSL_LIB_CTX_free(libctx);
  return 0;
}
