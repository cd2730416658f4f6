// OpenSSL on the host, as a peer of Coffer would use it: verify Coffer's signatures with the
// public key GetPublicKey returns, make signatures and keys Coffer must accept, RSA-OAEP
// encrypt to a Coffer key, and read PKCS#8 private keys. Test code only: failures throw
// std::runtime_error.
#pragma once

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::testing::host {

using Bytes = std::vector<std::uint8_t>;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

[[noreturn]] inline void fail(const std::string& what) {
  throw std::runtime_error("host OpenSSL: " + what);
}

// How an AWS SigningAlgorithmSpec runs in OpenSSL.
struct Scheme {
  enum Kind { kPss, kPkcs1, kEcdsa } kind;
  const EVP_MD* md;
};

inline const EVP_MD* md_named(std::string_view bits) {
  if (bits == "1") return EVP_sha1();
  if (bits == "224") return EVP_sha224();
  if (bits == "256") return EVP_sha256();
  if (bits == "384") return EVP_sha384();
  if (bits == "512") return EVP_sha512();
  fail("no digest SHA-" + std::string(bits));
}

inline Scheme scheme_of(std::string_view algorithm) {
  const auto bits = algorithm.substr(algorithm.rfind('_') + 1);
  if (algorithm.starts_with("RSASSA_PSS_")) return {Scheme::kPss, md_named(bits)};
  if (algorithm.starts_with("RSASSA_PKCS1_V1_5_")) return {Scheme::kPkcs1, md_named(bits)};
  if (algorithm.starts_with("ECDSA_")) return {Scheme::kEcdsa, md_named(bits)};
  fail("no scheme " + std::string(algorithm));
}

inline Bytes digest(const EVP_MD* md, std::span<const std::uint8_t> message) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_Digest(message.data(), message.size(), out.data(), &size, md, nullptr) != 1)
    fail("digest");
  out.resize(size);
  return out;
}
inline Bytes digest_for(std::string_view algorithm, std::span<const std::uint8_t> message) {
  return digest(scheme_of(algorithm).md, message);
}

inline Pkey public_key_from_der(std::span<const std::uint8_t> spki) {
  const unsigned char* p = spki.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  if (!key) fail("d2i_PUBKEY");
  if (p != spki.data() + spki.size()) {
    EVP_PKEY_free(key);
    fail("trailing bytes after the SubjectPublicKeyInfo");
  }
  return Pkey(key);
}

inline Pkey private_key_from_pkcs8(std::span<const std::uint8_t> der) {
  const unsigned char* p = der.data();
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (!info) fail("d2i_PKCS8_PRIV_KEY_INFO");
  const bool whole = p == der.data() + der.size();
  EVP_PKEY* key = EVP_PKCS82PKEY(info);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (!key) fail("EVP_PKCS82PKEY");
  if (!whole) {
    EVP_PKEY_free(key);
    fail("trailing bytes after the PKCS#8 structure");
  }
  return Pkey(key);
}

inline Bytes spki_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  if (size <= 0) fail("i2d_PUBKEY");
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

// A fresh key of an AWS KeySpec (RSA_2048 ... ECC_SECG_P256K1).
inline Pkey generate(std::string_view spec) {
  EVP_PKEY* key = nullptr;
  if (spec == "RSA_2048") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048});
  if (spec == "RSA_3072") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072});
  if (spec == "RSA_4096") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{4096});
  if (spec == "RSA_1024") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024});
  if (spec == "ECC_NIST_P256") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (spec == "ECC_NIST_P384") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  if (spec == "ECC_NIST_P521") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
  if (spec == "ECC_SECG_P256K1") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1");
  if (spec == "ECC_BRAINPOOL_P256R1")
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "brainpoolP256r1");
  if (!key) fail("keygen " + std::string(spec));
  return Pkey(key);
}

// The KeySpec name a key is: "RSA_<bits>" or "ECC_<group>" with OpenSSL's group name.
inline std::string spec_of(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
    return "RSA_" + std::to_string(EVP_PKEY_get_bits(key));
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    char group[64] = {};
    if (EVP_PKEY_get_group_name(key, group, sizeof group, nullptr) != 1)
      fail("EVP_PKEY_get_group_name");
    const std::string_view name(group);
    if (name == "prime256v1") return "ECC_NIST_P256";
    if (name == "secp384r1") return "ECC_NIST_P384";
    if (name == "secp521r1") return "ECC_NIST_P521";
    if (name == "secp256k1") return "ECC_SECG_P256K1";
    return "ECC_" + std::string(name);
  }
  return "other";
}

// Sets what AWS means by the scheme: PSS with MGF1 of the same digest and a salt as long as
// the digest; PKCS#1 v1.5 with a DigestInfo; ECDSA.
inline void configure(EVP_PKEY_CTX* ctx, const Scheme& s) {
  if (s.kind == Scheme::kPss) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, s.md) != 1) {
      fail("PSS parameters");
    }
  } else if (s.kind == Scheme::kPkcs1) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1) fail("PKCS#1 padding");
  }
}

// MessageType DIGEST when `prehashed`: `input` is the digest itself.
inline bool verify(std::span<const std::uint8_t> spki, std::string_view algorithm,
                   std::span<const std::uint8_t> input, std::span<const std::uint8_t> signature,
                   bool prehashed = false) {
  Pkey key = public_key_from_der(spki);
  const Scheme s = scheme_of(algorithm);
  const Bytes hashed = prehashed ? Bytes(input.begin(), input.end()) : digest(s.md, input);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) fail("verify init");
  configure(ctx.get(), s);
  if (EVP_PKEY_CTX_set_signature_md(ctx.get(), s.md) != 1) fail("signature md");
  return EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), hashed.data(),
                         hashed.size()) == 1;
}

inline Bytes sign(EVP_PKEY* key, std::string_view algorithm, std::span<const std::uint8_t> input,
                  bool prehashed = false) {
  const Scheme s = scheme_of(algorithm);
  const Bytes hashed = prehashed ? Bytes(input.begin(), input.end()) : digest(s.md, input);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) fail("sign init");
  configure(ctx.get(), s);
  if (EVP_PKEY_CTX_set_signature_md(ctx.get(), s.md) != 1) fail("signature md");
  std::size_t size = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &size, hashed.data(), hashed.size()) != 1)
    fail("sign size");
  Bytes out(size);
  if (EVP_PKEY_sign(ctx.get(), out.data(), &size, hashed.data(), hashed.size()) != 1) fail("sign");
  out.resize(size);
  return out;
}

// True if `signature` is one strict-DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs) that
// re-encodes to the same bytes.
inline bool is_strict_der_ecdsa(std::span<const std::uint8_t> signature) {
  const unsigned char* p = signature.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(signature.size()));
  if (!sig) return false;
  const bool whole = p == signature.data() + signature.size();
  unsigned char* der = nullptr;
  const int size = i2d_ECDSA_SIG(sig, &der);
  const bool same = size > 0 && static_cast<std::size_t>(size) == signature.size() &&
                    std::equal(signature.begin(), signature.end(), der);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return whole && same;
}

// RSAES-OAEP with MGF1 and label-free, as AWS's RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256.
inline Bytes oaep_encrypt(std::span<const std::uint8_t> spki, std::string_view algorithm,
                          std::span<const std::uint8_t> plaintext) {
  const EVP_MD* md = algorithm == "RSAES_OAEP_SHA_1" ? EVP_sha1() : EVP_sha256();
  Pkey key = public_key_from_der(spki);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), md) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) != 1) {
    fail("OAEP init");
  }
  std::size_t size = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &size, plaintext.data(), plaintext.size()) != 1)
    fail("OAEP size");
  Bytes out(size);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &size, plaintext.data(), plaintext.size()) != 1)
    fail("OAEP");
  out.resize(size);
  return out;
}

inline Bytes oaep_decrypt(EVP_PKEY* key, std::string_view algorithm,
                          std::span<const std::uint8_t> ciphertext) {
  const EVP_MD* md = algorithm == "RSAES_OAEP_SHA_1" ? EVP_sha1() : EVP_sha256();
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), md) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) != 1) {
    fail("OAEP init");
  }
  std::size_t size = 0;
  if (EVP_PKEY_decrypt(ctx.get(), nullptr, &size, ciphertext.data(), ciphertext.size()) != 1)
    fail("OAEP size");
  Bytes out(size);
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &size, ciphertext.data(), ciphertext.size()) != 1) {
    fail("OAEP decrypt");
  }
  out.resize(size);
  return out;
}

// HMAC_SHA_224 ... HMAC_SHA_512.
inline Bytes hmac(std::string_view algorithm, std::span<const std::uint8_t> key,
                  std::span<const std::uint8_t> message) {
  const EVP_MD* md = md_named(algorithm.substr(algorithm.rfind('_') + 1));
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (!HMAC(md, key.data(), static_cast<int>(key.size()), message.data(), message.size(),
            out.data(), &size)) {
    fail("HMAC");
  }
  out.resize(size);
  return out;
}

}  // namespace coffer::testing::host
