// KmsService: asymmetric keys of KeyUsage SIGN_VERIFY (issue 6). Sign, Verify and
// GetPublicKey with AWS KMS semantics; Coffer's signatures checked by OpenSSL on the host
// with the public key GetPublicKey returns; keys imported from a public key verify what
// OpenSSL signed; the errors AWS gives for misuse.
#include <openssl/core_names.h>

#include <algorithm>
#include <iostream>
#include <set>

#include "core/service/reconciler.h"
#include "tests/core/asymmetric_fixture.h"

namespace coffer::testing {
namespace {

using Algorithms = std::vector<std::string>;

const Algorithms kRsaSigning = {"RSASSA_PSS_SHA_256",        "RSASSA_PSS_SHA_384",
                                "RSASSA_PSS_SHA_512",        "RSASSA_PKCS1_V1_5_SHA_256",
                                "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"};

// What AWS KMS lists as SigningAlgorithms for each spec.
Algorithms aws_signing_algorithms(const std::string& spec) {
  if (spec.starts_with("RSA_")) return kRsaSigning;
  if (spec == "ECC_NIST_P384") return {"ECDSA_SHA_384"};
  if (spec == "ECC_NIST_P521") return {"ECDSA_SHA_512"};
  return {"ECDSA_SHA_256"};  // ECC_NIST_P256, ECC_SECG_P256K1
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

class SigningTest : public AsymmetricTest {
 protected:
  // Signs kMessage with every algorithm of the key as RAW and as DIGEST, and checks each
  // signature with Coffer's Verify and with OpenSSL on the host.
  void sign_and_verify_everything(const std::string& key, const std::string& spec) {
    const auto message = as_bytes(kMessage);
    const auto info = service_->get_public_key(key);
    ASSERT_EQ(as_set(info.signing_algorithms), as_set(aws_signing_algorithms(spec))) << spec;
    for (const auto& algorithm : info.signing_algorithms) {
      SCOPED_TRACE(spec + " " + algorithm);
      const auto digest = host::digest_for(algorithm, message);
      for (const std::optional<std::string>& type :
           {std::optional<std::string>{}, std::optional<std::string>{"RAW"},
            std::optional<std::string>{"DIGEST"}}) {
        const bool prehashed = type == "DIGEST";
        const std::span<const std::uint8_t> input =
            prehashed ? std::span<const std::uint8_t>(digest) : message;
        auto result = service_->sign({key, input, type, algorithm});
        EXPECT_EQ(result.key_id, arn(key));
        EXPECT_EQ(result.signing_algorithm, algorithm);
        const auto& signature = result.signature;
        if (algorithm.starts_with("ECDSA")) {
          EXPECT_TRUE(host::is_strict_der_ecdsa(signature))
              << "ECDSA signatures are DER, as AWS returns them";
        } else {
          EXPECT_EQ(signature.size(), core::Bytes::size_type(EVP_PKEY_get_size(
                                          host::public_key_from_der(info.public_key).get())));
        }
        // Coffer: as signed, and across message types (DIGEST of the hash = RAW of the message).
        auto verified = verify(key, input, signature, algorithm, type);
        EXPECT_TRUE(verified.signature_valid);
        EXPECT_EQ(verified.key_id, arn(key));
        EXPECT_EQ(verified.signing_algorithm, algorithm);
        EXPECT_EQ(verify_error(key, message, signature, algorithm), std::nullopt);
        EXPECT_EQ(verify_error(key, digest, signature, algorithm, "DIGEST"), std::nullopt);
        // OpenSSL on the host, with nothing but the public key.
        EXPECT_TRUE(host::verify(info.public_key, algorithm, message, signature));
      }
    }
  }
};

TEST_F(SigningTest, KeyMetadataOfEachSpecAndUsage) {
  for (const std::string spec :
       {"RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"}) {
    SCOPED_TRACE(spec);
    auto m = create(spec, "SIGN_VERIFY");
    EXPECT_EQ(m.key_spec, core::parse_key_spec(spec));
    EXPECT_EQ(m.key_usage, core::KeyUsage::kSignVerify);
    EXPECT_EQ(m.origin, core::Origin::kAwsKms);
    EXPECT_TRUE(m.enabled);
    EXPECT_EQ(as_set(m.signing_algorithms), as_set(aws_signing_algorithms(spec)));
    EXPECT_TRUE(m.encryption_algorithms.empty());
    EXPECT_TRUE(m.mac_algorithms.empty());
    auto described = service_->describe_key(m.key_id);
    EXPECT_EQ(described.signing_algorithms, m.signing_algorithms);
    EXPECT_EQ(described.key_spec, m.key_spec);
  }
  auto rsa = create("RSA_2048", "ENCRYPT_DECRYPT");
  EXPECT_EQ(as_set(rsa.encryption_algorithms),
            (std::set<std::string>{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}));
  EXPECT_TRUE(rsa.signing_algorithms.empty());
  EXPECT_EQ(create("RSA_2048", std::nullopt).key_usage,
            core::KeyUsage::kEncryptDecrypt);  // AWS's default
}

TEST_F(SigningTest, SpecAndUsageMustGoTogether) {
  EXPECT_THAT([&] { create("ECC_NIST_P256", "ENCRYPT_DECRYPT"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { create("ECC_NIST_P256", "GENERATE_VERIFY_MAC"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { create("RSA_2048", "GENERATE_VERIFY_MAC"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { create("HMAC_256", "SIGN_VERIFY"); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { create("SYMMETRIC_DEFAULT", "SIGN_VERIFY"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { create("RSA_1024", "SIGN_VERIFY"); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { create("ECC_NIST_P256", "SIGN_AND_VERIFY"); },
              ThrowsError(ErrorCode::kValidation));
}

// The private half is generated in the token and leaves it only wrapped under the domain key
// (tests/core/key_hierarchy_test.cc); in use it is a sensitive, non-extractable session object.
TEST_F(SigningTest, PrivateHalfIsMadeInTheTokenAndNeverLeavesIt) {
  for (const std::string spec : {"RSA_2048", "ECC_NIST_P256", "ECC_SECG_P256K1"}) {
    SCOPED_TRACE(spec);
    auto key = signing_key(spec);
    EXPECT_TRUE(flag(key, CKO_PRIVATE_KEY, CKA_SENSITIVE));
    EXPECT_FALSE(flag(key, CKO_PRIVATE_KEY, CKA_EXTRACTABLE));
    EXPECT_FALSE(flag(key, CKO_PRIVATE_KEY, CKA_TOKEN));
    EXPECT_FALSE(flag(key, CKO_PUBLIC_KEY, CKA_TOKEN));
    const auto version = store_->get_version(key, 1);
    ASSERT_TRUE(version);
    EXPECT_EQ(version->form(), core::MaterialForm::kWrapped);
    EXPECT_EQ(version->public_key, service_->get_public_key(key).public_key);
  }
}

TEST_F(SigningTest, EveryAlgorithmOfRsa2048SignsAndVerifiesRawAndDigest) {
  sign_and_verify_everything(signing_key("RSA_2048"), "RSA_2048");
}

TEST_F(SigningTest, EveryEccSpecSignsAndVerifiesRawAndDigest) {
  for (const std::string spec :
       {"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"}) {
    sign_and_verify_everything(signing_key(spec), spec);
  }
}

// The larger RSA keys are slow to make in SoftHSM: one of each, a few algorithms.
TEST_F(SigningTest, Rsa3072And4096SignAndVerify) {
  for (const auto& [spec, bits] :
       {std::pair<std::string, int>{"RSA_3072", 3072}, {"RSA_4096", 4096}}) {
    SCOPED_TRACE(spec);
    auto key = signing_key(spec);
    auto info = service_->get_public_key(key);
    EXPECT_EQ(EVP_PKEY_get_bits(host::public_key_from_der(info.public_key).get()), bits);
    EXPECT_EQ(as_set(info.signing_algorithms), as_set(kRsaSigning));
    const auto message = as_bytes(kMessage);
    for (const std::string algorithm : {"RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256"}) {
      auto raw = sign(key, message, algorithm);
      EXPECT_EQ(raw.size(), std::size_t(bits / 8));
      EXPECT_TRUE(host::verify(info.public_key, algorithm, message, raw)) << algorithm;
      EXPECT_EQ(verify_error(key, message, raw, algorithm), std::nullopt);
      auto digest = host::digest_for(algorithm, message);
      auto from_digest = sign(key, digest, algorithm, "DIGEST");
      EXPECT_TRUE(host::verify(info.public_key, algorithm, message, from_digest)) << algorithm;
    }
  }
}

TEST_F(SigningTest, GetPublicKeyIsTheKeysSpki) {
  struct Case {
    std::string spec;
    std::string usage;
  };
  int aliases = 0;
  for (const auto& c :
       {Case{"RSA_2048", "SIGN_VERIFY"}, Case{"RSA_2048", "ENCRYPT_DECRYPT"},
        Case{"ECC_NIST_P256", "SIGN_VERIFY"}, Case{"ECC_NIST_P384", "SIGN_VERIFY"},
        Case{"ECC_NIST_P521", "SIGN_VERIFY"}, Case{"ECC_SECG_P256K1", "SIGN_VERIFY"}}) {
    SCOPED_TRACE(c.spec + " " + c.usage);
    auto key = create(c.spec, c.usage).key_id;
    auto info = service_->get_public_key(key);
    EXPECT_EQ(info.key_id, arn(key));
    EXPECT_EQ(info.key_spec, core::parse_key_spec(c.spec));
    EXPECT_EQ(info.key_usage, core::parse_key_usage(c.usage));
    auto parsed = host::public_key_from_der(info.public_key);  // strict: the whole buffer
    EXPECT_EQ(host::spec_of(parsed.get()), c.spec);
    if (c.usage == "SIGN_VERIFY") {
      EXPECT_EQ(as_set(info.signing_algorithms), as_set(aws_signing_algorithms(c.spec)));
      EXPECT_TRUE(info.encryption_algorithms.empty());
    } else {
      EXPECT_EQ(as_set(info.encryption_algorithms),
                (std::set<std::string>{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}));
      EXPECT_TRUE(info.signing_algorithms.empty());
    }
    // By alias and by ARN too, and the same bytes each time.
    const std::string alias = "alias/public-" + std::to_string(++aliases);
    service_->create_alias(alias, key);
    EXPECT_EQ(service_->get_public_key(arn(key)).public_key, info.public_key);
    EXPECT_EQ(service_->get_public_key(alias).public_key, info.public_key);
  }
}

TEST_F(SigningTest, GetPublicKeyIsRefusedForSymmetricAndHmacKeys) {
  auto symmetric = create_symmetric_key();
  auto hmac = mac_key("HMAC_256");
  EXPECT_THAT([&] { service_->get_public_key(symmetric); },
              ThrowsError(ErrorCode::kUnsupportedOperation));
  EXPECT_THAT([&] { service_->get_public_key(hmac); },
              ThrowsError(ErrorCode::kUnsupportedOperation));
  EXPECT_THAT([&] { service_->get_public_key("alias/none"); }, ThrowsError(ErrorCode::kNotFound));
}

TEST_F(SigningTest, AnythingChangedIsAnInvalidSignature) {
  auto key = signing_key("ECC_NIST_P256");
  auto other = signing_key("ECC_NIST_P256");
  auto rsa = signing_key("RSA_2048");
  const auto message = as_bytes(kMessage);
  const std::string altered_message = std::string(kMessage) + ".";

  auto ecdsa = sign(key, message, "ECDSA_SHA_256");
  EXPECT_EQ(verify_error(key, as_bytes(altered_message), ecdsa, "ECDSA_SHA_256"),
            ErrorCode::kInvalidSignature);
  EXPECT_EQ(verify_error(other, message, ecdsa, "ECDSA_SHA_256"), ErrorCode::kInvalidSignature);
  for (std::size_t i = 0; i < ecdsa.size(); ++i) {
    auto altered = ecdsa;
    altered[i] ^= 0x01;
    EXPECT_EQ(verify_error(key, message, altered, "ECDSA_SHA_256"), ErrorCode::kInvalidSignature)
        << "byte " << i;
  }
  auto truncated = ecdsa;
  truncated.pop_back();
  EXPECT_EQ(verify_error(key, message, truncated, "ECDSA_SHA_256"), ErrorCode::kInvalidSignature);
  auto longer = ecdsa;
  longer.push_back(0);
  EXPECT_EQ(verify_error(key, message, longer, "ECDSA_SHA_256"), ErrorCode::kInvalidSignature);
  EXPECT_EQ(verify_error(key, message, core::Bytes(64, 0x42), "ECDSA_SHA_256"),
            ErrorCode::kInvalidSignature)
      << "raw r||s is not what AWS takes";
  // A RAW signature checked as the DIGEST of another message.
  EXPECT_EQ(verify_error(key, host::digest_for("ECDSA_SHA_256", as_bytes(altered_message)), ecdsa,
                         "ECDSA_SHA_256", "DIGEST"),
            ErrorCode::kInvalidSignature);

  auto pss = sign(rsa, message, "RSASSA_PSS_SHA_256");
  EXPECT_EQ(verify_error(rsa, message, pss, "RSASSA_PKCS1_V1_5_SHA_256"),
            ErrorCode::kInvalidSignature);
  EXPECT_EQ(verify_error(rsa, message, pss, "RSASSA_PSS_SHA_384"), ErrorCode::kInvalidSignature);
  EXPECT_EQ(verify_error(rsa, as_bytes(altered_message), pss, "RSASSA_PSS_SHA_256"),
            ErrorCode::kInvalidSignature);
  auto short_pss = pss;
  short_pss.resize(255);
  EXPECT_EQ(verify_error(rsa, message, short_pss, "RSASSA_PSS_SHA_256"),
            ErrorCode::kInvalidSignature);
  auto pkcs1 = sign(rsa, message, "RSASSA_PKCS1_V1_5_SHA_512");
  pkcs1[100] ^= 0x80;
  EXPECT_EQ(verify_error(rsa, message, pkcs1, "RSASSA_PKCS1_V1_5_SHA_512"),
            ErrorCode::kInvalidSignature);
  // The key still answers after all of that (no verify operation left open on a session).
  EXPECT_EQ(verify_error(key, message, ecdsa, "ECDSA_SHA_256"), std::nullopt);
  EXPECT_EQ(verify_error(rsa, message, pss, "RSASSA_PSS_SHA_256"), std::nullopt);
}

TEST_F(SigningTest, UsageAndAlgorithmMismatchesAreInvalidKeyUsage) {
  auto p256 = signing_key("ECC_NIST_P256");
  auto rsa_sign = signing_key("RSA_2048");
  auto rsa_crypt = encryption_key("RSA_2048");
  auto hmac = mac_key("HMAC_256");
  auto symmetric = create_symmetric_key();
  const auto message = as_bytes(kMessage);
  auto good = sign(p256, message, "ECDSA_SHA_256");

  // An algorithm the key's spec does not allow.
  EXPECT_THAT([&] { sign(p256, message, "ECDSA_SHA_384"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT([&] { sign(p256, message, "RSASSA_PSS_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT([&] { sign(rsa_sign, message, "ECDSA_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_EQ(verify_error(p256, message, good, "ECDSA_SHA_512"), ErrorCode::kInvalidKeyUsage);
  // A key of another usage.
  for (const auto& key : {rsa_crypt, hmac, symmetric}) {
    EXPECT_THAT([&] { sign(key, message, "RSASSA_PSS_SHA_256"); },
                ThrowsError(ErrorCode::kInvalidKeyUsage));
    EXPECT_EQ(verify_error(key, message, good, "RSASSA_PSS_SHA_256"), ErrorCode::kInvalidKeyUsage);
  }
  EXPECT_THAT([&] { mac(p256, message, "HMAC_SHA_256"); },
              ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT(
      [&] {
        service_->encrypt({rsa_sign, message, {}, std::string("RSAES_OAEP_SHA_256")});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
  // Names AWS knows for specs Coffer does not make (SM2, ML-DSA, Ed25519): valid enum
  // values, just not for this key.
  for (const std::string other :
       {"SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512"}) {
    EXPECT_THAT([&] { sign(p256, message, other); }, ThrowsError(ErrorCode::kInvalidKeyUsage))
        << other;
    EXPECT_EQ(verify_error(rsa_sign, message, good, other), ErrorCode::kInvalidKeyUsage) << other;
  }
  EXPECT_THAT(
      [&] {
        service_->encrypt({p256, message, {}, std::nullopt});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
  EXPECT_THAT(
      [&] {
        service_->generate_data_key({p256, {}, 32, std::nullopt});
      },
      ThrowsError(ErrorCode::kInvalidKeyUsage));
}

TEST_F(SigningTest, UnknownEnumValuesAreValidation) {
  auto p256 = signing_key("ECC_NIST_P256");
  const auto message = as_bytes(kMessage);
  auto good = sign(p256, message, "ECDSA_SHA_256");
  for (const std::string algorithm :
       {"ECDSA_SHA_1", "RSASSA_PSS_SHA_1", "ecdsa_sha_256", "", "HMAC_SHA_256"}) {
    EXPECT_THAT([&] { sign(p256, message, algorithm); }, ThrowsError(ErrorCode::kValidation))
        << algorithm;
    EXPECT_EQ(verify_error(p256, message, good, algorithm), ErrorCode::kValidation) << algorithm;
  }
  for (const std::string type : {"HASH", "raw", ""}) {
    EXPECT_THAT([&] { sign(p256, message, "ECDSA_SHA_256", type); },
                ThrowsError(ErrorCode::kValidation))
        << type;
    EXPECT_EQ(verify_error(p256, message, good, "ECDSA_SHA_256", type), ErrorCode::kValidation)
        << type;
  }
  EXPECT_THAT([&] { create("ECC_NIST_P999", "SIGN_VERIFY"); }, ThrowsError(ErrorCode::kValidation));
}

// AWS validates enum values before it looks at the key.
TEST_F(SigningTest, UnknownEnumValuesAreValidationWhateverTheKey) {
  auto key = signing_key("ECC_NIST_P256");
  auto hmac = mac_key("HMAC_256");
  const auto message = as_bytes(kMessage);
  const core::Bytes signature(70, 0x30);
  service_->disable_key(key);
  service_->disable_key(hmac);
  for (const std::string& target : {key, hmac, std::string("alias/missing")}) {
    SCOPED_TRACE(target);
    EXPECT_THAT([&] { sign(target, message, "ECDSA_SHA_1"); }, ThrowsError(ErrorCode::kValidation));
    EXPECT_EQ(verify_error(target, message, signature, "ECDSA_SHA_1"), ErrorCode::kValidation);
    EXPECT_THAT([&] { sign(target, message, "ECDSA_SHA_256", "HASH"); },
                ThrowsError(ErrorCode::kValidation));
    EXPECT_THAT([&] { mac(target, message, "HMAC_SHA_1"); }, ThrowsError(ErrorCode::kValidation));
    EXPECT_EQ(verify_mac_error(target, message, signature, "HMAC_SHA_1"), ErrorCode::kValidation);
  }
}

TEST_F(SigningTest, DigestOfTheWrongLengthIsValidation) {
  auto p256 = signing_key("ECC_NIST_P256");
  auto p521 = signing_key("ECC_NIST_P521");
  auto rsa = signing_key("RSA_2048");
  const core::Bytes signature = sign(p256, as_bytes(kMessage), "ECDSA_SHA_256");
  for (std::size_t size : {1, 20, 31, 33, 48, 64}) {
    const core::Bytes digest(size, 0x5a);
    EXPECT_THAT([&] { sign(p256, digest, "ECDSA_SHA_256", "DIGEST"); },
                ThrowsError(ErrorCode::kValidation))
        << size;
    EXPECT_EQ(verify_error(p256, digest, signature, "ECDSA_SHA_256", "DIGEST"),
              ErrorCode::kValidation)
        << size;
  }
  EXPECT_THAT([&] { sign(p521, core::Bytes(66, 1), "ECDSA_SHA_512", "DIGEST"); },
              ThrowsError(ErrorCode::kValidation))
      << "a P-521 digest is SHA-512's 64 bytes, not the field's 66";
  EXPECT_NO_THROW(sign(p521, core::Bytes(64, 1), "ECDSA_SHA_512", "DIGEST"));
  EXPECT_THAT([&] { sign(rsa, core::Bytes(32, 1), "RSASSA_PKCS1_V1_5_SHA_384", "DIGEST"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { sign(rsa, core::Bytes(64, 1), "RSASSA_PSS_SHA_256", "DIGEST"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_NO_THROW(sign(rsa, core::Bytes(48, 1), "RSASSA_PSS_SHA_384", "DIGEST"));
}

TEST_F(SigningTest, MessageAndSignatureBounds) {
  auto p256 = signing_key("ECC_NIST_P256");
  const core::Bytes largest(4096, 0x61);
  auto signature = sign(p256, largest, "ECDSA_SHA_256");
  EXPECT_EQ(verify_error(p256, largest, signature, "ECDSA_SHA_256"), std::nullopt);
  EXPECT_THAT([&] { sign(p256, core::Bytes(4097, 0x61), "ECDSA_SHA_256"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { sign(p256, core::Bytes{}, "ECDSA_SHA_256"); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_EQ(verify_error(p256, core::Bytes{}, signature, "ECDSA_SHA_256"), ErrorCode::kValidation);
  EXPECT_EQ(verify_error(p256, largest, core::Bytes{}, "ECDSA_SHA_256"), ErrorCode::kValidation);
  EXPECT_EQ(verify_error(p256, largest, core::Bytes(6145, 0x30), "ECDSA_SHA_256"),
            ErrorCode::kValidation);
  EXPECT_EQ(verify_error(p256, largest, core::Bytes(6144, 0x30), "ECDSA_SHA_256"),
            ErrorCode::kInvalidSignature);
}

TEST_F(SigningTest, DisabledKeysAreDisabledExceptionAndPendingDeletionIsInvalidState) {
  auto key = signing_key("ECC_NIST_P384");
  const auto message = as_bytes(kMessage);
  auto signature = sign(key, message, "ECDSA_SHA_384");
  service_->disable_key(key);
  EXPECT_THAT([&] { sign(key, message, "ECDSA_SHA_384"); }, ThrowsError(ErrorCode::kDisabled));
  EXPECT_EQ(verify_error(key, message, signature, "ECDSA_SHA_384"), ErrorCode::kDisabled);
  EXPECT_THAT([&] { service_->get_public_key(key); }, ThrowsError(ErrorCode::kDisabled));
  EXPECT_FALSE(service_->describe_key(key).enabled);
  service_->enable_key(key);
  EXPECT_EQ(verify_error(key, message, signature, "ECDSA_SHA_384"), std::nullopt);

  service_->schedule_key_deletion(key, 7);
  EXPECT_THAT([&] { sign(key, message, "ECDSA_SHA_384"); }, ThrowsError(ErrorCode::kInvalidState));
  EXPECT_EQ(verify_error(key, message, signature, "ECDSA_SHA_384"), ErrorCode::kInvalidState);
  EXPECT_THAT([&] { service_->get_public_key(key); }, ThrowsError(ErrorCode::kInvalidState));
}

TEST_F(SigningTest, RotationIsUnsupportedForAsymmetricAndHmacKeys) {
  auto host_key = host::generate("ECC_NIST_P256");
  const auto spki = host::spki_of(host_key.get());
  const core::Bytes hmac_material(32, 7);
  const std::vector<std::string> keys = {signing_key("ECC_NIST_P256"),
                                         signing_key("RSA_2048"),
                                         encryption_key("RSA_2048"),
                                         mac_key("HMAC_224"),
                                         mac_key("HMAC_512"),
                                         import("ECC_NIST_P256", spki).key_id,
                                         import("HMAC_256", hmac_material).key_id};
  for (const auto& key : keys) {
    SCOPED_TRACE(key);
    EXPECT_THAT([&] { service_->enable_key_rotation(key, std::nullopt); },
                ThrowsError(ErrorCode::kUnsupportedOperation));
    EXPECT_THAT([&] { service_->enable_key_rotation(key, 90); },
                ThrowsError(ErrorCode::kUnsupportedOperation));
    EXPECT_THAT([&] { service_->rotate_key_on_demand(key); },
                ThrowsError(ErrorCode::kUnsupportedOperation));
    EXPECT_THAT([&] { service_->disable_key_rotation(key); },
                ThrowsError(ErrorCode::kUnsupportedOperation));
  }
  // Time passing rotates nothing either.
  clock_.advance(core::days(4000));
  EXPECT_EQ(service_->run_due_work(), 0);
}

// Key pairs, HMAC keys and imported keys are all wrapped (or public) in the store: the token
// keeps only the domain key, the reconciler has nothing to report, and deletion removes every
// version (and its unwrapped session objects).
TEST_F(SigningTest, ReconcilerAndDeletionKnowKeyPairs) {
  auto host_key = host::generate("ECC_NIST_P384");
  const std::vector<std::string> keys = {
      signing_key("ECC_NIST_P256"), encryption_key("RSA_2048"), mac_key("HMAC_384"),
      import("ECC_NIST_P384", host::spki_of(host_key.get())).key_id,
      import("HMAC_256", core::Bytes(32, 9)).key_id};
  auto report = core::reconcile(*token_, *store_, false);
  EXPECT_TRUE(report.orphans.empty()) << report.orphans.front();
  EXPECT_TRUE(report.missing.empty()) << report.missing.front();
  for (const auto& key : keys) service_->describe_key(key);
  EXPECT_EQ(token_->list_key_ids().size(), 1u) << "the domain key alone";

  for (const auto& key : keys) service_->schedule_key_deletion(key, 7);
  clock_.advance(core::days(8));
  EXPECT_EQ(service_->run_due_work(), static_cast<int>(keys.size()));
  for (const auto& key : keys) {
    EXPECT_THAT([&] { service_->describe_key(key); }, ThrowsError(ErrorCode::kNotFound));
    EXPECT_FALSE(store_->get_version(key, 1));
  }
  EXPECT_EQ(token_->list_key_ids().size(), 1u) << "the domain key alone";
  EXPECT_EQ(service_->key_material().cache().stats().size, 0u);
  report = core::reconcile(*token_, *store_, false);
  EXPECT_TRUE(report.orphans.empty());
  EXPECT_TRUE(report.missing.empty());
}

// --- keys imported from a public key (Coffer extension) ---------------------------------

TEST_F(SigningTest, ImportedPublicKeyVerifiesWhatOpenSslSigned) {
  const auto message = as_bytes(kMessage);
  for (const std::string spec :
       {"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "RSA_2048"}) {
    SCOPED_TRACE(spec);
    auto private_key = host::generate(spec);
    const auto spki = host::spki_of(private_key.get());
    auto m = import(spec, spki, "SIGN_VERIFY");
    EXPECT_EQ(m.origin, core::Origin::kExternal);
    EXPECT_EQ(m.key_spec, core::parse_key_spec(spec));
    EXPECT_EQ(m.key_usage, core::KeyUsage::kSignVerify);
    EXPECT_EQ(as_set(m.signing_algorithms), as_set(aws_signing_algorithms(spec)));
    EXPECT_EQ(service_->describe_key(m.key_id).origin, core::Origin::kExternal);
    EXPECT_EQ(service_->get_public_key(m.key_id).public_key, spki);
    for (const auto& algorithm : aws_signing_algorithms(spec)) {
      SCOPED_TRACE(algorithm);
      auto signature = host::sign(private_key.get(), algorithm, message);
      EXPECT_EQ(verify_error(m.key_id, message, signature, algorithm), std::nullopt);
      EXPECT_EQ(verify_error(m.key_id, host::digest_for(algorithm, message), signature, algorithm,
                             "DIGEST"),
                std::nullopt);
      auto from_digest =
          host::sign(private_key.get(), algorithm, host::digest_for(algorithm, message), true);
      EXPECT_EQ(verify_error(m.key_id, message, from_digest, algorithm), std::nullopt);
      signature.back() ^= 0x01;
      EXPECT_EQ(verify_error(m.key_id, message, signature, algorithm),
                ErrorCode::kInvalidSignature);
    }
    // Only the public half is here: Sign cannot work.
    EXPECT_THAT([&] { sign(m.key_id, message, aws_signing_algorithms(spec).front()); },
                ThrowsError(ErrorCode::kUnsupportedOperation));
  }
}

TEST_F(SigningTest, ImportRefusesMaterialThatIsNotTheSpec) {
  auto p384 = host::generate("ECC_NIST_P384");
  const auto p384_spki = host::spki_of(p384.get());
  EXPECT_THAT([&] { import("ECC_NIST_P256", p384_spki); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { import("RSA_2048", p384_spki); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { import("ECC_NIST_P384", p384_spki, "ENCRYPT_DECRYPT"); },
              ThrowsError(ErrorCode::kValidation));
  auto trailing = p384_spki;
  trailing.push_back(0);
  EXPECT_THAT([&] { import("ECC_NIST_P384", trailing); }, ThrowsError(ErrorCode::kValidation));
  auto cut = p384_spki;
  cut.resize(cut.size() - 1);
  EXPECT_THAT([&] { import("ECC_NIST_P384", cut); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { import("ECC_NIST_P384", core::Bytes{}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { import("ECC_NIST_P384", as_bytes("not DER at all")); },
              ThrowsError(ErrorCode::kValidation));
  auto rsa1024 = host::generate("RSA_1024");
  EXPECT_THAT([&] { import("RSA_2048", host::spki_of(rsa1024.get())); },
              ThrowsError(ErrorCode::kValidation));
  auto brainpool = host::generate("ECC_BRAINPOOL_P256R1");
  EXPECT_THAT([&] { import("ECC_NIST_P256", host::spki_of(brainpool.get())); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { import("SYMMETRIC_DEFAULT", core::Bytes(32, 1)); },
              ThrowsError(ErrorCode::kUnsupportedOperation));
  EXPECT_THAT([&] { import("RSA_9999", p384_spki); }, ThrowsError(ErrorCode::kValidation));
  const core::ImportKeyRequest long_description{"ECC_NIST_P384", "SIGN_VERIFY",
                                                std::string(8193, 'd'), p384_spki};
  EXPECT_THAT([&] { service_->import_key(long_description); }, ThrowsError(ErrorCode::kValidation))
      << "Description is at most 8192 characters, as for CreateKey";
  // Nothing half-made is left behind.
  EXPECT_EQ(service_->list_keys({}).keys.size(), 0u);
  EXPECT_TRUE(token_->list_key_ids().empty());
}

// A SubjectPublicKeyInfo with a compressed point is as valid as an uncompressed one
// (SEC 1 2.3.3): it must either import and verify, or be refused at import.
TEST_F(SigningTest, ImportedCompressedEcPointVerifiesOrIsRefused) {
  for (const std::string spec : {"ECC_NIST_P256", "ECC_SECG_P256K1"}) {
    SCOPED_TRACE(spec);
    auto private_key = host::generate(spec);
    ASSERT_EQ(EVP_PKEY_set_utf8_string_param(private_key.get(),
                                             OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                             const_cast<char*>("compressed")),
              1);
    const auto spki = host::spki_of(private_key.get());
    ASSERT_EQ(spki.size(), spec == "ECC_NIST_P256" ? 59u : 56u) << "a compressed point";
    std::optional<core::KeyMetadata> m;
    try {
      m = import(spec, spki);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kValidation) << e.what();
      std::cout << spec << ": compressed point refused at import: " << e.what() << "\n";
      continue;
    }
    auto signature = host::sign(private_key.get(), "ECDSA_SHA_256", as_bytes(kMessage));
    EXPECT_EQ(verify_error(m->key_id, as_bytes(kMessage), signature, "ECDSA_SHA_256"),
              std::nullopt);
    // GetPublicKey gives a key OpenSSL reads as the same key.
    auto returned = host::public_key_from_der(service_->get_public_key(m->key_id).public_key);
    EXPECT_EQ(EVP_PKEY_eq(returned.get(), private_key.get()), 1);
  }
}

TEST_F(SigningTest, ImportedKeysSurviveARestart) {
  auto private_key = host::generate("ECC_NIST_P256");
  auto key = import("ECC_NIST_P256", host::spki_of(private_key.get())).key_id;
  auto signature = host::sign(private_key.get(), "ECDSA_SHA_256", as_bytes(kMessage));
  auto made_here = signing_key("ECC_NIST_P256");
  auto our_signature = sign(made_here, as_bytes(kMessage), "ECDSA_SHA_256");
  open_service();
  EXPECT_EQ(service_->describe_key(key).origin, core::Origin::kExternal);
  EXPECT_EQ(verify_error(key, as_bytes(kMessage), signature, "ECDSA_SHA_256"), std::nullopt);
  EXPECT_THAT([&] { sign(key, as_bytes(kMessage), "ECDSA_SHA_256"); },
              ThrowsError(ErrorCode::kUnsupportedOperation));
  EXPECT_EQ(verify_error(made_here, as_bytes(kMessage), our_signature, "ECDSA_SHA_256"),
            std::nullopt);
  EXPECT_EQ(service_->describe_key(made_here).origin, core::Origin::kAwsKms);
}

}  // namespace
}  // namespace coffer::testing
