// KmsService: HMAC keys (KeyUsage GENERATE_VERIFY_MAC, issue 6). GenerateMac and VerifyMac
// with AWS KMS semantics; imported HMAC keys give the MAC OpenSSL computes on the host.
#include "tests/core/asymmetric_fixture.h"

namespace coffer::testing {
namespace {

struct HmacSpec {
  std::string spec;
  std::string algorithm;
  std::size_t mac_size;
  std::size_t min_import;  // AWS's bounds on imported key material
  std::size_t max_import;
};
const std::vector<HmacSpec> kHmacSpecs = {{"HMAC_224", "HMAC_SHA_224", 28, 28, 64},
                                          {"HMAC_256", "HMAC_SHA_256", 32, 32, 64},
                                          {"HMAC_384", "HMAC_SHA_384", 48, 48, 128},
                                          {"HMAC_512", "HMAC_SHA_512", 64, 64, 128}};

using MacTest = AsymmetricTest;

TEST_F(MacTest, EachSpecGeneratesAndVerifiesItsMac) {
  const auto message = as_bytes(kMessage);
  for (const auto& s : kHmacSpecs) {
    SCOPED_TRACE(s.spec);
    auto m = create(s.spec, "GENERATE_VERIFY_MAC");
    EXPECT_EQ(m.key_usage, core::KeyUsage::kGenerateVerifyMac);
    EXPECT_EQ(m.mac_algorithms, std::vector<std::string>{s.algorithm});
    EXPECT_TRUE(m.signing_algorithms.empty());
    EXPECT_TRUE(m.encryption_algorithms.empty());
    EXPECT_EQ(m.origin, core::Origin::kAwsKms);
    // Generated in the token, stored wrapped; in use, a sensitive session object that can
    // never be extracted again.
    EXPECT_TRUE(flag(m.key_id, CKO_SECRET_KEY, CKA_SENSITIVE));
    EXPECT_FALSE(flag(m.key_id, CKO_SECRET_KEY, CKA_EXTRACTABLE));
    EXPECT_FALSE(flag(m.key_id, CKO_SECRET_KEY, CKA_TOKEN));

    auto result = service_->generate_mac({m.key_id, message, s.algorithm});
    EXPECT_EQ(result.key_id, arn(m.key_id));
    EXPECT_EQ(result.mac_algorithm, s.algorithm);
    EXPECT_EQ(result.mac.size(), s.mac_size);
    EXPECT_EQ(mac(m.key_id, message, s.algorithm), result.mac) << "HMAC is deterministic";
    auto verified = service_->verify_mac({m.key_id, message, s.algorithm, result.mac});
    EXPECT_TRUE(verified.mac_valid);
    EXPECT_EQ(verified.key_id, arn(m.key_id));
    EXPECT_EQ(verified.mac_algorithm, s.algorithm);

    // Anything changed is KMSInvalidMacException.
    auto altered = result.mac;
    altered[0] ^= 0x80;
    EXPECT_EQ(verify_mac_error(m.key_id, message, altered, s.algorithm), ErrorCode::kInvalidMac);
    auto truncated = result.mac;
    truncated.resize(s.mac_size / 2);
    EXPECT_EQ(verify_mac_error(m.key_id, message, truncated, s.algorithm), ErrorCode::kInvalidMac)
        << "AWS compares the whole MAC";
    auto longer = result.mac;
    longer.push_back(0);
    EXPECT_EQ(verify_mac_error(m.key_id, message, longer, s.algorithm), ErrorCode::kInvalidMac);
    EXPECT_EQ(verify_mac_error(m.key_id, as_bytes("another message"), result.mac, s.algorithm),
              ErrorCode::kInvalidMac);
    // ... and the key still answers afterwards.
    EXPECT_EQ(verify_mac_error(m.key_id, message, result.mac, s.algorithm), std::nullopt);
  }
}

TEST_F(MacTest, KeysOfTheSameSpecMakeDifferentMacs) {
  auto a = mac_key("HMAC_256");
  auto b = mac_key("HMAC_256");
  const auto message = as_bytes(kMessage);
  auto mac_a = mac(a, message, "HMAC_SHA_256");
  EXPECT_NE(mac_a, mac(b, message, "HMAC_SHA_256"));
  EXPECT_EQ(verify_mac_error(b, message, mac_a, "HMAC_SHA_256"), ErrorCode::kInvalidMac);
}

TEST_F(MacTest, ImportedKeyMacsAreOpenSslsMacs) {
  for (const auto& s : kHmacSpecs) {
    SCOPED_TRACE(s.spec);
    for (std::size_t size : {s.min_import, s.max_import}) {
      core::Bytes material(size);
      for (std::size_t i = 0; i < size; ++i) material[i] = static_cast<std::uint8_t>(i * 7 + size);
      auto m = import(s.spec, material);
      EXPECT_EQ(m.origin, core::Origin::kExternal);
      EXPECT_EQ(m.key_usage, core::KeyUsage::kGenerateVerifyMac);
      EXPECT_EQ(m.mac_algorithms, std::vector<std::string>{s.algorithm});
      EXPECT_TRUE(flag(m.key_id, CKO_SECRET_KEY, CKA_SENSITIVE));
      EXPECT_FALSE(flag(m.key_id, CKO_SECRET_KEY, CKA_EXTRACTABLE));
      for (const std::string& text :
           {std::string("x"), std::string(kMessage), std::string(4096, 'z')}) {
        const auto expected = host::hmac(s.algorithm, material, as_bytes(text));
        EXPECT_EQ(mac(m.key_id, as_bytes(text), s.algorithm), expected);
        EXPECT_EQ(verify_mac_error(m.key_id, as_bytes(text), expected, s.algorithm), std::nullopt);
      }
    }
    EXPECT_THAT([&] { import(s.spec, core::Bytes(s.min_import - 1, 1)); },
                ThrowsError(ErrorCode::kValidation));
    EXPECT_THAT([&] { import(s.spec, core::Bytes(s.max_import + 1, 1)); },
                ThrowsError(ErrorCode::kValidation));
    EXPECT_THAT([&] { import(s.spec, core::Bytes(s.min_import, 1), "SIGN_VERIFY"); },
                ThrowsError(ErrorCode::kValidation));
  }
}

// RFC 4231 test case 2 ("Jefe"), HMAC-SHA-256: a key shorter than AWS allows is refused, so
// check the same computation with the key zero-padded to the block size, which HMAC
// treats identically (RFC 2104: keys shorter than B are padded with zeros).
TEST_F(MacTest, Rfc4231TestCaseTwoWithThePaddedKey) {
  core::Bytes key(64, 0);
  const std::string jefe = "Jefe";
  std::copy(jefe.begin(), jefe.end(), key.begin());
  auto id = import("HMAC_256", key).key_id;
  const auto expected =
      *from_hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(mac(id, as_bytes("what do ya want for nothing?"), "HMAC_SHA_256"), expected);
}

TEST_F(MacTest, AlgorithmAndUsageMismatches) {
  auto h256 = mac_key("HMAC_256");
  auto p256 = signing_key("ECC_NIST_P256");
  auto symmetric = create_symmetric_key();
  const auto message = as_bytes(kMessage);
  auto good = mac(h256, message, "HMAC_SHA_256");

  for (const std::string other : {"HMAC_SHA_224", "HMAC_SHA_384", "HMAC_SHA_512"}) {
    EXPECT_THAT([&] { mac(h256, message, other); }, ThrowsError(ErrorCode::kInvalidKeyUsage))
        << other;
    EXPECT_EQ(verify_mac_error(h256, message, good, other), ErrorCode::kInvalidKeyUsage) << other;
  }
  for (const std::string unknown : {"HMAC_SHA_1", "HMAC_SHA256", "hmac_sha_256", ""}) {
    EXPECT_THAT([&] { mac(h256, message, unknown); }, ThrowsError(ErrorCode::kValidation))
        << unknown;
    EXPECT_EQ(verify_mac_error(h256, message, good, unknown), ErrorCode::kValidation) << unknown;
  }
  for (const auto& key : {p256, symmetric}) {
    EXPECT_THAT([&] { mac(key, message, "HMAC_SHA_256"); },
                ThrowsError(ErrorCode::kInvalidKeyUsage));
    EXPECT_EQ(verify_mac_error(key, message, good, "HMAC_SHA_256"), ErrorCode::kInvalidKeyUsage);
  }
  // An HMAC key neither signs nor encrypts.
  EXPECT_THAT([&] { sign(h256, message, "ECDSA_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT(
      [&] {
        service_->encrypt({h256, message, {}, std::nullopt});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({h256, {}, 32, std::nullopt});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
}

TEST_F(MacTest, MessageAndMacBounds) {
  auto key = mac_key("HMAC_384");
  const core::Bytes largest(4096, 0x61);
  auto tag = mac(key, largest, "HMAC_SHA_384");
  EXPECT_EQ(verify_mac_error(key, largest, tag, "HMAC_SHA_384"), std::nullopt);
  EXPECT_THAT([&] { mac(key, core::Bytes(4097, 0x61), "HMAC_SHA_384"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { mac(key, core::Bytes{}, "HMAC_SHA_384"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_EQ(verify_mac_error(key, core::Bytes{}, tag, "HMAC_SHA_384"), ErrorCode::kValidation);
  EXPECT_EQ(verify_mac_error(key, largest, core::Bytes{}, "HMAC_SHA_384"), ErrorCode::kValidation);
  EXPECT_EQ(verify_mac_error(key, largest, core::Bytes(6145, 1), "HMAC_SHA_384"),
            ErrorCode::kValidation);
  EXPECT_EQ(verify_mac_error(key, largest, core::Bytes(6144, 1), "HMAC_SHA_384"),
            ErrorCode::kInvalidMac);
}

TEST_F(MacTest, DisabledAndPendingDeletionKeys) {
  auto key = mac_key("HMAC_512");
  const auto message = as_bytes(kMessage);
  auto tag = mac(key, message, "HMAC_SHA_512");
  service_->disable_key(key);
  EXPECT_THAT([&] { mac(key, message, "HMAC_SHA_512"); }, ThrowsError(ErrorCode::kDisabled));
  EXPECT_EQ(verify_mac_error(key, message, tag, "HMAC_SHA_512"), ErrorCode::kDisabled);
  service_->enable_key(key);
  EXPECT_EQ(mac(key, message, "HMAC_SHA_512"), tag);
  service_->schedule_key_deletion(key, 30);
  EXPECT_THAT([&] { mac(key, message, "HMAC_SHA_512"); }, ThrowsError(ErrorCode::kInvalidState));
  EXPECT_EQ(verify_mac_error(key, message, tag, "HMAC_SHA_512"), ErrorCode::kInvalidState);
  service_->cancel_key_deletion(key);
  service_->enable_key(key);
  EXPECT_EQ(verify_mac_error(key, message, tag, "HMAC_SHA_512"), std::nullopt);
}

TEST_F(MacTest, MacsSurviveARestart) {
  auto key = mac_key("HMAC_224");
  auto tag = mac(key, as_bytes(kMessage), "HMAC_SHA_224");
  open_service();
  EXPECT_EQ(mac(key, as_bytes(kMessage), "HMAC_SHA_224"), tag);
}

}  // namespace
}  // namespace coffer::testing
