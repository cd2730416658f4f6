#include "core/audit/digest_signature.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "common/hex.h"
#include "core/audit/sha256.h"

namespace coffer::core::audit {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

PkeyPtr read_public_key(std::string_view pem) {
  if (pem.size() > 64 * 1024) return nullptr;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  PkeyPtr key(PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return key;
}

}  // namespace

std::optional<std::string> public_key_fingerprint(std::string_view public_key_pem) {
  const PkeyPtr key = read_public_key(public_key_pem);
  if (!key) return std::nullopt;
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key.get(), &der);
  if (size <= 0) return std::nullopt;
  const Sha256Digest digest =
      sha256(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  return hash_hex(digest);
}

bool is_supported_signature_algorithm(std::string_view algorithm) {
  return algorithm == "ECDSA_SHA_256" || algorithm == "RSASSA_PKCS1_V1_5_SHA_256";
}

bool verify_signature(std::string_view public_key_pem, std::string_view algorithm,
                      std::span<const std::uint8_t> message,
                      std::span<const std::uint8_t> signature) {
  if (!is_supported_signature_algorithm(algorithm)) return false;
  const PkeyPtr key = read_public_key(public_key_pem);
  if (!key) return false;
  // The algorithm names the key type too: an RSA key must not pass as an ECDSA signer.
  const bool wants_ec = algorithm == "ECDSA_SHA_256";
  if (EVP_PKEY_is_a(key.get(), wants_ec ? "EC" : "RSA") != 1) return false;
  const std::unique_ptr<EVP_MD_CTX, MdCtxFree> context(EVP_MD_CTX_new());
  if (!context) return false;
  EVP_PKEY_CTX* key_context = nullptr;  // owned by context
  if (EVP_DigestVerifyInit_ex(context.get(), &key_context, "SHA256", nullptr, nullptr, key.get(),
                              nullptr) != 1)
    return false;
  if (!wants_ec && EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1) return false;
  return EVP_DigestVerify(context.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

}  // namespace coffer::core::audit
