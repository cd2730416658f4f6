#include "provider/signing_algorithm.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "common/error.h"

namespace coffer::provider {
namespace {

[[noreturn]] void unsupported(const std::string& why) {
  throw Error(ErrorCode::kUnsupportedOperation, why);
}

// SHA-256/384/512 by name ("SHA256", "SHA2-256", "sha-256"...), as OpenSSL resolves it.
int sha_bits(OSSL_LIB_CTX* libctx, const std::string& name) {
  if (name.empty()) return 0;
  EVP_MD* md = EVP_MD_fetch(libctx, name.c_str(), nullptr);
  if (md == nullptr) unsupported("unknown digest " + name);
  const int nid = EVP_MD_get_type(md);
  EVP_MD_free(md);
  switch (nid) {
    case NID_sha256:
      return 256;
    case NID_sha384:
      return 384;
    case NID_sha512:
      return 512;
    default:
      unsupported("Coffer signs SHA-256, SHA-384 or SHA-512 digests, not " + name);
  }
}

std::string utf8_param(EVP_PKEY_CTX* ctx, const char* name) {
  char value[80] = "";
  OSSL_PARAM params[] = {OSSL_PARAM_utf8_string(name, value, sizeof(value)), OSSL_PARAM_END};
  if (EVP_PKEY_CTX_get_params(ctx, params) != 1 || !OSSL_PARAM_modified(params)) return "";
  return value;
}

int int_param(EVP_PKEY_CTX* ctx, const char* name, int fallback) {
  int value = fallback;
  OSSL_PARAM params[] = {OSSL_PARAM_int(name, &value), OSSL_PARAM_END};
  if (EVP_PKEY_CTX_get_params(ctx, params) != 1 || !OSSL_PARAM_modified(params)) return fallback;
  return value;
}

}  // namespace

std::string signing_algorithm(KeyType type, EVP_PKEY_CTX* mirror, std::size_t digest_size) {
  OSSL_LIB_CTX* libctx = EVP_PKEY_CTX_get0_libctx(mirror);
  int bits = sha_bits(libctx, utf8_param(mirror, OSSL_SIGNATURE_PARAM_DIGEST));
  if (bits == 0 && type == KeyType::kEc) {
    // ECDSA signs the digest as it is: its length names the hash.
    bits = static_cast<int>(digest_size) * 8;
    if (bits != 256 && bits != 384 && bits != 512)
      unsupported("Coffer signs SHA-256, SHA-384 or SHA-512 digests, not " +
                  std::to_string(digest_size) + "-byte input");
  }
  if (bits == 0)
    unsupported(
        "RSA signatures need a digest (e.g. -pkeyopt digest:sha256): Coffer does not "
        "sign raw PKCS#1 data");
  if (digest_size != static_cast<std::size_t>(bits / 8))
    unsupported("a SHA-" + std::to_string(bits) + " digest is " + std::to_string(bits / 8) +
                " bytes, not " + std::to_string(digest_size));
  const std::string sha = "SHA_" + std::to_string(bits);
  if (type == KeyType::kEc) return "ECDSA_" + sha;

  const int padding = int_param(mirror, OSSL_SIGNATURE_PARAM_PAD_MODE, RSA_PKCS1_PADDING);
  if (padding == RSA_PKCS1_PADDING) return "RSASSA_PKCS1_V1_5_" + sha;
  if (padding != RSA_PKCS1_PSS_PADDING)
    unsupported("Coffer signs with RSA PKCS#1 v1.5 or PSS padding only");
  const int mgf1_bits = sha_bits(libctx, utf8_param(mirror, OSSL_SIGNATURE_PARAM_MGF1_DIGEST));
  if (mgf1_bits != 0 && mgf1_bits != bits)
    unsupported("Coffer's RSA-PSS uses MGF1 with the message digest (SHA-" + std::to_string(bits) +
                ")");
  // AWS's RSASSA_PSS_* use a salt as long as the digest. OpenSSL's own default for
  // signing is the longest salt the key allows, which Coffer cannot produce.
  const int salt = int_param(mirror, OSSL_SIGNATURE_PARAM_PSS_SALTLEN, RSA_PSS_SALTLEN_AUTO);
  if (salt != RSA_PSS_SALTLEN_DIGEST && salt != bits / 8)
    unsupported("Coffer's RSA-PSS salt is the digest length (" + std::to_string(bits / 8) +
                " bytes); set rsa_pss_saltlen:digest");
  return "RSASSA_PSS_" + sha;
}

}  // namespace coffer::provider
