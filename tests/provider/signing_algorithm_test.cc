// The AWS signing algorithm the provider asks Coffer for, given what OpenSSL set on the
// signature context: digest, padding, PSS salt length and MGF1 digest (signing_algorithm.cc).
#include "provider/signing_algorithm.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <string>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::provider {
namespace {

using coffer::testing::ThrowsError;
using ::testing::HasSubstr;

constexpr ErrorCode kUnsupported = ErrorCode::kUnsupportedOperation;

class SigningAlgorithmTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    ec_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  }
  static void TearDownTestSuite() {
    EVP_PKEY_free(rsa_);
    EVP_PKEY_free(ec_);
  }
  void TearDown() override { EVP_PKEY_CTX_free(ctx_); }

  // A verify context like the provider's mirror, with `digest` set (nullptr: none).
  EVP_PKEY_CTX* mirror(EVP_PKEY* key, const char* digest) {
    ctx_ = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
    EXPECT_EQ(EVP_PKEY_verify_init(ctx_), 1);
    if (digest != nullptr) {
      EVP_MD* md = EVP_MD_fetch(nullptr, digest, nullptr);
      EXPECT_EQ(EVP_PKEY_CTX_set_signature_md(ctx_, md), 1);
      EVP_MD_free(md);
    }
    return ctx_;
  }

  // signing_algorithm(type, ctx, size) as a callable for ThrowsError.
  static auto call(KeyType type, EVP_PKEY_CTX* ctx, std::size_t size) {
    return [=] { return signing_algorithm(type, ctx, size); };
  }

  static EVP_PKEY* rsa_;
  static EVP_PKEY* ec_;
  EVP_PKEY_CTX* ctx_ = nullptr;
};

EVP_PKEY* SigningAlgorithmTest::rsa_ = nullptr;
EVP_PKEY* SigningAlgorithmTest::ec_ = nullptr;

TEST_F(SigningAlgorithmTest, RsaPkcs1ByDigest) {
  EXPECT_EQ(signing_algorithm(KeyType::kRsa, mirror(rsa_, "SHA256"), 32),
            "RSASSA_PKCS1_V1_5_SHA_256");
  EVP_PKEY_CTX_free(ctx_);
  EXPECT_EQ(signing_algorithm(KeyType::kRsa, mirror(rsa_, "SHA2-512"), 64),
            "RSASSA_PKCS1_V1_5_SHA_512");
}

TEST_F(SigningAlgorithmTest, RsaPssWithDigestLengthSalt) {
  EVP_PKEY_CTX* ctx = mirror(rsa_, "SHA384");
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST), 1);
  EXPECT_EQ(signing_algorithm(KeyType::kRsa, ctx, 48), "RSASSA_PSS_SHA_384");
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 48), 1);  // the same, as a number
  EXPECT_EQ(signing_algorithm(KeyType::kRsa, ctx, 48), "RSASSA_PSS_SHA_384");
}

TEST_F(SigningAlgorithmTest, RsaPssOtherSaltsAreRefused) {
  EVP_PKEY_CTX* ctx = mirror(rsa_, "SHA256");
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING), 1);
  // OpenSSL's default for signing: the longest salt.
  EXPECT_THAT(call(KeyType::kRsa, ctx, 32),
              ThrowsError(kUnsupported, HasSubstr("rsa_pss_saltlen:digest")));
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_MAX), 1);
  EXPECT_THAT(call(KeyType::kRsa, ctx, 32), ThrowsError(kUnsupported));
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 20), 1);
  EXPECT_THAT(call(KeyType::kRsa, ctx, 32), ThrowsError(kUnsupported));
}

TEST_F(SigningAlgorithmTest, RsaPssMgf1MustBeTheDigest) {
  EVP_PKEY_CTX* ctx = mirror(rsa_, "SHA256");
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST), 1);
  EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, sha512), 1);
  EVP_MD_free(sha512);
  EXPECT_THAT(call(KeyType::kRsa, ctx, 32), ThrowsError(kUnsupported, HasSubstr("MGF1")));
}

TEST_F(SigningAlgorithmTest, RsaNeedsADigestAndItsLength) {
  EXPECT_THAT(call(KeyType::kRsa, mirror(rsa_, nullptr), 32),
              ThrowsError(kUnsupported, HasSubstr("need a digest")));
  EVP_PKEY_CTX_free(ctx_);
  EXPECT_THAT(call(KeyType::kRsa, mirror(rsa_, "SHA256"), 31), ThrowsError(kUnsupported));
  EVP_PKEY_CTX_free(ctx_);
  EXPECT_THAT(call(KeyType::kRsa, mirror(rsa_, "SHA1"), 20),
              ThrowsError(kUnsupported, HasSubstr("not SHA1")));
}

TEST_F(SigningAlgorithmTest, RsaRawPaddingIsRefused) {
  EVP_PKEY_CTX* ctx = mirror(rsa_, "SHA256");
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_X931_PADDING), 1);
  EXPECT_THAT(call(KeyType::kRsa, ctx, 32), ThrowsError(kUnsupported));
}

TEST_F(SigningAlgorithmTest, EcdsaByDigestOrByLength) {
  EXPECT_EQ(signing_algorithm(KeyType::kEc, mirror(ec_, "SHA256"), 32), "ECDSA_SHA_256");
  EVP_PKEY_CTX_free(ctx_);
  // No digest set (pkeyutl -sign without -pkeyopt digest): the input's length names it.
  EXPECT_EQ(signing_algorithm(KeyType::kEc, mirror(ec_, nullptr), 48), "ECDSA_SHA_384");
  EXPECT_THAT(call(KeyType::kEc, ctx_, 20), ThrowsError(kUnsupported));
}

}  // namespace
}  // namespace coffer::provider
