// Wycheproof AES-GCM (aes_gcm_test.json, AES-128/192/256) through the token: every valid
// case encrypts to the vector's ciphertext and tag and decrypts back; every invalid case is
// refused as InvalidCiphertext.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "common/error.h"
#include "common/hex.h"
#include "tests/support/token_fixture.h"
#include "tests/support/wycheproof.h"

namespace coffer::testing {
namespace {

using pkcs11::Bytes;

constexpr const char* kFile = "aes_gcm_test.json";

// GCM takes IVs of any length from 1 byte; PKCS#11 v2.40 allows 1 to 256 bytes; SoftHSM 2.6.1
// runs GCM through OpenSSL 3.0, whose provider takes at most 128 bytes. A case whose IV is
// outside 1..128 bytes may be refused by the token (counted as skipped, with the reason);
// for every other case any error is a wrong answer. A wrong ciphertext is always wrong.
constexpr std::size_t kMaxIvBytes = 128;
// The file holds three valid cases with a 257-byte IV (tcIds 268, 272, 276).
constexpr std::size_t kMaxSkippedValid = 3;
// Its six invalid cases with an empty IV must be refused one way or the other.
constexpr std::size_t kMaxSkippedInvalid = 6;

struct GcmCase {
  Bytes key, iv, aad, msg, ct_and_tag;
  std::size_t tag_bytes = 16;
  bool unusual_iv = false;

  explicit GcmCase(const VectorCase& c)
      : key(hex_field(c.test, "key")),
        iv(hex_field(c.test, "iv")),
        aad(hex_field(c.test, "aad")),
        msg(hex_field(c.test, "msg")),
        ct_and_tag(hex_field(c.test, "ct")),
        tag_bytes(c.group.at("tagSize").get<std::size_t>() / 8),
        unusual_iv(iv.empty() || iv.size() > kMaxIvBytes) {
    const Bytes tag = hex_field(c.test, "tag");
    ct_and_tag.insert(ct_and_tag.end(), tag.begin(), tag.end());
  }
  std::string iv_note() const { return "a " + std::to_string(iv.size() * 8) + "-bit IV"; }
};

std::string describe(const Error& error) {
  return std::string(error.name()) + " (" + error.what() + ")";
}

class WycheproofAesGcm : public TokenTest {
 protected:
  // Imports the case's key as a session object and returns its id.
  std::string import_key(const GcmCase& g, int tc_id) {
    const std::string id = unique_id("gcm-" + std::to_string(tc_id));
    token().import_aes(id, g.key, {.lifetime = pkcs11::Lifetime::kSession});
    return id;
  }

  // An error for a case with an IV the token may refuse is a skip; any other is wrong.
  static void token_error(VectorScore& score, const GcmCase& g, int tc_id, const char* what,
                          const Error& error) {
    if (g.unusual_iv) {
      score.skip(tc_id, "IV outside 1.." + std::to_string(kMaxIvBytes) + " bytes; " + what +
                            " failed: " + describe(error));
    } else {
      score.fail(tc_id, std::string(what) + " with " + g.iv_note() + " failed: " + describe(error));
    }
  }

  static void report(const VectorScore& score, std::size_t expected_cases,
                     std::size_t max_skipped) {
    std::cout << score.summary();
    EXPECT_EQ(score.total(), expected_cases);
    EXPECT_EQ(score.failures(), 0u) << score.summary();
    EXPECT_LE(score.skipped(), max_skipped) << score.summary();
  }
};

TEST_F(WycheproofAesGcm, ValidCasesEncryptToTheVectorAndDecryptBack) {
  const nlohmann::json document = load_wycheproof(kFile);
  VectorScore score(std::string(kFile) + " (valid)");
  for_each_case(document, [&](const VectorCase& c) {
    if (c.expected != Expected::kValid) return;
    score.guarded(c.tc_id, [&] {
      const GcmCase g(c);
      const std::string id = import_key(g, c.tc_id);
      try {
        const Bytes encrypted = token().gcm_encrypt_with_iv(id, g.iv, g.aad, g.msg, g.tag_bytes);
        if (encrypted != g.ct_and_tag) {
          score.fail(
              c.tc_id,
              "encrypts to " + to_hex(encrypted) + ", expected " + to_hex(g.ct_and_tag) +
                  (g.unusual_iv ? " (the token accepted " + g.iv_note() + " and used another)"
                                : ""));
        } else {
          const SecretBytes plain = token().gcm_decrypt(id, g.iv, g.aad, g.ct_and_tag, g.tag_bytes);
          if (!std::equal(plain.span().begin(), plain.span().end(), g.msg.begin(), g.msg.end())) {
            score.fail(c.tc_id,
                       "decrypts to " + to_hex(plain.span()) + ", expected " + to_hex(g.msg));
          } else {
            score.pass(c.tc_id, c.expected);
          }
        }
      } catch (const Error& error) {
        token_error(score, g, c.tc_id, "encrypt/decrypt", error);
      }
      token().destroy(id);
    });
  });
  report(score, count_cases(document, Expected::kValid), kMaxSkippedValid);
}

TEST_F(WycheproofAesGcm, InvalidCasesAreRefusedAsInvalidCiphertext) {
  const nlohmann::json document = load_wycheproof(kFile);
  VectorScore score(std::string(kFile) + " (invalid and acceptable)");
  for_each_case(document, [&](const VectorCase& c) {
    if (c.expected == Expected::kValid) return;
    score.guarded(c.tc_id, [&] {
      const GcmCase g(c);
      const std::string id = import_key(g, c.tc_id);
      try {
        token().gcm_decrypt(id, g.iv, g.aad, g.ct_and_tag, g.tag_bytes);
        if (c.expected == Expected::kInvalid) {
          score.fail(c.tc_id, "invalid ciphertext decrypted");
        } else {
          score.acceptable(c.tc_id, true);
        }
      } catch (const Error& error) {
        if (error.code() != ErrorCode::kInvalidCiphertext) {
          token_error(score, g, c.tc_id, "decrypt", error);
        } else if (c.expected == Expected::kInvalid) {
          score.pass(c.tc_id, c.expected);
        } else {
          score.acceptable(c.tc_id, false);
        }
      }
      token().destroy(id);
    });
  });
  report(score,
         count_cases(document, Expected::kInvalid) + count_cases(document, Expected::kAcceptable),
         kMaxSkippedInvalid);
}

}  // namespace
}  // namespace coffer::testing
