// Wycheproof signature and HMAC vectors through the service, as an AWS client meets them
// (issue 6). Each signature group's public key becomes a verify-only key with
// KmsService::import_key (DER SubjectPublicKeyInfo, Origin EXTERNAL); each HMAC key is
// imported from its bytes. Then every valid case must verify, every invalid one must be
// KMSInvalidSignatureException / KMSInvalidMacException, and a case whose input AWS cannot
// express (an empty message, an empty signature, a key size or a truncated tag outside
// AWS's bounds) must be ValidationException and is counted as skipped, with the reason.
//
// Signature cases run twice: as MessageType RAW (the message) and as MessageType DIGEST
// (its hash computed on the host), so the DIGEST path meets every signature too and the
// empty-message cases are still checked through it.
#include <iostream>
#include <map>

#include "tests/core/asymmetric_fixture.h"
#include "tests/support/wycheproof.h"

namespace coffer::testing {
namespace {

// "acceptable" cases are decided here, by flag, not left to chance. Coffer builds the
// PKCS#1 v1.5 DigestInfo itself (with the NULL parameters) and compares encodings, so an
// encoding without the NULL is rejected: stricter than RFC 8017 allows, as AWS KMS and
// BoringSSL are.
const std::map<std::string, bool> kAcceptableDecisions = {{"MissingNull", false}};

// The fewest cases of one file that must actually run (not be skipped), so that a test
// can never pass by skipping everything.
constexpr double kMinRunShare = 0.95;

struct SignatureFile {
  const char* file;
  const char* key_spec;
  const char* algorithm;  // SigningAlgorithmSpec
  const char* sha;        // the group digest the algorithm implies
  const char* name;
};
void PrintTo(const SignatureFile& f, std::ostream* out) { *out << f.file; }

std::string flags_of(const nlohmann::json& test) {
  std::string out;
  for (const auto& f : test.value("flags", nlohmann::json::array()))
    out += (out.empty() ? "" : ",") + f.get<std::string>();
  return out;
}

// What the answer should have been, given that the service said `accepted`.
void score_outcome(VectorScore& score, const nlohmann::json& test, Expected expected, bool accepted,
                   const std::string& how) {
  const int tc_id = test.at("tcId").get<int>();
  const std::string comment = test.value("comment", "");
  switch (expected) {
    case Expected::kValid:
      if (accepted) {
        score.pass(tc_id, expected);
      } else {
        score.fail(tc_id, how + ": valid case rejected (" + comment + ")");
      }
      return;
    case Expected::kInvalid:
      if (!accepted) {
        score.pass(tc_id, expected);
      } else {
        score.fail(tc_id, how + ": invalid case accepted (" + comment + ")");
      }
      return;
    case Expected::kAcceptable: {
      std::optional<bool> decision;
      for (const auto& f : test.value("flags", nlohmann::json::array())) {
        auto it = kAcceptableDecisions.find(f.get<std::string>());
        if (it != kAcceptableDecisions.end()) decision = it->second;
      }
      if (!decision) {
        score.fail(tc_id,
                   how + ": acceptable case with flags [" + flags_of(test) + "] has no decision");
      } else if (*decision != accepted) {
        score.fail(tc_id, how + ": acceptable case [" + flags_of(test) + "] should be " +
                              (*decision ? "accepted" : "rejected"));
      } else {
        score.acceptable(tc_id, accepted);
      }
      return;
    }
  }
}

class WycheproofServiceSignature : public AsymmetricTest,
                                   public ::testing::WithParamInterface<SignatureFile> {};

TEST_P(WycheproofServiceSignature, ValidVerifyInvalidAreKmsInvalidSignature) {
  const SignatureFile& param = GetParam();
  const nlohmann::json document = load_wycheproof(param.file);
  VectorScore raw(std::string(param.file) + " [RAW]");
  VectorScore digest(std::string(param.file) + " [DIGEST]");
  const std::string algorithm = param.algorithm;

  for (const auto& group : document.at("testGroups")) {
    // What AWS can express: the algorithm's digest; for PSS, MGF1 with that digest and a
    // salt as long as the digest.
    std::string cannot_express;
    if (group.at("sha").get<std::string>() != param.sha)
      cannot_express = "group digest is not " + std::string(param.sha);
    if (group.contains("sLen")) {
      const auto salt = group.at("sLen").get<std::size_t>();
      if (group.at("mgf") != "MGF1" || group.at("mgfSha") != group.at("sha")) {
        cannot_express = "MGF other than MGF1 with the message digest";
      } else if (salt != EVP_MD_get_size(host::scheme_of(algorithm).md) + 0u) {
        cannot_express = "PSS salt length other than the digest length";
      }
    }
    std::string key;
    std::string import_error;
    if (cannot_express.empty()) {
      try {
        key = import(param.key_spec, hex_field(group, "publicKeyDer"), "SIGN_VERIFY").key_id;
      } catch (const Error& e) {
        import_error = std::string(e.name()) + ": " + e.what();
      }
    }

    for (const auto& test : group.at("tests")) {
      const int tc_id = test.at("tcId").get<int>();
      const Expected expected = expected_result(test);
      if (!cannot_express.empty()) {
        raw.skip(tc_id, cannot_express);
        digest.skip(tc_id, cannot_express);
        continue;
      }
      if (!import_error.empty()) {
        raw.fail(tc_id, "import_key failed: " + import_error);
        digest.fail(tc_id, "import_key failed: " + import_error);
        continue;
      }
      const auto msg = hex_field(test, "msg");
      const auto sig = hex_field(test, "sig");
      const auto hashed = host::digest_for(algorithm, msg);

      // Out of AWS's bounds: ValidationException, then the case is skipped with the reason.
      auto out_of_bounds = [&](VectorScore& score, std::span<const std::uint8_t> input,
                               std::optional<std::string> type, const std::string& reason) {
        auto code = verify_error(key, input, sig, algorithm, std::move(type));
        if (code == ErrorCode::kValidation) {
          score.skip(tc_id, reason);
        } else {
          score.fail(tc_id, reason + " should be ValidationException, got " +
                                (code ? std::string(error_name(*code)) : "a valid signature"));
        }
      };
      auto run = [&](VectorScore& score, std::span<const std::uint8_t> input,
                     std::optional<std::string> type, const std::string& how) {
        score.guarded(tc_id, [&] {
          auto code = verify_error(key, input, sig, algorithm, std::move(type));
          if (code && code != ErrorCode::kInvalidSignature) {
            score.fail(tc_id, how + ": Verify gave " + std::string(error_name(*code)) +
                                  ", expected success or KMSInvalidSignatureException");
            return;
          }
          score_outcome(score, test, expected, !code.has_value(), how);
        });
      };

      if (sig.empty()) {
        out_of_bounds(raw, msg.empty() ? std::span<const std::uint8_t>(hashed) : msg, std::nullopt,
                      "empty signature (Signature min length 1)");
        out_of_bounds(digest, hashed, "DIGEST", "empty signature (Signature min length 1)");
        continue;
      }
      if (sig.size() > 6144) {
        out_of_bounds(raw, msg.empty() ? std::span<const std::uint8_t>(hashed) : msg, std::nullopt,
                      "signature over 6144 bytes");
        out_of_bounds(digest, hashed, "DIGEST", "signature over 6144 bytes");
        continue;
      }
      if (msg.empty()) {
        out_of_bounds(raw, msg, std::nullopt,
                      "empty message (Message min length 1): run as DIGEST only");
      } else if (msg.size() > 4096) {
        out_of_bounds(raw, msg, std::nullopt, "message over 4096 bytes: run as DIGEST only");
      } else {
        run(raw, msg, std::nullopt, "RAW");
      }
      run(digest, hashed, "DIGEST", "DIGEST");
    }
  }

  std::cout << raw.summary() << digest.summary();
  const auto cases = document.at("numberOfTests").get<std::size_t>();
  for (const VectorScore* score : {&raw, &digest}) {
    EXPECT_EQ(score->total(), cases);
    EXPECT_EQ(score->failures(), 0u) << score->summary();
    EXPECT_GE(static_cast<double>(score->total() - score->skipped()),
              kMinRunShare * static_cast<double>(cases))
        << score->summary();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Files, WycheproofServiceSignature,
    ::testing::Values(SignatureFile{"ecdsa_secp256r1_sha256_test.json", "ECC_NIST_P256",
                                    "ECDSA_SHA_256", "SHA-256", "EcdsaP256"},
                      SignatureFile{"ecdsa_secp384r1_sha384_test.json", "ECC_NIST_P384",
                                    "ECDSA_SHA_384", "SHA-384", "EcdsaP384"},
                      SignatureFile{"ecdsa_secp521r1_sha512_test.json", "ECC_NIST_P521",
                                    "ECDSA_SHA_512", "SHA-512", "EcdsaP521"},
                      SignatureFile{"rsa_pss_2048_sha256_mgf1_32_test.json", "RSA_2048",
                                    "RSASSA_PSS_SHA_256", "SHA-256", "RsaPss2048Sha256"},
                      SignatureFile{"rsa_signature_2048_sha256_test.json", "RSA_2048",
                                    "RSASSA_PKCS1_V1_5_SHA_256", "SHA-256",
                                    "RsaPkcs1v15_2048Sha256"}),
    [](const ::testing::TestParamInfo<SignatureFile>& p) { return std::string(p.param.name); });

// --- HMAC ---------------------------------------------------------------------------------

struct MacFile {
  const char* file;
  const char* key_spec;
  const char* algorithm;  // MacAlgorithmSpec
  std::size_t tag_bits;   // the full digest: AWS's MAC is never truncated
  std::size_t min_key;    // AWS's bounds on imported HMAC key material, in bytes
  std::size_t max_key;
  const char* name;
};
void PrintTo(const MacFile& f, std::ostream* out) { *out << f.file; }

class WycheproofServiceMac : public AsymmetricTest,
                             public ::testing::WithParamInterface<MacFile> {};

TEST_P(WycheproofServiceMac, GenerateMacMatchesValidTagsAndVerifyMacRejectsInvalidOnes) {
  const MacFile& param = GetParam();
  const nlohmann::json document = load_wycheproof(param.file);
  VectorScore score(param.file);
  std::size_t runnable = 0;
  std::map<std::string, std::string> imported;  // key hex -> key id: one import per distinct key

  for (const auto& group : document.at("testGroups")) {
    const auto tag_bits = group.at("tagSize").get<std::size_t>();
    for (const auto& test : group.at("tests")) {
      const int tc_id = test.at("tcId").get<int>();
      const Expected expected = expected_result(test);
      if (tag_bits != param.tag_bits) {
        score.skip(tc_id, "truncated tag (tagSize " + std::to_string(tag_bits) +
                              "): AWS MACs are the full digest, not expressible");
        continue;
      }
      ++runnable;
      score.guarded(tc_id, [&] {
        const auto key_bytes = hex_field(test, "key");
        const auto msg = hex_field(test, "msg");
        const auto tag = hex_field(test, "tag");
        if (key_bytes.size() < param.min_key || key_bytes.size() > param.max_key) {
          const std::string reason = "key of " + std::to_string(key_bytes.size()) +
                                     " bytes outside AWS's " + std::to_string(param.min_key) +
                                     ".." + std::to_string(param.max_key) + " for " +
                                     param.key_spec;
          if (error_of([&] { import(param.key_spec, key_bytes); }) == ErrorCode::kValidation) {
            score.skip(tc_id, reason);
          } else {
            score.fail(tc_id, reason + ": import_key should be ValidationException");
          }
          return;
        }
        const std::string key_hex = test.at("key").get<std::string>();
        auto found = imported.find(key_hex);
        if (found == imported.end())
          found = imported.emplace(key_hex, import(param.key_spec, key_bytes).key_id).first;
        const std::string& key = found->second;
        if (msg.empty()) {
          const bool generate_refused =
              error_of([&] { mac(key, msg, param.algorithm); }) == ErrorCode::kValidation;
          const bool verify_refused =
              verify_mac_error(key, msg, tag, param.algorithm) == ErrorCode::kValidation;
          if (generate_refused && verify_refused) {
            score.skip(tc_id, "empty message (Message min length 1)");
          } else {
            score.fail(tc_id, "empty message should be ValidationException");
          }
          return;
        }
        // GenerateMac gives the vector's tag exactly when the case is valid.
        const auto generated = mac(key, msg, param.algorithm);
        const bool same = generated == tag;
        if (same != (expected == Expected::kValid)) {
          score.fail(tc_id, std::string("GenerateMac ") +
                                (same ? "equals an invalid tag" : "differs from the valid tag"));
          return;
        }
        auto code = verify_mac_error(key, msg, tag, param.algorithm);
        if (code && code != ErrorCode::kInvalidMac) {
          score.fail(tc_id, "VerifyMac gave " + std::string(error_name(*code)) +
                                ", expected success or KMSInvalidMacException");
          return;
        }
        score_outcome(score, test, expected, !code.has_value(), "VerifyMac");
      });
    }
  }

  std::cout << score.summary() << "  distinct keys imported: " << imported.size() << "\n";
  const auto cases = document.at("numberOfTests").get<std::size_t>();
  EXPECT_EQ(score.total(), cases);
  EXPECT_EQ(score.failures(), 0u) << score.summary();
  // Half of each file is truncated-tag groups, and empty messages are a third of the rest:
  // require that what AWS can express did run, and that it is a good number of cases.
  const std::size_t ran = score.total() - score.skipped();
  EXPECT_GE(ran, 50u) << score.summary();
  EXPECT_GE(static_cast<double>(ran), 0.55 * static_cast<double>(runnable)) << score.summary();
}

INSTANTIATE_TEST_SUITE_P(
    Files, WycheproofServiceMac,
    ::testing::Values(
        MacFile{"hmac_sha256_test.json", "HMAC_256", "HMAC_SHA_256", 256, 32, 64, "HmacSha256"},
        MacFile{"hmac_sha384_test.json", "HMAC_384", "HMAC_SHA_384", 384, 48, 128, "HmacSha384"},
        MacFile{"hmac_sha512_test.json", "HMAC_512", "HMAC_SHA_512", 512, 64, 128, "HmacSha512"}),
    [](const ::testing::TestParamInfo<MacFile>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace coffer::testing
