#include "common/hex.h"

#include <gtest/gtest.h>

namespace coffer {
namespace {

TEST(Hex, RoundTrip) {
  std::vector<std::uint8_t> bytes{0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(to_hex(bytes), "007f80ff");
  EXPECT_EQ(from_hex("007F80ff"), bytes);
}

TEST(Hex, RejectsOddAndNonHex) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

TEST(Base64, RoundTripsEveryLengthMod3) {
  for (std::size_t n = 0; n < 8; ++n) {
    std::vector<std::uint8_t> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(0xf0 + i);
    auto text = to_base64(bytes);
    EXPECT_EQ(from_base64(text), bytes) << text;
  }
  EXPECT_EQ(to_base64(as_bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(to_base64(as_bytes("fo")), "Zm8=");
}

TEST(Base64, RejectsMalformed) {
  EXPECT_FALSE(from_base64("Zm9").has_value());       // not a multiple of 4
  EXPECT_FALSE(from_base64("Zm=v").has_value());      // padding in the middle
  EXPECT_FALSE(from_base64("Zm9v!A==").has_value());  // bad character
  EXPECT_FALSE(from_base64("Z===").has_value());      // too much padding
}

}  // namespace
}  // namespace coffer
