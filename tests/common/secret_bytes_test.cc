#include "common/secret_bytes.h"

#include <gtest/gtest.h>

#include <array>

namespace coffer {
namespace {

TEST(SecretBytes, ShrinkKeepsPrefixAndWipesTail) {
  SecretBytes s(std::array<std::uint8_t, 4>{1, 2, 3, 4});
  const std::uint8_t* storage = s.data();
  s.resize(2);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], 1);
  EXPECT_EQ(s[1], 2);
  // Shrinking keeps the allocation; the dropped bytes must be zero.
  EXPECT_EQ(storage[2], 0);
  EXPECT_EQ(storage[3], 0);
}

TEST(SecretBytes, GrowKeepsContents) {
  SecretBytes s(std::array<std::uint8_t, 2>{7, 8});
  s.resize(5);
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0], 7);
  EXPECT_EQ(s[1], 8);
  EXPECT_EQ(s[4], 0);
}

TEST(SecretBytes, EqualityComparesContents) {
  SecretBytes a(std::array<std::uint8_t, 3>{1, 2, 3});
  SecretBytes b(std::array<std::uint8_t, 3>{1, 2, 3});
  SecretBytes c(std::array<std::uint8_t, 3>{1, 2, 4});
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
  EXPECT_FALSE(a == SecretBytes(std::array<std::uint8_t, 2>{1, 2}));
}

TEST(ConstantTimeEqual, LengthsAndContents) {
  std::array<std::uint8_t, 3> x{1, 2, 3}, y{1, 2, 3}, z{0, 2, 3};
  EXPECT_TRUE(constant_time_equal(x, y));
  EXPECT_FALSE(constant_time_equal(x, z));
  EXPECT_FALSE(constant_time_equal(x, std::span<const std::uint8_t>(y).first(2)));
  EXPECT_TRUE(constant_time_equal({}, {}));
}

}  // namespace
}  // namespace coffer
