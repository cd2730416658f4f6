// RSA_padding_check_PKCS1_OAEP_mgf1 is deprecated in OpenSSL 3 but is the constant-time
// OAEP decoder it ships; the EVP interface offers no way to decode a block we decrypted
// elsewhere.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "pkcs11/oaep_host.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "common/error.h"
#include "pkcs11/mechanisms.h"

namespace coffer::pkcs11 {

Bytes oaep_encrypt_on_host(std::span<const std::uint8_t> spki_der, Digest digest,
                           std::span<const std::uint8_t> plaintext) {
  const unsigned char* in = spki_der.data();
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      d2i_PUBKEY(nullptr, &in, static_cast<long>(spki_der.size())), EVP_PKEY_free);
  if (!key) throw Error(ErrorCode::kInternal, "cannot read the RSA public key");
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
  std::size_t size = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), evp_digest(digest)) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), evp_digest(digest)) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &size, plaintext.data(), plaintext.size()) != 1) {
    throw Error(ErrorCode::kValidation, "RSA-OAEP: plaintext too long for the key");
  }
  Bytes out(size);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &size, plaintext.data(), plaintext.size()) != 1) {
    throw Error(ErrorCode::kValidation, "RSA-OAEP: plaintext too long for the key");
  }
  out.resize(size);
  return out;
}

std::optional<SecretBytes> oaep_decode(std::span<const std::uint8_t> encoded, Digest digest) {
  SecretBytes out(encoded.size());
  const int n = RSA_padding_check_PKCS1_OAEP_mgf1(
      out.data(), static_cast<int>(out.size()), encoded.data(), static_cast<int>(encoded.size()),
      static_cast<int>(encoded.size()), nullptr, 0, evp_digest(digest), evp_digest(digest));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace coffer::pkcs11
