// Every coffer.v1.Crypto method through KmsClient and a real cofferd, and the ways a
// request is authenticated.
#include "tests/e2e/kms_fixture.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

TEST_F(KmsE2eTest, EncryptDecryptWithContext) {
  const std::string key = create_key();
  v1::EncryptRequest encrypt;
  encrypt.set_key_id(key);
  encrypt.set_plaintext(std::string("secret\0bytes", 12));
  (*encrypt.mutable_encryption_context())["purpose"] = "e2e";
  const auto sealed = kms_->encrypt(encrypt);
  EXPECT_NE(sealed.key_id().find(key), std::string::npos);
  EXPECT_EQ(sealed.encryption_algorithm(), "SYMMETRIC_DEFAULT");

  v1::DecryptRequest decrypt;
  decrypt.set_ciphertext_blob(sealed.ciphertext_blob());
  (*decrypt.mutable_encryption_context())["purpose"] = "e2e";
  const auto opened = kms_->decrypt(decrypt);
  EXPECT_EQ(opened.plaintext(), std::string("secret\0bytes", 12));
  EXPECT_NE(opened.key_id().find(key), std::string::npos);

  (*decrypt.mutable_encryption_context())["purpose"] = "other";
  EXPECT_THAT([&] { kms_->decrypt(decrypt); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  decrypt.mutable_encryption_context()->clear();
  EXPECT_THAT([&] { kms_->decrypt(decrypt); }, ThrowsError(ErrorCode::kInvalidCiphertext));

  (*decrypt.mutable_encryption_context())["purpose"] = "e2e";
  decrypt.set_key_id(create_key());
  EXPECT_THAT([&] { kms_->decrypt(decrypt); }, ThrowsError(ErrorCode::kIncorrectKey));

  encrypt.set_plaintext(std::string(4097, 'x'));  // over the AWS limit of 4096
  EXPECT_THAT([&] { kms_->encrypt(encrypt); }, ThrowsError(ErrorCode::kValidation));
}

TEST_F(KmsE2eTest, ReEncrypt) {
  const std::string source = create_key();
  const std::string destination = create_key();
  v1::EncryptRequest encrypt;
  encrypt.set_key_id(source);
  encrypt.set_plaintext("move me");
  (*encrypt.mutable_encryption_context())["a"] = "1";
  const auto sealed = kms_->encrypt(encrypt);

  v1::ReEncryptRequest re;
  re.set_ciphertext_blob(sealed.ciphertext_blob());
  (*re.mutable_source_encryption_context())["a"] = "1";
  re.set_destination_key_id(destination);
  (*re.mutable_destination_encryption_context())["b"] = "2";
  const auto moved = kms_->re_encrypt(re);
  EXPECT_NE(moved.source_key_id().find(source), std::string::npos);
  EXPECT_NE(moved.key_id().find(destination), std::string::npos);

  v1::DecryptRequest decrypt;
  decrypt.set_ciphertext_blob(moved.ciphertext_blob());
  (*decrypt.mutable_encryption_context())["b"] = "2";
  EXPECT_EQ(kms_->decrypt(decrypt).plaintext(), "move me");
}

TEST_F(KmsE2eTest, DataKeysAndRandom) {
  const std::string key = create_key();
  v1::GenerateDataKeyRequest with;
  with.set_key_id(key);
  with.set_key_spec("AES_256");
  (*with.mutable_encryption_context())["file"] = "a.txt";
  const auto data_key = kms_->generate_data_key(with);
  EXPECT_EQ(data_key.plaintext().size(), 32u);
  v1::DecryptRequest decrypt;
  decrypt.set_ciphertext_blob(data_key.ciphertext_blob());
  (*decrypt.mutable_encryption_context())["file"] = "a.txt";
  EXPECT_EQ(kms_->decrypt(decrypt).plaintext(), data_key.plaintext());

  with.clear_key_spec();
  with.set_number_of_bytes(17);
  EXPECT_EQ(kms_->generate_data_key(with).plaintext().size(), 17u);
  with.set_key_spec("AES_128");  // both: not allowed
  EXPECT_THAT([&] { kms_->generate_data_key(with); }, ThrowsError(ErrorCode::kValidation));

  v1::GenerateDataKeyWithoutPlaintextRequest without;
  without.set_key_id(key);
  without.set_key_spec("AES_128");
  const auto sealed_only = kms_->generate_data_key_without_plaintext(without);
  EXPECT_FALSE(sealed_only.ciphertext_blob().empty());
  decrypt.set_ciphertext_blob(sealed_only.ciphertext_blob());
  decrypt.mutable_encryption_context()->clear();
  EXPECT_EQ(kms_->decrypt(decrypt).plaintext().size(), 16u);

  v1::GenerateRandomRequest random;
  random.set_number_of_bytes(1024);
  const auto a = kms_->generate_random(random).plaintext();
  const auto b = kms_->generate_random(random).plaintext();
  EXPECT_EQ(a.size(), 1024u);
  EXPECT_NE(a, b);
  random.set_number_of_bytes(1025);
  EXPECT_THAT([&] { kms_->generate_random(random); }, ThrowsError(ErrorCode::kValidation));
}

// A daemon that insists on credentials.
class AuthenticatedE2eTest : public KmsE2eTest {
 protected:
  CofferdOptions daemon_options() override { return {.plaintext = true, .unauthenticated = false}; }
  client::ClientConfig client_config() override {
    auto config = daemon_->client_config();
    config.api_key = daemon_->admin_api_key();
    return config;
  }
};

TEST_F(AuthenticatedE2eTest, ApiKeyOnEveryRequest) {
  const std::string key = create_key();
  v1::EncryptRequest encrypt;
  encrypt.set_key_id(key);
  encrypt.set_plaintext("authenticated");
  EXPECT_FALSE(kms_->encrypt(encrypt).ciphertext_blob().empty());

  auto anonymous = daemon_->client_config();
  EXPECT_THAT([&] { client::KmsClient(anonymous).encrypt(encrypt); },
              ThrowsError(ErrorCode::kAccessDenied));

  auto wrong = daemon_->client_config();
  const std::string good = daemon_->admin_api_key();
  wrong.api_key = good.substr(0, good.find(':')) + ":not-the-secret";
  EXPECT_THAT([&] { client::KmsClient(wrong).encrypt(encrypt); },
              ThrowsError(ErrorCode::kAccessDenied));
}

}  // namespace
}  // namespace coffer::testing
