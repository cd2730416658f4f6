// The stream body is C2SP chunked encryption; with 16 KiB segments and the Wycheproof
// vector's own context it is exactly Cobblestone-256. Every vector of
// c2sp_chunked_encryption_aes_256_gcm_test.json must give its expected result through
// the same code the streams use: derive_chunked_keys, check_commitment, BodyDecryptor
// (streaming, with the partial-plaintext rules), open_segments (parallel), and, for valid
// vectors, re-encryption with the vector's salt that must reproduce `ct` exactly.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <zlib.h>

#include "common/error.h"
#include "common/hex.h"
#include "core/envelope/body_decryptor.h"
#include "core/envelope/parallel_body.h"
#include "tests/support/error_matchers.h"
#include "tests/support/wycheproof.h"

namespace coffer::testing {
namespace {

using namespace core::envelope;

constexpr std::size_t kChunk = 16384;
constexpr std::size_t kPrefix = kSaltSize + kCommitmentSize;  // 56

std::vector<std::uint8_t> inflate_all(const std::vector<std::uint8_t>& compressed) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw std::runtime_error("inflateInit");
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> buffer(1 << 20);
  z.next_in = const_cast<std::uint8_t*>(compressed.data());
  z.avail_in = static_cast<uInt>(compressed.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = buffer.data();
    z.avail_out = static_cast<uInt>(buffer.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw std::runtime_error("bad zlib data");
    }
    out.insert(out.end(), buffer.data(), z.next_out);
  }
  inflateEnd(&z);
  return out;
}

std::string sha512_hex(std::span<const std::uint8_t> bytes) {
  std::uint8_t digest[SHA512_DIGEST_LENGTH];
  SHA512(bytes.data(), bytes.size(), digest);
  return to_hex(digest);
}

struct Outcome {
  bool ok = false;
  std::vector<std::uint8_t> released;  // plaintext handed out before the end or failure
};

// Streaming decryption of a whole Cobblestone-256 ciphertext, fed in odd-sized pieces.
Outcome decrypt_streaming(std::span<const std::uint8_t> key, std::span<const std::uint8_t> ctx,
                          std::span<const std::uint8_t> ct) {
  Outcome outcome;
  try {
    if (ct.size() < kPrefix) throw Error(ErrorCode::kInvalidCiphertext, "short");
    auto keys = derive_chunked_keys(key, ct.first(kSaltSize), ctx);
    check_commitment(keys, ct.subspan(kSaltSize, kCommitmentSize));
    BodyDecryptor body(std::make_shared<SegmentCipher>(keys, kChunk));
    auto sink = [&](std::span<const std::uint8_t> b) {
      outcome.released.insert(outcome.released.end(), b.begin(), b.end());
    };
    auto rest = ct.subspan(kPrefix);
    for (std::size_t at = 0; at < rest.size(); at += 10007)
      body.update(rest.subspan(at, std::min<std::size_t>(10007, rest.size() - at)), sink);
    body.finish(sink);
    outcome.ok = true;
  } catch (const Error&) {
  }
  return outcome;
}

// The whole-buffer (parallel) path.
bool decrypt_parallel(std::span<const std::uint8_t> key, std::span<const std::uint8_t> ctx,
                      std::span<const std::uint8_t> ct, std::vector<std::uint8_t>& out) {
  try {
    if (ct.size() < kPrefix) return false;
    auto keys = derive_chunked_keys(key, ct.first(kSaltSize), ctx);
    check_commitment(keys, ct.subspan(kSaltSize, kCommitmentSize));
    SegmentCipher cipher(keys, kChunk);
    auto body = ct.subspan(kPrefix);
    out.resize(plaintext_size_of_segments(body.size(), kChunk, true));
    WorkerPool pool(2);
    open_segments(cipher, pool, 0, body, true, out);
    return true;
  } catch (const Error&) {
    return false;
  }
}

TEST(WycheproofChunkedTest, Cobblestone256) {
  auto doc = load_wycheproof("c2sp_chunked_encryption_aes_256_gcm_test.json");
  ASSERT_EQ(doc["algorithm"], "Cobblestone-256");
  VectorScore score("c2sp_chunked_encryption_aes_256_gcm_test.json");
  for_each_case(doc, [&](const VectorCase& c) {
    score.guarded(c.tc_id, [&] {
      ASSERT_EQ(c.group["aead"], "AEAD_AES_256_GCM");
      const auto key = hex_field(c.test, "key");
      if (key.size() != kDataKeySize) {  // InvalidKeySize: refused before anything else
        EXPECT_THAT([&] { derive_chunked_keys(key, std::vector<std::uint8_t>(kSaltSize), {}); },
                    ThrowsError(ErrorCode::kValidation, ::testing::HasSubstr("32 bytes")));
        return score.pass(c.tc_id, c.expected);
      }
      const auto ctx = hex_field(c.test, "ctx");
      const auto ct = inflate_all(hex_field(c.test, "ct"));
      const std::size_t msg_length = c.test.value("msgLength", std::size_t{0});
      const std::string msg_sha = c.test.value("msgSha512", std::string());
      auto streamed = decrypt_streaming(key, ctx, ct);
      std::vector<std::uint8_t> whole;
      const bool parallel_ok = decrypt_parallel(key, ctx, ct, whole);
      if (c.expected == Expected::kValid) {
        if (!streamed.ok || !parallel_ok) return score.fail(c.tc_id, "valid vector rejected");
        if (streamed.released.size() != msg_length || sha512_hex(streamed.released) != msg_sha ||
            whole != streamed.released)
          return score.fail(c.tc_id, "wrong plaintext");
        // Known answer: the same salt re-encrypts to the same bytes.
        auto keys = derive_chunked_keys(key, std::span(ct).first(kSaltSize), ctx);
        SegmentCipher cipher(keys, kChunk);
        WorkerPool pool(2);
        std::vector<std::uint8_t> again(ct.begin(), ct.begin() + kPrefix);
        again.resize(kPrefix + sealed_body_size(whole.size(), kChunk));
        seal_segments(cipher, pool, 0, whole, true, std::span(again).subspan(kPrefix));
        if (again != ct) return score.fail(c.tc_id, "re-encryption differs");
        return score.pass(c.tc_id, c.expected);
      }
      if (streamed.ok || parallel_ok) return score.fail(c.tc_id, "invalid vector accepted");
      // A streaming decryptor may release the valid prefix, never more.
      const auto& flags = c.test["flags"];
      const bool partial = std::find(flags.begin(), flags.end(), "PartialPlaintext") != flags.end();
      if (!partial && !streamed.released.empty()) return score.fail(c.tc_id, "released plaintext");
      if (streamed.released.size() > msg_length)
        return score.fail(c.tc_id, "released past the valid prefix");
      if (partial && streamed.released.size() == msg_length &&
          sha512_hex(streamed.released) != msg_sha)
        return score.fail(c.tc_id, "released prefix differs");
      score.pass(c.tc_id, c.expected);
    });
  });
  EXPECT_EQ(score.failures(), 0u) << score.summary();
  EXPECT_EQ(score.total(), doc["numberOfTests"].get<std::size_t>());
  EXPECT_EQ(score.skipped(), 0u);
}

TEST(WycheproofChunkedTest, RawModeWithTheVectorsKeyAndNonce) {
  auto doc = load_wycheproof("c2sp_chunked_encryption_aes_256_gcm_test.json");
  int checked = 0;
  for_each_case(doc, [&](const VectorCase& c) {
    if (c.expected != Expected::kValid) return;
    ChunkedKeys keys;
    keys.key = SecretBytes(hex_field(c.test, "aeadKey"));
    auto nonce = hex_field(c.test, "baseNonce");
    std::copy(nonce.begin(), nonce.end(), keys.base_nonce.begin());
    auto ct = inflate_all(hex_field(c.test, "ct"));
    auto derived = derive_chunked_keys(hex_field(c.test, "key"), std::span(ct).first(kSaltSize),
                                       hex_field(c.test, "ctx"));
    EXPECT_EQ(derived.key, keys.key) << c.tc_id;
    EXPECT_EQ(derived.base_nonce, keys.base_nonce) << c.tc_id;
    ++checked;
  });
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace coffer::testing
