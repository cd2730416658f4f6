#include "core/audit/openssl_digest_signer.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "common/error.h"

namespace coffer::core::audit {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// What `write` (a PEM_write_bio_* call) puts in a memory BIO, as text.
template <class Write>
std::string pem_text(Write write, const char* what) {
  const std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) throw Error(ErrorCode::kInternal, what);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string public_key_pem_of(EVP_PKEY* key) {
  return pem_text([&](BIO* bio) { return PEM_write_bio_PUBKEY(bio, key); },
                  "cannot encode the audit signer's public key");
}

}  // namespace

DigestSigner openssl_digest_signer(std::string_view private_key_pem) {
  const std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  std::shared_ptr<EVP_PKEY> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, PkeyFree());
  if (!key) throw Error(ErrorCode::kValidation, "the audit signing key is not a PEM private key");
  const bool is_ec = EVP_PKEY_is_a(key.get(), "EC") == 1;
  if (!is_ec && EVP_PKEY_is_a(key.get(), "RSA") != 1)
    throw Error(ErrorCode::kValidation, "the audit signing key must be an EC or RSA key");

  DigestSigner signer;
  signer.algorithm = is_ec ? "ECDSA_SHA_256" : "RSASSA_PKCS1_V1_5_SHA_256";
  signer.public_key_pem = public_key_pem_of(key.get());
  signer.sign = [key, is_ec](std::span<const std::uint8_t> message) {
    const std::unique_ptr<EVP_MD_CTX, MdCtxFree> context(EVP_MD_CTX_new());
    EVP_PKEY_CTX* key_context = nullptr;
    std::size_t size = 0;
    if (!context ||
        EVP_DigestSignInit_ex(context.get(), &key_context, "SHA256", nullptr, nullptr, key.get(),
                              nullptr) != 1 ||
        (!is_ec && EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1) ||
        EVP_DigestSign(context.get(), nullptr, &size, message.data(), message.size()) != 1)
      throw Error(ErrorCode::kInternal, "cannot sign the audit digest");
    std::vector<std::uint8_t> signature(size);
    if (EVP_DigestSign(context.get(), signature.data(), &size, message.data(), message.size()) != 1)
      throw Error(ErrorCode::kInternal, "cannot sign the audit digest");
    signature.resize(size);
    return signature;
  };
  return signer;
}

std::string generate_ec_private_key_pem() {
  const std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  if (!key) throw Error(ErrorCode::kInternal, "cannot generate a P-256 key");
  return pem_text(
      [&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      },
      "cannot encode a new P-256 key");
}

std::string public_key_pem_from_der(std::span<const std::uint8_t> der) {
  const unsigned char* p = der.data();
  const std::unique_ptr<EVP_PKEY, PkeyFree> key(
      d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key) throw Error(ErrorCode::kInternal, "the public key does not parse as DER");
  return public_key_pem_of(key.get());
}

}  // namespace coffer::core::audit
