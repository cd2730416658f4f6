// KmsService: GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext (issue 6). The
// private key comes back as PKCS#8 DER and sealed under a symmetric key; Decrypt of
// PrivateKeyCiphertextBlob gives that PKCS#8 key, and it is the private half of PublicKey.
#include <openssl/evp.h>

#include "tests/core/asymmetric_fixture.h"

namespace coffer::testing {
namespace {

const std::vector<std::string> kPairSpecs = {"RSA_2048",       "RSA_3072",      "RSA_4096",
                                             "ECC_NIST_P256",  "ECC_NIST_P384", "ECC_NIST_P521",
                                             "ECC_SECG_P256K1"};

std::string signing_algorithm_for(const std::string& spec) {
  if (spec.starts_with("RSA_")) return "RSASSA_PSS_SHA_256";
  if (spec == "ECC_NIST_P384") return "ECDSA_SHA_384";
  if (spec == "ECC_NIST_P521") return "ECDSA_SHA_512";
  return "ECDSA_SHA_256";
}

class DataKeyPairTest : public AsymmetricTest {
 protected:
  core::GenerateDataKeyPairResult pair(const std::string& key, const std::string& spec,
                                       core::EncryptionContext context = {},
                                       bool with_plaintext = true) {
    core::GenerateDataKeyPairRequest request{key, std::move(context), spec};
    return with_plaintext ? service_->generate_data_key_pair(request)
                          : service_->generate_data_key_pair_without_plaintext(request);
  }

  // The sealed private key decrypts to a PKCS#8 key whose public half is `public_key`, and
  // which signs what the public key verifies.
  void expect_matching_pair(const std::string& spec, std::span<const std::uint8_t> pkcs8,
                            std::span<const std::uint8_t> public_key) {
    auto private_key = host::private_key_from_pkcs8(pkcs8);
    EXPECT_EQ(host::spec_of(private_key.get()), spec);
    EXPECT_EQ(host::spki_of(private_key.get()), core::Bytes(public_key.begin(), public_key.end()));
    auto parsed_public = host::public_key_from_der(public_key);
    EXPECT_EQ(EVP_PKEY_eq(private_key.get(), parsed_public.get()), 1);
    const auto algorithm = signing_algorithm_for(spec);
    auto signature = host::sign(private_key.get(), algorithm, as_bytes(kMessage));
    EXPECT_TRUE(host::verify(public_key, algorithm, as_bytes(kMessage), signature));
  }
};

TEST_F(DataKeyPairTest, EverySpecDecryptsToThePkcs8PrivateKeyOfPublicKey) {
  auto key = create_symmetric_key();
  const core::EncryptionContext context{{"purpose", "pairs"}};
  for (const auto& spec : kPairSpecs) {
    SCOPED_TRACE(spec);
    auto result = pair(key, spec, context);
    EXPECT_EQ(result.key_id, arn(key));
    EXPECT_EQ(result.key_pair_spec, spec);
    ASSERT_FALSE(result.private_key_plaintext.empty());
    auto opened = service_->decrypt(
        {result.private_key_ciphertext_blob, context, std::nullopt, std::nullopt});
    EXPECT_EQ(opened.key_id, arn(key));
    EXPECT_TRUE(opened.plaintext == result.private_key_plaintext);
    expect_matching_pair(spec, opened.plaintext.span(), result.public_key);
    // The sealed private key is bound to the context, like any Encrypt output.
    EXPECT_THAT([&] { decrypt(result.private_key_ciphertext_blob); },
                ThrowsError(ErrorCode::kInvalidCiphertext));
  }
}

TEST_F(DataKeyPairTest, WithoutPlaintextReturnsOnlyTheSealedKey) {
  auto key = create_symmetric_key();
  for (const std::string spec : {"ECC_NIST_P256", "RSA_2048"}) {
    SCOPED_TRACE(spec);
    auto result = pair(key, spec, {}, false);
    EXPECT_TRUE(result.private_key_plaintext.empty());
    EXPECT_EQ(result.key_pair_spec, spec);
    EXPECT_EQ(result.key_id, arn(key));
    auto opened = service_->decrypt({result.private_key_ciphertext_blob, {}, key, std::nullopt});
    expect_matching_pair(spec, opened.plaintext.span(), result.public_key);
  }
}

TEST_F(DataKeyPairTest, EachCallMakesANewPair) {
  auto key = create_symmetric_key();
  auto a = pair(key, "ECC_NIST_P256");
  auto b = pair(key, "ECC_NIST_P256");
  EXPECT_NE(a.public_key, b.public_key);
  EXPECT_FALSE(a.private_key_plaintext == b.private_key_plaintext);
}

TEST_F(DataKeyPairTest, SealedKeysSurviveRotationAndReEncrypt) {
  auto key = create_symmetric_key();
  auto other = create_symmetric_key();
  auto result = pair(key, "ECC_NIST_P384", {}, false);
  service_->rotate_key_on_demand(key);
  auto moved = service_->re_encrypt(
      {.ciphertext_blob = result.private_key_ciphertext_blob, .destination_key_id = other});
  auto opened = service_->decrypt({moved.ciphertext_blob, {}, other, std::nullopt});
  expect_matching_pair("ECC_NIST_P384", opened.plaintext.span(), result.public_key);
}

TEST_F(DataKeyPairTest, KeyPairSpecMustBeAnAsymmetricSpec) {
  auto key = create_symmetric_key();
  for (const std::string spec :
       {"SYMMETRIC_DEFAULT", "HMAC_256", "RSA_1024", "AES_256", "rsa_2048", ""}) {
    EXPECT_THAT([&] { pair(key, spec); }, ThrowsError(ErrorCode::kValidation)) << spec;
    EXPECT_THAT([&] { pair(key, spec, {}, false); }, ThrowsError(ErrorCode::kValidation)) << spec;
  }
}

TEST_F(DataKeyPairTest, TheKeyMustBeAnEnabledSymmetricEncryptionKey) {
  auto symmetric = create_symmetric_key();
  auto signing = signing_key("ECC_NIST_P256");
  auto hmac = mac_key("HMAC_256");
  auto rsa = encryption_key("RSA_2048");
  for (const auto& key : {signing, hmac, rsa}) {
    EXPECT_THAT([&] { pair(key, "ECC_NIST_P256"); }, ThrowsError(ErrorCode::kInvalidKeyUsage));
    EXPECT_THAT([&] { pair(key, "ECC_NIST_P256", {}, false); },
                ThrowsError(ErrorCode::kInvalidKeyUsage));
  }
  service_->disable_key(symmetric);
  EXPECT_THAT([&] { pair(symmetric, "ECC_NIST_P256"); }, ThrowsError(ErrorCode::kDisabled));
  EXPECT_THAT([&] { pair("alias/none", "ECC_NIST_P256"); }, ThrowsError(ErrorCode::kNotFound));
  service_->enable_key(symmetric);
}

}  // namespace
}  // namespace coffer::testing
