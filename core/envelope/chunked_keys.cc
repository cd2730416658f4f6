#include "core/envelope/chunked_keys.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <string_view>

#include "common/error.h"
#include "core/envelope/stream_header.h"

namespace coffer::core::envelope {
namespace {

constexpr std::string_view kLabel = "c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM";

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

EVP_MAC* hmac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) throw Error(ErrorCode::kInternal, "OpenSSL has no HMAC");
  return mac;
}

}  // namespace

// Written out rather than EVP_KDF "HKDF" because OpenSSL 3.0 caps the info length, and
// the info here carries the whole envelope prefix (several encrypted keys, the context).
void hkdf_expand_sha512(std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                        std::span<std::uint8_t> out) {
  constexpr std::size_t kHash = 64;
  if (out.size() > 255 * kHash) throw Error(ErrorCode::kInternal, "HKDF output too long");
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> base(EVP_MAC_CTX_new(hmac()));
  char digest[] = "SHA512";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (!base || EVP_MAC_init(base.get(), prk.data(), prk.size(), params) != 1)
    throw Error(ErrorCode::kInternal, "HMAC-SHA-512 init failed");
  SecretBytes t(kHash);
  std::size_t t_size = 0;
  for (std::size_t done = 0, block = 1; done < out.size(); ++block) {
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_dup(base.get()));
    const std::uint8_t counter = static_cast<std::uint8_t>(block);
    std::size_t written = 0;
    if (!ctx || EVP_MAC_update(ctx.get(), t.data(), t_size) != 1 ||
        EVP_MAC_update(ctx.get(), info.data(), info.size()) != 1 ||
        EVP_MAC_update(ctx.get(), &counter, 1) != 1 ||
        EVP_MAC_final(ctx.get(), t.data(), &written, kHash) != 1 || written != kHash)
      throw Error(ErrorCode::kInternal, "HMAC-SHA-512 failed");
    t_size = kHash;
    const std::size_t n = std::min(kHash, out.size() - done);
    std::copy_n(t.data(), n, out.data() + done);
    done += n;
  }
}

ChunkedKeys derive_chunked_keys(std::span<const std::uint8_t> input_key,
                                std::span<const std::uint8_t> salt,
                                std::span<const std::uint8_t> context) {
  if (input_key.size() != kDataKeySize)
    throw Error(ErrorCode::kValidation, "the data key must be 32 bytes");
  if (salt.size() != kSaltSize) throw Error(ErrorCode::kValidation, "the salt must be 24 bytes");
  Bytes info;
  info.reserve(kLabel.size() + 1 + salt.size() + context.size());
  info.insert(info.end(), kLabel.begin(), kLabel.end());
  info.push_back(0x00);
  info.insert(info.end(), salt.begin(), salt.end());
  info.insert(info.end(), context.begin(), context.end());
  SecretBytes okm(kDataKeySize + kNonceSize + 32);
  hkdf_expand_sha512(input_key, info, okm.span());
  ChunkedKeys keys;
  keys.key = SecretBytes(okm.span().first(kDataKeySize));
  std::copy_n(okm.data() + kDataKeySize, kNonceSize, keys.base_nonce.begin());
  std::copy_n(okm.data() + kDataKeySize + kNonceSize, 32, keys.commitment.begin());
  return keys;
}

void check_commitment(const ChunkedKeys& keys, std::span<const std::uint8_t> commitment) {
  if (!constant_time_equal(keys.commitment, commitment))
    throw Error(ErrorCode::kInvalidCiphertext,
                "The envelope does not open: wrong data key, or the header or context was changed");
}

}  // namespace coffer::core::envelope
