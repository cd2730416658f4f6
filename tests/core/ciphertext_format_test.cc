#include "core/format/ciphertext_format.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::core {
namespace {

using coffer::testing::ThrowsError;

const std::string kKeyId = "2f6b3c1e-8a4d-4e7b-9c0a-5d1e2f3a4b5c";

Bytes sample_blob() {
  Bytes header = encode_header({kKeyId, 7});
  Bytes iv(12, 0xaa), sealed(20, 0xbb);
  return assemble_blob(header, iv, sealed);
}

TEST(CiphertextFormat, HeaderLayoutIsAsDocumented) {
  Bytes header = encode_header({kKeyId, 0x01020304});
  ASSERT_EQ(header.size(), 3u + 1 + 1 + kKeyId.size() + 4);
  EXPECT_EQ(std::string(header.begin(), header.begin() + 3), "CFR");
  EXPECT_EQ(header[3], 0x01);
  EXPECT_EQ(header[4], kKeyId.size());
  EXPECT_EQ(std::string(header.begin() + 5, header.begin() + 5 + 36), kKeyId);
  EXPECT_EQ(header[41], 0x01);
  EXPECT_EQ(header[44], 0x04);
}

TEST(CiphertextFormat, ParsesWhatItAssembles) {
  Bytes blob = sample_blob();
  ParsedCiphertext parsed = parse_blob(blob);
  EXPECT_EQ(parsed.header.key_id, kKeyId);
  EXPECT_EQ(parsed.header.key_version, 7u);
  EXPECT_EQ(parsed.header_bytes.size(), 45u);
  EXPECT_EQ(parsed.iv.size(), 12u);
  EXPECT_EQ(parsed.iv[0], 0xaa);
  EXPECT_EQ(parsed.sealed.size(), 20u);
}

TEST(CiphertextFormat, RejectsEveryTruncation) {
  Bytes blob = sample_blob();
  // Anything shorter than header + IV + tag cannot be a ciphertext.
  for (std::size_t n = 0; n < 45 + 12 + 16; ++n) {
    std::span<const std::uint8_t> prefix(blob.data(), n);
    EXPECT_THAT([&] { (void)parse_blob(prefix); }, ThrowsError(ErrorCode::kInvalidCiphertext))
        << n << "-byte prefix";
  }
}

TEST(CiphertextFormat, RejectsBadMagicVersionAndKeyId) {
  for (std::size_t index : {0u, 1u, 2u, 3u}) {
    Bytes blob = sample_blob();
    blob[index] ^= 0x40;
    EXPECT_THAT([&] { (void)parse_blob(blob); }, ThrowsError(ErrorCode::kInvalidCiphertext))
        << index;
  }
  Bytes zero_length = sample_blob();
  zero_length[4] = 0;
  EXPECT_THAT([&] { (void)parse_blob(zero_length); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  Bytes long_length = sample_blob();
  long_length[4] = 255;  // runs past the end: must not read out of bounds
  EXPECT_THAT([&] { (void)parse_blob(long_length); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  Bytes bad_char = sample_blob();
  bad_char[6] = '/';
  EXPECT_THAT([&] { (void)parse_blob(bad_char); }, ThrowsError(ErrorCode::kInvalidCiphertext));
  Bytes oversize(kMaxCiphertextBlob + 1, 0);
  EXPECT_THAT([&] { (void)parse_blob(oversize); }, ThrowsError(ErrorCode::kInvalidCiphertext));
}

}  // namespace
}  // namespace coffer::core
