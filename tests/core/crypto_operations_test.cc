#include <random>

#include "core/format/ciphertext_format.h"
#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

TEST_F(ServiceTest, EncryptDecryptRoundTripsRandomInputs) {
  auto id = create_symmetric_key();
  std::mt19937 rng(7);
  for (int i = 0; i < 40; ++i) {
    std::string plaintext(1 + rng() % 4096, '\0');
    for (char& c : plaintext) c = static_cast<char>(rng());
    core::EncryptionContext context;
    for (unsigned j = rng() % 5; j > 0; --j)
      context["k" + std::to_string(rng() % 100)] = std::to_string(rng());
    auto result = service_->encrypt({id, as_bytes(plaintext), context, std::nullopt});
    EXPECT_EQ(result.key_id, "arn:aws:kms:us-east-1:111122223333:key/" + id);
    EXPECT_LE(result.ciphertext_blob.size(), core::kMaxCiphertextBlob);
    EXPECT_EQ(decrypt(result.ciphertext_blob, context), plaintext);
  }
}

TEST_F(ServiceTest, SameInputEncryptsDifferentlyEachTime) {
  auto id = create_symmetric_key();
  EXPECT_NE(encrypt(id, "same"), encrypt(id, "same"));
}

TEST_F(ServiceTest, FlippingAnyBitIsRejected) {
  auto id = create_symmetric_key();
  core::EncryptionContext context{{"tenant", "42"}};
  auto blob = encrypt(id, "integrity matters", context);
  for (std::size_t byte = 0; byte < blob.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto altered = blob;
      altered[byte] ^= static_cast<std::uint8_t>(1 << bit);
      ErrorCode code = error_of([&] { decrypt(altered, context); });
      EXPECT_EQ(code, ErrorCode::kInvalidCiphertext) << "byte " << byte << " bit " << bit;
    }
  }
  EXPECT_EQ(decrypt(blob, context), "integrity matters");
}

TEST_F(ServiceTest, ContextMustMatchButOrderDoesNot) {
  auto id = create_symmetric_key();
  auto blob = encrypt(id, "bound", {{"a", "1"}, {"b", "2"}});
  core::EncryptionContext reordered;
  reordered.emplace("b", "2");
  reordered.emplace("a", "1");
  EXPECT_EQ(decrypt(blob, reordered), "bound");
  EXPECT_THAT([&] { decrypt(blob, {{"a", "1"}}); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  EXPECT_THAT(
      [&] {
        decrypt(blob, {{"a", "1"}, {"b", "3"}});
      },
      ThrowsError(ErrorCode::kInvalidCiphertext));
  EXPECT_THAT([&] { decrypt(blob, {}); }, ThrowsError(ErrorCode::kInvalidCiphertext));
}

TEST_F(ServiceTest, DecryptWithAnotherKeyIdIsIncorrectKey) {
  auto a = create_symmetric_key();
  auto b = create_symmetric_key();
  auto blob = encrypt(a, "for a");
  EXPECT_EQ(decrypt(blob, {}, a), "for a");
  EXPECT_THAT([&] { decrypt(blob, {}, b); }, ThrowsError(ErrorCode::kIncorrectKey));
}

TEST_F(ServiceTest, PlaintextAndCiphertextLimits) {
  auto id = create_symmetric_key();
  EXPECT_THAT([&] { encrypt(id, ""); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { encrypt(id, std::string(4097, 'x')); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_NO_THROW(encrypt(id, std::string(4096, 'x')));
  EXPECT_THAT([&] { decrypt(core::Bytes{}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { decrypt(core::Bytes(6145, 1)); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { decrypt(core::Bytes(100, 1)); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  EXPECT_THAT(
      [&] {
        service_->encrypt({id, as_bytes("x"), {}, std::string("RSAES_OAEP_SHA_256")});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT(
      [&] {
        service_->encrypt({id, as_bytes("x"), {}, std::string("ROT13")});
      },
      ThrowsError(ErrorCode::kValidation));
}

TEST_F(ServiceTest, GenerateDataKeyGivesADecryptableKey) {
  auto id = create_symmetric_key();
  core::EncryptionContext context{{"bucket", "photos"}};
  auto aes256 = service_->generate_data_key({id, context, std::nullopt, std::string("AES_256")});
  EXPECT_EQ(aes256.plaintext.size(), 32u);
  auto opened = service_->decrypt({aes256.ciphertext_blob, context, std::nullopt, std::nullopt});
  EXPECT_TRUE(opened.plaintext == aes256.plaintext);
  auto aes128 = service_->generate_data_key({id, {}, std::nullopt, std::string("AES_128")});
  EXPECT_EQ(aes128.plaintext.size(), 16u);
  auto sized = service_->generate_data_key({id, {}, 1024, std::nullopt});
  EXPECT_EQ(sized.plaintext.size(), 1024u);
  auto without = service_->generate_data_key_without_plaintext({id, {}, 64, std::nullopt});
  EXPECT_TRUE(without.plaintext.empty());
  EXPECT_EQ(
      service_->decrypt({without.ciphertext_blob, {}, std::nullopt, std::nullopt}).plaintext.size(),
      64u);

  EXPECT_THAT(
      [&] {
        service_->generate_data_key({id, {}, 32, std::string("AES_256")});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({id, {}, std::nullopt, std::nullopt});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({id, {}, 0, std::nullopt});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({id, {}, 1025, std::nullopt});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({id, {}, std::nullopt, std::string("AES_512")});
      },
      ThrowsError(ErrorCode::kValidation));
}

TEST_F(ServiceTest, ReEncryptMovesToAnotherKeyAndContext) {
  auto a = create_symmetric_key();
  auto b = create_symmetric_key();
  auto blob = encrypt(a, "moving", {{"from", "a"}});
  core::ReEncryptRequest request;
  request.ciphertext_blob = blob;
  request.source_encryption_context = {{"from", "a"}};
  request.destination_key_id = b;
  request.destination_encryption_context = {{"to", "b"}};
  auto moved = service_->re_encrypt(request);
  EXPECT_EQ(moved.source_key_id, "arn:aws:kms:us-east-1:111122223333:key/" + a);
  EXPECT_EQ(moved.key_id, "arn:aws:kms:us-east-1:111122223333:key/" + b);
  EXPECT_EQ(decrypt(moved.ciphertext_blob, {{"to", "b"}}, b), "moving");
  request.source_encryption_context = {{"from", "x"}};
  EXPECT_THAT([&] { service_->re_encrypt(request); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  request.source_encryption_context = {{"from", "a"}};
  request.source_key_id = b;
  EXPECT_THAT([&] { service_->re_encrypt(request); }, ThrowsError(ErrorCode::kIncorrectKey));
}

TEST_F(ServiceTest, GenerateRandom) {
  auto a = service_->generate_random(32);
  auto b = service_->generate_random(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_FALSE(a == b);
  EXPECT_EQ(service_->generate_random(1024).size(), 1024u);
  EXPECT_THAT([&] { service_->generate_random(0); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { service_->generate_random(1025); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { service_->generate_random(std::nullopt); },
              ThrowsError(ErrorCode::kValidation));
}

}  // namespace
}  // namespace coffer::testing
