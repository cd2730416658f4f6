// Direct checks of the Token API on a throw-away SoftHSM token: every key kind Coffer makes
// works for what it is made for, public keys and signatures interoperate with OpenSSL, and
// the failures callers rely on come back as the documented coffer::Error codes.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <string>

#include "common/error.h"
#include "common/hex.h"
#include "pkcs11/token_uri.h"
#include "tests/support/error_matchers.h"
#include "tests/support/token_fixture.h"

namespace coffer::testing {
namespace {

using pkcs11::Bytes;
using pkcs11::Digest;
using pkcs11::EcCurve;
using pkcs11::Extractability;
using pkcs11::Lifetime;
using pkcs11::SignAlgorithm;
using pkcs11::SignScheme;
using pkcs11::Token;
using pkcs11::UnwrappedKind;
using pkcs11::WrapMechanism;
using pkcs11::WrapReader;
using pkcs11::WrapTarget;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

const EVP_MD* evp_md(Digest digest) {
  switch (digest) {
    case Digest::kSha1:
      return EVP_sha1();
    case Digest::kSha224:
      return EVP_sha224();
    case Digest::kSha256:
      return EVP_sha256();
    case Digest::kSha384:
      return EVP_sha384();
    case Digest::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

// The token's DER SubjectPublicKeyInfo, parsed by OpenSSL; fails the test if it does not parse.
PkeyPtr openssl_public_key(Token& token, const std::string& id) {
  const Bytes der = token.public_key_der(id);
  const unsigned char* in = der.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &in, static_cast<long>(der.size())));
  EXPECT_TRUE(key) << "OpenSSL cannot parse the token's SubjectPublicKeyInfo";
  EXPECT_EQ(in, der.data() + der.size()) << "trailing bytes after the SubjectPublicKeyInfo";
  return key;
}

// Verifies with OpenSSL alone: EVP_DigestVerify over the message.
bool openssl_verify(EVP_PKEY* key, const SignAlgorithm& algorithm, const Bytes& message,
                    const Bytes& signature) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, evp_md(algorithm.digest), nullptr, key) != 1)
    return false;
  if (algorithm.scheme == SignScheme::kRsaPss) {
    const int salt =
        static_cast<int>(algorithm.pss_salt_length ? algorithm.pss_salt_length
                                                   : pkcs11::digest_size(algorithm.digest));
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, evp_md(algorithm.digest)) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt) != 1) {
      return false;
    }
  } else if (algorithm.scheme == SignScheme::kRsaPkcs1) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  }
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

Bytes openssl_oaep_encrypt(EVP_PKEY* key, Digest digest, const Bytes& plaintext) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new(key, nullptr));
  Bytes out(512);
  std::size_t size = out.size();
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), evp_md(digest)) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), evp_md(digest)) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), out.data(), &size, plaintext.data(), plaintext.size()) != 1) {
    ADD_FAILURE() << "OpenSSL RSA-OAEP encryption failed";
    return {};
  }
  out.resize(size);
  return out;
}

// Runs f and returns the coffer::Error it throws; fails the test if it throws nothing.
template <class F>
Error error_from(F&& f) {
  try {
    f();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a coffer::Error";
  return Error(ErrorCode::kInternal, "nothing thrown");
}

class TokenOperations : public TokenTest {};

// --- keys of every kind -------------------------------------------------------------------

TEST_F(TokenOperations, Aes256KeyEncryptsAndDecryptsWithFreshIvs) {
  const std::string id = unique_id("aes");
  token().generate_aes256(id);
  ASSERT_TRUE(token().exists(id));
  const Bytes aad = bytes_of("purpose=test");
  const Bytes plaintext = bytes_of("thirty-two bytes of plaintext!!!");

  const pkcs11::GcmCiphertext a = token().gcm_encrypt(id, aad, plaintext);
  const pkcs11::GcmCiphertext b = token().gcm_encrypt(id, aad, plaintext);
  EXPECT_EQ(a.ciphertext.size(), plaintext.size() + 16);
  EXPECT_NE(a.iv, b.iv) << "two encryptions used the same IV";
  EXPECT_NE(a.ciphertext, b.ciphertext);
  EXPECT_NE(Bytes(a.ciphertext.begin(), a.ciphertext.begin() + 32), plaintext);

  for (const auto* sealed : {&a, &b}) {
    const SecretBytes opened = token().gcm_decrypt(id, sealed->iv, aad, sealed->ciphertext);
    EXPECT_EQ(Bytes(opened.span().begin(), opened.span().end()), plaintext);
  }
}

// Hardening (issue 12, defect 11): with the CloudHSM quirk the token must choose the IV.
// SoftHSM leaves the zero IV it was given, which is exactly a token that did not write one:
// the result must be refused, never returned as a ciphertext under a fixed IV.
TEST_F(TokenOperations, CloudHsmQuirkRefusesAnIvTheTokenDidNotWrite) {
  const std::string id = unique_id("aes");
  token().generate_aes256(id);
  auto config = temp_token().config(1);
  config.quirks = "cloudhsm";
  Token cloudhsm(config);
  ASSERT_TRUE(cloudhsm.quirks().token_generates_gcm_iv);
  EXPECT_THAT([&] { cloudhsm.gcm_encrypt(id, bytes_of("aad"), bytes_of("plaintext")); },
              ThrowsError(ErrorCode::kInternal, ::testing::HasSubstr("did not generate a GCM IV")));
}

TEST_F(TokenOperations, AesGcmOfAnEmptyMessageRoundTrips) {
  const std::string id = unique_id("aes-empty");
  token().generate_aes256(id);
  const pkcs11::GcmCiphertext sealed = token().gcm_encrypt(id, bytes_of("aad"), {});
  EXPECT_EQ(sealed.ciphertext.size(), 16u);
  EXPECT_TRUE(token().gcm_decrypt(id, sealed.iv, bytes_of("aad"), sealed.ciphertext).empty());
  // The session that served the empty message still serves the next caller.
  const pkcs11::GcmCiphertext next = token().gcm_encrypt(id, {}, bytes_of("next"));
  EXPECT_EQ(token().gcm_decrypt(id, next.iv, {}, next.ciphertext).size(), 4u);
}

TEST_F(TokenOperations, GenericSecretSignsHmacAsOpenSslDoes) {
  // A generated 256-bit key: HMAC-SHA-256 verifies, a changed message or MAC does not.
  const std::string generated = unique_id("hmac");
  token().generate_generic_secret(generated, 256);
  const SignAlgorithm hmac{.scheme = SignScheme::kHmac, .digest = Digest::kSha256};
  const Bytes message = bytes_of("message to authenticate");
  const Bytes mac = token().sign(generated, hmac, message);
  EXPECT_EQ(mac.size(), 32u);
  EXPECT_TRUE(token().verify(generated, hmac, message, mac));
  EXPECT_FALSE(token().verify(generated, hmac, bytes_of("message to authenticatE"), mac));
  Bytes bad_mac = mac;
  bad_mac[5] ^= 0x01;
  EXPECT_FALSE(token().verify(generated, hmac, message, bad_mac));
  EXPECT_FALSE(token().verify(generated, hmac, message, Bytes(mac.begin(), mac.begin() + 16)));
  EXPECT_FALSE(token().verify(generated, hmac, message, {}));

  // Known keys: the token's HMAC equals OpenSSL's for each digest, also of an empty message.
  // Each key is as long as its digest (as AWS HMAC keys are; SoftHSM refuses shorter ones).
  for (Digest digest : {Digest::kSha256, Digest::kSha384, Digest::kSha512}) {
    const std::string known = unique_id("hmac-known");
    const Bytes key(pkcs11::digest_size(digest), 0x5c);
    token().import_generic_secret(
        known, key,
        {.extractability = Extractability::kPlainForTests, .lifetime = Lifetime::kSession});
    for (const Bytes& input : {message, Bytes{}}) {
      unsigned char expected[EVP_MAX_MD_SIZE];
      unsigned int expected_size = 0;
      HMAC(evp_md(digest), key.data(), static_cast<int>(key.size()), input.data(), input.size(),
           expected, &expected_size);
      const SignAlgorithm algorithm{.scheme = SignScheme::kHmac, .digest = digest};
      const Bytes token_mac = token().sign(known, algorithm, input);
      EXPECT_EQ(to_hex(token_mac), to_hex(std::span<const std::uint8_t>(expected, expected_size)))
          << "digest " << static_cast<int>(digest) << ", message of " << input.size() << " bytes";
      EXPECT_TRUE(token().verify(known, algorithm, input, token_mac));
    }
  }
}

TEST_F(TokenOperations, Rsa2048SignaturesVerifyInTheTokenAndInOpenSsl) {
  const std::string id = unique_id("rsa");
  token().generate_rsa(id, 2048);
  PkeyPtr public_key = openssl_public_key(token(), id);
  ASSERT_TRUE(public_key);
  EXPECT_EQ(EVP_PKEY_get_base_id(public_key.get()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(public_key.get()), 2048);

  const Bytes message = bytes_of("RSA signed message");
  const Bytes other = bytes_of("RSA signed messagE");
  for (const SignAlgorithm& algorithm :
       {SignAlgorithm{.scheme = SignScheme::kRsaPkcs1, .digest = Digest::kSha256},
        SignAlgorithm{.scheme = SignScheme::kRsaPss, .digest = Digest::kSha256},
        SignAlgorithm{.scheme = SignScheme::kRsaPss, .digest = Digest::kSha512},
        SignAlgorithm{
            .scheme = SignScheme::kRsaPss, .digest = Digest::kSha256, .pss_salt_length = 20}}) {
    SCOPED_TRACE("scheme " + std::to_string(static_cast<int>(algorithm.scheme)) + " digest " +
                 std::to_string(static_cast<int>(algorithm.digest)));
    const Bytes signature = token().sign(id, algorithm, message);
    EXPECT_EQ(signature.size(), 256u);
    EXPECT_TRUE(token().verify(id, algorithm, message, signature));
    EXPECT_FALSE(token().verify(id, algorithm, other, signature));
    EXPECT_TRUE(openssl_verify(public_key.get(), algorithm, message, signature));
    EXPECT_FALSE(openssl_verify(public_key.get(), algorithm, other, signature));
    // Wrong lengths are an invalid signature (false), not an error, and leave the token usable.
    EXPECT_FALSE(
        token().verify(id, algorithm, message, Bytes(signature.begin(), signature.end() - 1)));
    EXPECT_FALSE(token().verify(id, algorithm, message, {}));
    EXPECT_TRUE(token().verify(id, algorithm, message, signature));
  }

  // A digest signed as such (AWS MessageType DIGEST) verifies as the message it came from.
  Bytes digest(32);
  unsigned int digest_size = 0;
  ASSERT_EQ(EVP_Digest(message.data(), message.size(), digest.data(), &digest_size, EVP_sha256(),
                       nullptr),
            1);
  const SignAlgorithm prehashed{
      .scheme = SignScheme::kRsaPss, .digest = Digest::kSha256, .prehashed = true};
  const Bytes signature = token().sign(id, prehashed, digest);
  EXPECT_TRUE(openssl_verify(public_key.get(),
                             {.scheme = SignScheme::kRsaPss, .digest = Digest::kSha256}, message,
                             signature));
  EXPECT_THAT([&] { token().sign(id, prehashed, message); }, ThrowsError(ErrorCode::kValidation));
}

struct CurveCase {
  EcCurve curve;
  Digest digest;
  const char* name;
  int bits;
};

void PrintTo(const CurveCase& c, std::ostream* out) { *out << c.name; }

class TokenEcKeys : public TokenTest, public ::testing::WithParamInterface<CurveCase> {};

TEST_P(TokenEcKeys, DerEcdsaSignaturesVerifyInTheTokenAndInOpenSsl) {
  const CurveCase& c = GetParam();
  const std::string id = unique_id(std::string("ec-") + c.name);
  token().generate_ec(id, c.curve);
  PkeyPtr public_key = openssl_public_key(token(), id);
  ASSERT_TRUE(public_key);
  EXPECT_EQ(EVP_PKEY_get_base_id(public_key.get()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(public_key.get()), c.bits);

  const SignAlgorithm ecdsa{.scheme = SignScheme::kEcdsa, .digest = c.digest};
  const Bytes message = bytes_of("ECDSA signed message");
  for (int i = 0; i < 4; ++i) {  // r and s vary in length: several signatures exercise the DER
    const Bytes signature = token().sign(id, ecdsa, message);
    EXPECT_EQ(signature[0], 0x30) << "not a DER SEQUENCE";
    EXPECT_TRUE(token().verify(id, ecdsa, message, signature));
    EXPECT_TRUE(openssl_verify(public_key.get(), ecdsa, message, signature));
    EXPECT_FALSE(token().verify(id, ecdsa, bytes_of("ECDSA signed messagE"), signature));
    Bytes flipped = signature;
    flipped.back() ^= 0x01;
    EXPECT_FALSE(token().verify(id, ecdsa, message, flipped));
    EXPECT_FALSE(openssl_verify(public_key.get(), ecdsa, message, flipped));
  }

  // The public key exported and imported again verifies the token's signatures.
  const std::string imported = unique_id("ec-imported");
  token().import_public_key(imported, token().public_key_der(id), Lifetime::kSession);
  EXPECT_TRUE(token().verify(imported, ecdsa, message, token().sign(id, ecdsa, message)));
}

INSTANTIATE_TEST_SUITE_P(
    Curves, TokenEcKeys,
    ::testing::Values(CurveCase{EcCurve::kP256, Digest::kSha256, "P256", 256},
                      CurveCase{EcCurve::kP384, Digest::kSha384, "P384", 384},
                      CurveCase{EcCurve::kP521, Digest::kSha512, "P521", 521},
                      CurveCase{EcCurve::kSecp256k1, Digest::kSha256, "Secp256k1", 256}),
    [](const ::testing::TestParamInfo<CurveCase>& p) { return std::string(p.param.name); });

struct OaepCase {
  Digest digest;
  const char* name;
};
void PrintTo(const OaepCase& c, std::ostream* out) { *out << c.name; }

class TokenRsaOaep : public TokenTest, public ::testing::WithParamInterface<OaepCase> {};

TEST_P(TokenRsaOaep, EncryptsAndDecryptsAndInteroperatesWithOpenSsl) {
  const Digest digest = GetParam().digest;
  const std::string id = unique_id("rsa-oaep");
  token().generate_rsa(id, 2048);
  PkeyPtr public_key = openssl_public_key(token(), id);
  ASSERT_TRUE(public_key);
  for (const Bytes& plaintext : {bytes_of("a 32-byte data key for wrapping"), Bytes{}}) {
    SCOPED_TRACE("plaintext of " + std::to_string(plaintext.size()) + " bytes");
    const Bytes ciphertext = token().rsa_oaep_encrypt(id, digest, plaintext);
    EXPECT_EQ(ciphertext.size(), 256u);
    const SecretBytes decrypted = token().rsa_oaep_decrypt(id, digest, ciphertext);
    EXPECT_EQ(Bytes(decrypted.span().begin(), decrypted.span().end()), plaintext);
    // OpenSSL encrypts to the token's public key; the token decrypts.
    const Bytes from_openssl = openssl_oaep_encrypt(public_key.get(), digest, plaintext);
    const SecretBytes opened = token().rsa_oaep_decrypt(id, digest, from_openssl);
    EXPECT_EQ(Bytes(opened.span().begin(), opened.span().end()), plaintext);
  }
  // Randomised: the same plaintext never encrypts to the same ciphertext twice.
  EXPECT_NE(token().rsa_oaep_encrypt(id, digest, bytes_of("x")),
            token().rsa_oaep_encrypt(id, digest, bytes_of("x")));
}

INSTANTIATE_TEST_SUITE_P(Digests, TokenRsaOaep,
                         ::testing::Values(OaepCase{Digest::kSha1, "Sha1"},
                                           OaepCase{Digest::kSha256, "Sha256"}),
                         [](const ::testing::TestParamInfo<OaepCase>& p) {
                           return std::string(p.param.name);
                         });

TEST_F(TokenOperations, RsaOaepCiphertextThatDoesNotDecryptIsInvalidCiphertext) {
  const std::string id = unique_id("rsa-oaep-bad");
  token().generate_rsa(id, 2048);
  const Bytes plaintext = bytes_of("secret");
  // SHA-1: the one OAEP digest every token here supports (SoftHSM 2.6.1 has no other).
  const Bytes ciphertext = token().rsa_oaep_encrypt(id, Digest::kSha1, plaintext);
  Bytes tampered = ciphertext;
  tampered[100] ^= 0x01;
  EXPECT_THAT([&] { token().rsa_oaep_decrypt(id, Digest::kSha1, tampered); },
              ThrowsError(ErrorCode::kInvalidCiphertext));
  const Bytes truncated(ciphertext.begin(), ciphertext.end() - 1);
  EXPECT_THAT([&] { token().rsa_oaep_decrypt(id, Digest::kSha1, truncated); },
              ThrowsError(ErrorCode::kInvalidCiphertext));
  EXPECT_THAT([&] { token().rsa_oaep_decrypt(id, Digest::kSha1, {}); },
              ThrowsError(ErrorCode::kInvalidCiphertext));
  // None of that broke a session: the right ciphertext still decrypts on every pooled one.
  for (int i = 0; i < 8; ++i) {
    const SecretBytes decrypted = token().rsa_oaep_decrypt(id, Digest::kSha1, ciphertext);
    EXPECT_EQ(Bytes(decrypted.span().begin(), decrypted.span().end()), plaintext);
  }
}

// --- key policy and lifecycle -------------------------------------------------------------

TEST_F(TokenOperations, SensitiveKeyValueCannotBeRead) {
  const std::string sensitive = unique_id("sensitive");
  token().generate_aes256(sensitive);
  const Error error = error_from([&] { token().read_plain_value(sensitive); });
  EXPECT_TRUE(error.from_token());
  EXPECT_EQ(error.operation(), "C_GetAttributeValue");
  EXPECT_EQ(error.ckr(), static_cast<unsigned long>(CKR_ATTRIBUTE_SENSITIVE));

  // Also for a generic secret and a key that may only leave wrapped under a trusted key.
  const std::string mac_key = unique_id("sensitive-hmac");
  token().generate_generic_secret(mac_key, 256);
  // Only Coffer itself reads key values, so a refusal is an internal error, not the client's.
  const auto sensitive_refused =
      ThrowsError(ErrorCode::kInternal, ::testing::HasSubstr("CKR_ATTRIBUTE_SENSITIVE"));
  EXPECT_THAT([&] { token().read_plain_value(mac_key); }, sensitive_refused);
  const std::string trusted_only = unique_id("sensitive-trusted-only");
  token().generate_aes256(trusted_only, {.extractability = Extractability::kUnderTrustedKeyOnly});
  EXPECT_THAT([&] { token().read_plain_value(trusted_only); }, sensitive_refused);

  // The control: a test-fixture key reads back as imported.
  const std::string plain = unique_id("plain");
  const Bytes value = bytes_of("0123456789abcdef0123456789abcdef");
  token().import_aes(plain, value, {.extractability = Extractability::kPlainForTests});
  const SecretBytes read = token().read_plain_value(plain);
  EXPECT_EQ(Bytes(read.span().begin(), read.span().end()), value);
}

TEST_F(TokenOperations, DestroyedKeysAreGoneAndUsingThemIsNotFound) {
  const std::string aes = unique_id("doomed-aes");
  token().generate_aes256(aes);
  const pkcs11::GcmCiphertext sealed =
      token().gcm_encrypt(aes, {}, bytes_of("x"));  // caches the handle
  token().destroy(aes);
  EXPECT_FALSE(token().exists(aes));
  EXPECT_THAT([&] { token().gcm_encrypt(aes, {}, bytes_of("x")); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { token().gcm_decrypt(aes, sealed.iv, {}, sealed.ciphertext); },
              ThrowsError(ErrorCode::kNotFound));

  // A key pair is two objects; destroy removes both.
  const std::string pair = unique_id("doomed-ec");
  token().generate_ec(pair, EcCurve::kP256);
  const SignAlgorithm ecdsa{.scheme = SignScheme::kEcdsa, .digest = Digest::kSha256};
  const Bytes signature = token().sign(pair, ecdsa, bytes_of("m"));
  token().destroy(pair);
  EXPECT_FALSE(token().exists(pair));
  EXPECT_THAT([&] { token().sign(pair, ecdsa, bytes_of("m")); }, ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { token().verify(pair, ecdsa, bytes_of("m"), signature); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { token().public_key_der(pair); }, ThrowsError(ErrorCode::kNotFound));

  // Never made at all.
  EXPECT_FALSE(token().exists("no-such-key"));
  EXPECT_THAT([&] { token().gcm_encrypt("no-such-key", {}, bytes_of("x")); },
              ThrowsError(ErrorCode::kNotFound));
}

TEST_F(TokenOperations, TokenKeysAreListedAndSessionKeysAreNot) {
  const std::string persistent = unique_id("listed");
  const std::string session_only = unique_id("unlisted");
  token().generate_aes256(persistent);
  token().generate_aes256(session_only, {.lifetime = Lifetime::kSession});
  const std::vector<pkcs11::KeyId> ids = token().list_key_ids();
  EXPECT_NE(std::find(ids.begin(), ids.end(), persistent), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), session_only), ids.end());
  token().destroy(persistent);
  const std::vector<pkcs11::KeyId> after = token().list_key_ids();
  EXPECT_EQ(std::find(after.begin(), after.end(), persistent), after.end());
}

TEST_F(TokenOperations, TamperedGcmCiphertextTagAadOrIvIsInvalidCiphertext) {
  const std::string id = unique_id("gcm-tamper");
  token().generate_aes256(id);
  const Bytes aad = bytes_of("context");
  const pkcs11::GcmCiphertext sealed = token().gcm_encrypt(id, aad, bytes_of("attack at dawn"));

  auto expect_invalid = [&](std::span<const std::uint8_t> iv, const Bytes& a, const Bytes& ct,
                            const char* what) {
    const Error error = error_from([&] { token().gcm_decrypt(id, iv, a, ct); });
    EXPECT_EQ(error.code(), ErrorCode::kInvalidCiphertext) << what << ": " << error.what();
  };
  Bytes ct = sealed.ciphertext;
  ct[0] ^= 0x80;
  expect_invalid(sealed.iv, aad, ct, "ciphertext bit");
  ct = sealed.ciphertext;
  ct.back() ^= 0x01;
  expect_invalid(sealed.iv, aad, ct, "tag bit");
  expect_invalid(sealed.iv, bytes_of("contexT"), sealed.ciphertext, "AAD");
  expect_invalid(sealed.iv, {}, sealed.ciphertext, "missing AAD");
  auto iv = sealed.iv;
  iv[11] ^= 0x01;
  expect_invalid(iv, aad, sealed.ciphertext, "IV");
  expect_invalid(sealed.iv, aad, Bytes(sealed.ciphertext.begin(), sealed.ciphertext.end() - 1),
                 "truncated");
  expect_invalid(sealed.iv, aad, Bytes(8), "shorter than a tag");

  // The untouched ciphertext still opens, on every pooled session.
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(token().gcm_decrypt(id, sealed.iv, aad, sealed.ciphertext).size(), 14u);
  }
}

TEST_F(TokenOperations, RandomBytesDiffer) {
  const SecretBytes a = token().random(32);
  const SecretBytes b = token().random(32);
  ASSERT_EQ(a.size(), 32u);
  ASSERT_EQ(b.size(), 32u);
  EXPECT_FALSE(a == b);
  Bytes buffer(64, 0);
  token().random_into(buffer);
  EXPECT_NE(buffer, Bytes(64, 0));
  EXPECT_TRUE(token().random(0).empty());
}

TEST_F(TokenOperations, KeyForTrustedWrappingOnlyIsNotWrappedByAnOrdinaryKey) {
  const std::string wrapping = unique_id("untrusted-kek");
  token().generate_aes256(wrapping, {.can_wrap = true});
  const std::string trusted_only = unique_id("trusted-only");
  token().generate_aes256(trusted_only, {.extractability = Extractability::kUnderTrustedKeyOnly});

  const Error error =
      error_from([&] { token().wrap(wrapping, WrapMechanism::kAesKeyWrapPad, trusted_only); });
  EXPECT_EQ(error.code(), ErrorCode::kInvalidKeyUsage) << error.what();
  EXPECT_EQ(error.operation(), "C_WrapKey");
  EXPECT_EQ(error.ckr(), static_cast<unsigned long>(CKR_KEY_NOT_WRAPPABLE)) << error.what();

  // A key that may never leave is refused the same way.
  const std::string never = unique_id("never-extractable");
  token().generate_aes256(never);
  const Error never_error =
      error_from([&] { token().wrap(wrapping, WrapMechanism::kAesKeyWrapPad, never); });
  EXPECT_EQ(never_error.code(), ErrorCode::kInvalidKeyUsage) << never_error.what();

  // The control: the same wrapping key wraps an extractable key, which unwraps to the same value.
  const std::string plain = unique_id("extractable");
  const Bytes value = bytes_of("fedcba9876543210fedcba9876543210");
  token().import_aes(
      plain, value,
      {.extractability = Extractability::kPlainForTests, .lifetime = Lifetime::kSession});
  const Bytes wrapped = token().wrap(wrapping, WrapMechanism::kAesKeyWrapPad, plain);
  EXPECT_EQ(wrapped.size(), value.size() + 8);
  const std::string restored = unique_id("restored");
  token().unwrap(
      wrapping, WrapMechanism::kAesKeyWrapPad, wrapped, restored, pkcs11::UnwrappedKind::kAes,
      {.extractability = Extractability::kPlainForTests, .lifetime = Lifetime::kSession});
  const SecretBytes read = token().read_plain_value(restored);
  EXPECT_EQ(Bytes(read.span().begin(), read.span().end()), value);
}

// --- the key hierarchy's token operations (issue 14) ----------------------------------------

// A wrappable key: its value can leave the token wrapped, never in the clear.
TEST_F(TokenOperations, WrappableKeysLeaveOnlyWrapped) {
  const std::string kek = unique_id("domain");
  token().generate_aes256(kek, {.can_wrap = true, .can_crypt = false});
  const std::string key = unique_id("wrappable");
  token().generate_aes256(
      key, {.extractability = Extractability::kWrappable, .lifetime = Lifetime::kSession});
  EXPECT_ANY_THROW(token().read_plain_value(key));  // CKR_ATTRIBUTE_SENSITIVE
  const Bytes wrapped = token().wrap(kek, WrapMechanism::kAesKeyWrapPad, key,
                                     WrapTarget::kSecretKey, WrapReader::kThisToken);
  EXPECT_EQ(wrapped.size(), 40u);
  // What it encrypts, its unwrapped copy decrypts.
  const std::string copy = unique_id("copy");
  token().unwrap(kek, WrapMechanism::kAesKeyWrapPad, wrapped, copy, UnwrappedKind::kAes,
                 {.lifetime = Lifetime::kSession});
  const Bytes aad = bytes_of("aad");
  auto sealed = token().gcm_encrypt(key, aad, bytes_of("hello"));
  EXPECT_EQ(token().gcm_decrypt(copy, sealed.iv, aad, sealed.ciphertext).span().size(), 5u);
  // The domain key itself neither encrypts nor leaves.
  EXPECT_ANY_THROW(token().gcm_encrypt(kek, aad, bytes_of("x")));
}

// Private keys wrap as PKCS#8 under an AES key and come back usable: signatures made by the
// unwrapped copy verify under the original public half.
TEST_F(TokenOperations, PrivateKeysWrapAndUnwrapInsideTheToken) {
  const std::string kek = unique_id("domain");
  token().generate_aes256(kek, {.can_wrap = true, .can_crypt = false});
  const Bytes digest(32, 0x42);
  for (const bool rsa : {true, false}) {
    SCOPED_TRACE(rsa ? "RSA" : "EC");
    const std::string pair = unique_id("pair");
    if (rsa)
      token().generate_rsa(pair, 2048, Lifetime::kSession, Extractability::kWrappable);
    else
      token().generate_ec(pair, EcCurve::kP256, Lifetime::kSession, Extractability::kWrappable);
    const Bytes wrapped = token().wrap(kek, WrapMechanism::kAesKeyWrapPad, pair,
                                       WrapTarget::kPrivateKey, WrapReader::kThisToken);
    const std::string copy = unique_id("copy");
    token().unwrap(kek, WrapMechanism::kAesKeyWrapPad, wrapped, copy,
                   rsa ? UnwrappedKind::kRsaPrivate : UnwrappedKind::kEcPrivate,
                   {.lifetime = Lifetime::kSession});
    token().import_public_key(copy, token().public_key_der(pair), Lifetime::kSession);
    const SignAlgorithm algorithm{rsa ? SignScheme::kRsaPkcs1 : SignScheme::kEcdsa, Digest::kSha256,
                                  /*prehashed=*/true};
    const Bytes signature = token().sign(copy, algorithm, digest);
    EXPECT_TRUE(token().verify(pair, algorithm, digest, signature));
    // A wrapped private key altered by one bit does not unwrap.
    Bytes altered = wrapped;
    altered[altered.size() / 2] ^= 1;
    EXPECT_THAT(
        [&] {
          token().unwrap(kek, WrapMechanism::kAesKeyWrapPad, altered, unique_id("bad"),
                         rsa ? UnwrappedKind::kRsaPrivate : UnwrappedKind::kEcPrivate,
                         {.lifetime = Lifetime::kSession});
        },
        ThrowsError(ErrorCode::kInvalidCiphertext));
    token().destroy(pair);
    token().destroy(copy);
  }
}

// SoftHSM zero-pads a 28-byte key before RFC 5649: refused for a peer, allowed for the token's
// own use, where the copy (the key and four zero bytes) computes the same HMAC.
TEST_F(TokenOperations, UnalignedSecretsWrapOnlyForThisToken) {
  const std::string kek = unique_id("domain");
  token().generate_aes256(kek, {.can_wrap = true, .can_crypt = false});
  const std::string key = unique_id("hmac224");
  token().generate_generic_secret(
      key, 224, {.extractability = Extractability::kWrappable, .lifetime = Lifetime::kSession});
  if (token().quirks().kwp_wrap_needs_aligned_keys) {
    EXPECT_THAT([&] { token().wrap(kek, WrapMechanism::kAesKeyWrapPad, key); },
                ThrowsError(ErrorCode::kUnsupportedOperation));
  }
  const Bytes wrapped = token().wrap(kek, WrapMechanism::kAesKeyWrapPad, key,
                                     WrapTarget::kSecretKey, WrapReader::kThisToken);
  const std::string copy = unique_id("copy");
  token().unwrap(kek, WrapMechanism::kAesKeyWrapPad, wrapped, copy, UnwrappedKind::kGenericSecret,
                 {.lifetime = Lifetime::kSession, .can_crypt = false});
  const SignAlgorithm hmac{SignScheme::kHmac, Digest::kSha224};
  const Bytes message = bytes_of("message");
  EXPECT_EQ(token().sign(copy, hmac, message), token().sign(key, hmac, message));
}

// --- finding the token and logging in -----------------------------------------------------

TEST_F(TokenOperations, FindSlotAnswersNotFoundAndValidation) {
  pkcs11::Module module(kSoftHsmModule);  // shares the process's initialised module
  EXPECT_NO_THROW(pkcs11::find_slot(module, "pkcs11:token=coffer-test"));
  EXPECT_THAT([&] { pkcs11::find_slot(module, "pkcs11:token=no-such-token"); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { pkcs11::find_slot(module, "pkcs11:token=coffer-test;serial=0000"); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { pkcs11::find_slot(module, "not a pkcs11 uri"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { pkcs11::find_slot(module, "pkcs11:token=%zz"); },
              ThrowsError(ErrorCode::kValidation));
}

// No Token may be logged in while these run: login state belongs to the whole process, and a
// token that is logged in already answers CKR_USER_ALREADY_LOGGED_IN to any PIN.
class TokenLogin : public ::testing::Test {
 protected:
  TempToken temp_token_;
};

TEST_F(TokenLogin, WrongPinFailsInTheConstructorNamingCLogin) {
  const std::string wrong_pin = temp_token_.dir() + "/wrong.pin";
  std::ofstream(wrong_pin) << "not-the-pin\n";
  pkcs11::TokenConfig config = temp_token_.config();
  config.pin = pkcs11::PinSource::from_file(wrong_pin);
  // error_from, not ThrowsError: the token call and its CKR_ value are checked too.
  const Error error = error_from([&] { Token token(config); });
  EXPECT_EQ(error.code(), ErrorCode::kKeyUnavailable) << error.what();
  EXPECT_EQ(error.operation(), "C_Login");
  EXPECT_EQ(error.ckr(), static_cast<unsigned long>(CKR_PIN_INCORRECT));
  EXPECT_NE(std::string(error.what()).find("C_Login"), std::string::npos) << error.what();
  // The right PIN still opens it (a wrong attempt neither locks nor breaks the token).
  EXPECT_NO_THROW(Token token(temp_token_.config()));
}

TEST_F(TokenLogin, UnknownTokenOrMalformedUriFailsInTheConstructor) {
  pkcs11::TokenConfig config = temp_token_.config();
  config.token_uri = "pkcs11:token=no-such-token";
  EXPECT_THAT([&] { Token token(config); }, ThrowsError(ErrorCode::kNotFound));
  config.token_uri = "pkcs11:token=%zz";
  EXPECT_THAT([&] { Token token(config); }, ThrowsError(ErrorCode::kValidation));
}

}  // namespace
}  // namespace coffer::testing
