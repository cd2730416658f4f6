// KmsService: RSA keys of KeyUsage ENCRYPT_DECRYPT (issue 6). Encrypt and Decrypt with
// RSAES_OAEP_SHA_1 and RSAES_OAEP_SHA_256, interoperating with OpenSSL's OAEP on the host;
// AWS's plaintext limits and errors.
#include "tests/core/asymmetric_fixture.h"

namespace coffer::testing {
namespace {

using namespace std::string_literals;

const std::vector<std::string> kOaep = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"};

class RsaEncryptionTest : public AsymmetricTest {
 protected:
  core::EncryptResult rsa_encrypt(const std::string& key, std::span<const std::uint8_t> plaintext,
                                  const std::optional<std::string>& algorithm) {
    return service_->encrypt({key, plaintext, {}, algorithm});
  }
  std::string rsa_decrypt(const std::string& key, std::span<const std::uint8_t> blob,
                          const std::optional<std::string>& algorithm) {
    auto result = service_->decrypt({blob, {}, key, algorithm});
    EXPECT_EQ(result.key_id, key.starts_with("arn:") ? key : arn(key));
    EXPECT_EQ(result.encryption_algorithm, algorithm.value_or("SYMMETRIC_DEFAULT"));
    // botocore: KeyMaterialId "is present only when the operation uses a symmetric
    // encryption KMS key".
    EXPECT_EQ(result.key_material_id, "");
    return std::string(result.plaintext.data(), result.plaintext.data() + result.plaintext.size());
  }
};

TEST_F(RsaEncryptionTest, RoundTripsAndInteroperatesWithOpenSsl) {
  auto key = encryption_key("RSA_2048");
  const auto spki = service_->get_public_key(key).public_key;
  const std::string text = "\x00 RSA-OAEP plaintext \xff"s;
  for (const auto& algorithm : kOaep) {
    SCOPED_TRACE(algorithm);
    auto result = rsa_encrypt(key, as_bytes(text), algorithm);
    EXPECT_EQ(result.key_id, arn(key));
    EXPECT_EQ(result.encryption_algorithm, algorithm);
    EXPECT_EQ(result.ciphertext_blob.size(), 256u) << "the bare OAEP output, as AWS returns it";
    EXPECT_EQ(rsa_decrypt(key, result.ciphertext_blob, algorithm), text);
    EXPECT_NE(rsa_encrypt(key, as_bytes(text), algorithm).ciphertext_blob, result.ciphertext_blob)
        << "OAEP is randomised";
    // Encrypted on the host with the public key, as AWS's documentation tells users to.
    auto from_host = host::oaep_encrypt(spki, algorithm, as_bytes(text));
    EXPECT_EQ(rsa_decrypt(key, from_host, algorithm), text);
    // By alias and ARN.
    EXPECT_EQ(rsa_decrypt(arn(key), from_host, algorithm), text);
  }
}

TEST_F(RsaEncryptionTest, PlaintextLimitsAreAwss) {
  // AWS: RSA_2048 takes 214 bytes with SHA-1 and 190 with SHA-256; RSA_3072 342 and 318.
  struct Limit {
    std::string spec;
    std::string algorithm;
    std::size_t max;
  };
  auto rsa2048 = encryption_key("RSA_2048");
  auto rsa3072 = encryption_key("RSA_3072");
  for (const auto& l :
       {Limit{"RSA_2048", "RSAES_OAEP_SHA_1", 214}, Limit{"RSA_2048", "RSAES_OAEP_SHA_256", 190},
        Limit{"RSA_3072", "RSAES_OAEP_SHA_1", 342}, Limit{"RSA_3072", "RSAES_OAEP_SHA_256", 318}}) {
    SCOPED_TRACE(l.spec + " " + l.algorithm);
    const auto& key = l.spec == "RSA_2048" ? rsa2048 : rsa3072;
    const std::string largest(l.max, 'p');
    auto blob = rsa_encrypt(key, as_bytes(largest), l.algorithm).ciphertext_blob;
    EXPECT_EQ(rsa_decrypt(key, blob, l.algorithm), largest);
    EXPECT_THAT([&] { rsa_encrypt(key, as_bytes(largest + "p"), l.algorithm); },
                ThrowsError(ErrorCode::kValidation));
    EXPECT_THAT([&] { rsa_encrypt(key, core::Bytes{}, l.algorithm); },
                ThrowsError(ErrorCode::kValidation));
  }
}

TEST_F(RsaEncryptionTest, WrongAlgorithmKeyOrBytesIsInvalidCiphertext) {
  auto key = encryption_key("RSA_2048");
  auto other = encryption_key("RSA_2048");
  auto blob = rsa_encrypt(key, as_bytes("for key"), "RSAES_OAEP_SHA_256").ciphertext_blob;
  EXPECT_THAT([&] { rsa_decrypt(key, blob, "RSAES_OAEP_SHA_1"); },
              ThrowsError(ErrorCode::kInvalidCiphertext));
  EXPECT_THAT([&] { rsa_decrypt(other, blob, "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidCiphertext));
  for (std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{128}, std::size_t{255}}) {
    auto altered = blob;
    altered[i] ^= 0x01;
    EXPECT_THAT([&] { rsa_decrypt(key, altered, "RSAES_OAEP_SHA_256"); },
                ThrowsError(ErrorCode::kInvalidCiphertext))
        << "byte " << i;
  }
  auto shorter = blob;
  shorter.pop_back();
  EXPECT_THAT([&] { rsa_decrypt(key, shorter, "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidCiphertext));
  auto longer = blob;
  longer.push_back(0);
  EXPECT_THAT([&] { rsa_decrypt(key, longer, "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidCiphertext));
  // An RSA ciphertext names no key: without KeyId it cannot be an RSA decryption.
  EXPECT_NE(error_of([&] {
              service_->decrypt({blob, {}, std::nullopt, std::string("RSAES_OAEP_SHA_256")});
            }),
            ErrorCode::kInternal);
  // After all of that the key still decrypts (no operation left open on a session).
  EXPECT_EQ(rsa_decrypt(key, blob, "RSAES_OAEP_SHA_256"), "for key");
}

TEST_F(RsaEncryptionTest, CiphertextBlobBoundsAreValidation) {
  auto key = encryption_key("RSA_2048");
  EXPECT_THAT([&] { rsa_decrypt(key, core::Bytes{}, "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { rsa_decrypt(key, core::Bytes(6145, 1), "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kValidation));
}

TEST_F(RsaEncryptionTest, AlgorithmAndUsageMismatches) {
  auto key = encryption_key("RSA_2048");
  auto signing = signing_key("RSA_2048");
  auto symmetric = create_symmetric_key();
  const auto text = as_bytes("x");
  auto blob = rsa_encrypt(key, text, "RSAES_OAEP_SHA_1").ciphertext_blob;

  // SYMMETRIC_DEFAULT (also when no algorithm is named) is not for an RSA key.
  EXPECT_THAT([&] { rsa_encrypt(key, text, std::nullopt); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT([&] { rsa_encrypt(key, text, "SYMMETRIC_DEFAULT"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT([&] { rsa_decrypt(key, blob, std::nullopt); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT([&] { rsa_decrypt(key, blob, "SYMMETRIC_DEFAULT"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  // Names AWS does not know.
  for (const std::string unknown : {"RSAES_OAEP_SHA_512", "RSAES_PKCS1_V1_5", "rsaes_oaep_sha_1"}) {
    EXPECT_THAT([&] { rsa_encrypt(key, text, unknown); }, ThrowsError(ErrorCode::kValidation))
        << unknown;
    EXPECT_THAT([&] { rsa_decrypt(key, blob, unknown); }, ThrowsError(ErrorCode::kValidation))
        << unknown;
  }
  // OAEP with keys that are not RSA ENCRYPT_DECRYPT.
  EXPECT_THAT([&] { rsa_encrypt(signing, text, "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT([&] { rsa_decrypt(signing, blob, "RSAES_OAEP_SHA_1"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT([&] { rsa_encrypt(symmetric, text, "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  // An encryption key does not sign.
  EXPECT_THAT([&] { sign(key, text, "RSASSA_PSS_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  // Nor does it make data keys (GenerateDataKey takes a symmetric key).
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({key, {}, 32, std::nullopt});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
  // Asymmetric encryption takes no encryption context.
  EXPECT_THAT(
      [&] {
        service_->encrypt({key, text, {{"a", "b"}}, std::string("RSAES_OAEP_SHA_1")});
      },
      ThrowsError(ErrorCode::kValidation));
}

TEST_F(RsaEncryptionTest, DisabledKeysAreDisabledException) {
  auto key = encryption_key("RSA_2048");
  auto blob = rsa_encrypt(key, as_bytes("x"), "RSAES_OAEP_SHA_256").ciphertext_blob;
  service_->disable_key(key);
  EXPECT_THAT([&] { rsa_encrypt(key, as_bytes("x"), "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kDisabled));
  EXPECT_THAT([&] { rsa_decrypt(key, blob, "RSAES_OAEP_SHA_256"); },
              ThrowsError(ErrorCode::kDisabled));
  EXPECT_THAT([&] { service_->get_public_key(key); }, ThrowsError(ErrorCode::kDisabled));
  service_->enable_key(key);
  EXPECT_EQ(rsa_decrypt(key, blob, "RSAES_OAEP_SHA_256"), "x");
}

TEST_F(RsaEncryptionTest, ReEncryptBetweenRsaAndSymmetricKeys) {
  auto rsa = encryption_key("RSA_2048");
  auto symmetric = create_symmetric_key();
  auto rsa_blob = rsa_encrypt(rsa, as_bytes("moves"), "RSAES_OAEP_SHA_256").ciphertext_blob;

  auto to_symmetric = service_->re_encrypt({.ciphertext_blob = rsa_blob,
                                            .source_key_id = rsa,
                                            .destination_key_id = symmetric,
                                            .destination_encryption_context = {{"k", "v"}},
                                            .source_encryption_algorithm = "RSAES_OAEP_SHA_256"});
  EXPECT_EQ(to_symmetric.source_key_id, arn(rsa));
  EXPECT_EQ(to_symmetric.key_id, arn(symmetric));
  EXPECT_EQ(to_symmetric.source_encryption_algorithm, "RSAES_OAEP_SHA_256");
  EXPECT_EQ(to_symmetric.destination_encryption_algorithm, "SYMMETRIC_DEFAULT");
  EXPECT_EQ(decrypt(to_symmetric.ciphertext_blob, {{"k", "v"}}), "moves");

  auto back = service_->re_encrypt({.ciphertext_blob = to_symmetric.ciphertext_blob,
                                    .source_encryption_context = {{"k", "v"}},
                                    .destination_key_id = rsa,
                                    .destination_encryption_algorithm = "RSAES_OAEP_SHA_1"});
  EXPECT_EQ(back.destination_encryption_algorithm, "RSAES_OAEP_SHA_1");
  EXPECT_EQ(rsa_decrypt(rsa, back.ciphertext_blob, "RSAES_OAEP_SHA_1"), "moves");

  // Into a signing key: InvalidKeyUsageException, checked before anything is decrypted.
  auto signing = signing_key("ECC_NIST_P256");
  EXPECT_THAT(
      [&] {
        service_->re_encrypt({.ciphertext_blob = to_symmetric.ciphertext_blob,
                              .source_encryption_context = {{"k", "v"}},
                              .destination_key_id = signing});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
  // Without the source algorithm an RSA ciphertext is not RSA's to open.
  EXPECT_THAT(
      [&] {
        service_->re_encrypt(
            {.ciphertext_blob = rsa_blob, .source_key_id = rsa, .destination_key_id = symmetric});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
}

TEST_F(RsaEncryptionTest, ImportedPublicKeyEncryptsButCannotDecrypt) {
  auto private_key = host::generate("RSA_2048");
  auto key = import("RSA_2048", host::spki_of(private_key.get()), "ENCRYPT_DECRYPT");
  EXPECT_EQ(key.origin, core::Origin::kExternal);
  EXPECT_EQ(key.encryption_algorithms, kOaep);
  for (const auto& algorithm : kOaep) {
    auto blob = rsa_encrypt(key.key_id, as_bytes("to the holder of the private key"), algorithm)
                    .ciphertext_blob;
    auto opened = host::oaep_decrypt(private_key.get(), algorithm, blob);
    EXPECT_EQ(std::string(opened.begin(), opened.end()), "to the holder of the private key");
    EXPECT_THAT([&] { rsa_decrypt(key.key_id, blob, algorithm); },
                ThrowsError(ErrorCode::kUnsupportedOperation));
  }
}

}  // namespace
}  // namespace coffer::testing
