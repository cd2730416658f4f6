// Wycheproof ECDSA (P-256, P-384, P-521; DER signatures), RSA-PSS and RSA PKCS#1 v1.5
// verification vectors through Token::verify with the vector's public key imported into the
// token (Token::import_public_key from its DER SubjectPublicKeyInfo): every valid signature
// verifies, every invalid one does not (false, never an exception).
#include <gtest/gtest.h>

#include <iostream>

#include "common/error.h"
#include "tests/support/token_fixture.h"
#include "tests/support/wycheproof.h"

namespace coffer::testing {
namespace {

using pkcs11::Bytes;
using pkcs11::Digest;
using pkcs11::SignAlgorithm;
using pkcs11::SignScheme;

struct SignatureFile {
  const char* file;
  SignScheme scheme;
  const char* name;  // for the test's name
};

// GoogleTest names each instance by this (the default prints the struct's bytes).
void PrintTo(const SignatureFile& f, std::ostream* out) { *out << f.file; }

// The schemes Coffer verifies; every case of these files is one the token can express.
constexpr std::size_t kMaxSkipped = 0;

Digest digest_named(const std::string& name) {
  if (name == "SHA-1") return Digest::kSha1;
  if (name == "SHA-224") return Digest::kSha224;
  if (name == "SHA-256") return Digest::kSha256;
  if (name == "SHA-384") return Digest::kSha384;
  if (name == "SHA-512") return Digest::kSha512;
  throw std::runtime_error("digest " + name + " is not one Coffer signs with");
}

class WycheproofSignature : public TokenTest,
                            public ::testing::WithParamInterface<SignatureFile> {};

TEST_P(WycheproofSignature, ValidSignaturesVerifyInvalidOnesDoNot) {
  const SignatureFile& param = GetParam();
  const nlohmann::json document = load_wycheproof(param.file);
  VectorScore score(param.file);

  for (const auto& group : document.at("testGroups")) {
    const Digest digest = digest_named(group.at("sha").get<std::string>());
    SignAlgorithm algorithm{.scheme = param.scheme, .digest = digest};
    std::string cannot_express;
    if (param.scheme == SignScheme::kRsaPss) {
      // Token::verify uses MGF1 with the message digest and a caller-chosen salt length.
      if (group.at("mgf").get<std::string>() != "MGF1" || group.at("mgfSha") != group.at("sha")) {
        cannot_express = "MGF other than MGF1 with the message digest";
      }
      algorithm.pss_salt_length = group.at("sLen").get<std::size_t>();
      // 0 means "digest length" to Token::verify, so a zero salt cannot be asked for.
      if (algorithm.pss_salt_length == 0) cannot_express = "PSS salt length 0";
    }

    const std::string key_id = unique_id("verify-key");
    std::string import_error;
    try {
      token().import_public_key(key_id, hex_field(group, "publicKeyDer"),
                                pkcs11::Lifetime::kSession);
    } catch (const Error& error) {
      import_error = error.what();
    }

    for (const auto& test : group.at("tests")) {
      const int tc_id = test.at("tcId").get<int>();
      const Expected expected = expected_result(test);
      if (!cannot_express.empty()) {
        score.skip(tc_id, cannot_express);
        continue;
      }
      if (!import_error.empty()) {
        score.fail(tc_id, "public key import failed: " + import_error);
        continue;
      }
      const Bytes msg = hex_field(test, "msg");
      const Bytes sig = hex_field(test, "sig");
      bool verified = false;
      try {
        verified = token().verify(key_id, algorithm, msg, sig);
      } catch (const Error& error) {
        // verify() answers false for a bad signature; an exception is never right here.
        score.fail(tc_id, "verify threw " + std::string(error.name()) + " (" + error.what() + ")");
        continue;
      }
      switch (expected) {
        case Expected::kValid:
          if (verified) {
            score.pass(tc_id, expected);
          } else {
            score.fail(tc_id, "valid signature does not verify (" +
                                  test.at("comment").get<std::string>() + ")");
          }
          break;
        case Expected::kInvalid:
          if (!verified) {
            score.pass(tc_id, expected);
          } else {
            score.fail(tc_id, "invalid signature verifies (" +
                                  test.at("comment").get<std::string>() + ")");
          }
          break;
        case Expected::kAcceptable:
          score.acceptable(tc_id, verified);
          break;
      }
    }
    if (import_error.empty()) token().destroy(key_id);
  }

  std::cout << score.summary();
  EXPECT_EQ(score.total(), document.at("numberOfTests").get<std::size_t>());
  EXPECT_EQ(score.failures(), 0u) << score.summary();
  EXPECT_LE(score.skipped(), kMaxSkipped) << score.summary();
}

INSTANTIATE_TEST_SUITE_P(
    Files, WycheproofSignature,
    ::testing::Values(
        SignatureFile{"ecdsa_secp256r1_sha256_test.json", SignScheme::kEcdsa, "EcdsaP256Sha256"},
        SignatureFile{"ecdsa_secp384r1_sha384_test.json", SignScheme::kEcdsa, "EcdsaP384Sha384"},
        SignatureFile{"ecdsa_secp521r1_sha512_test.json", SignScheme::kEcdsa, "EcdsaP521Sha512"},
        SignatureFile{"rsa_pss_2048_sha256_mgf1_32_test.json", SignScheme::kRsaPss,
                      "RsaPss2048Sha256Salt32"},
        SignatureFile{"rsa_signature_2048_sha256_test.json", SignScheme::kRsaPkcs1,
                      "RsaPkcs1v15_2048Sha256"}),
    [](const ::testing::TestParamInfo<SignatureFile>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace coffer::testing
