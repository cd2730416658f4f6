#include "core/model/encryption_context.h"

#include <gtest/gtest.h>

#include <random>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::core {
namespace {

using coffer::testing::ThrowsError;
using ::testing::HasSubstr;

pkcs11::Bytes canonical(const EncryptionContext& c) {
  pkcs11::Bytes out;
  append_canonical(c, out);
  return out;
}

TEST(EncryptionContext, InsertionOrderDoesNotMatter) {
  std::vector<std::pair<std::string, std::string>> pairs{
      {"b", "2"}, {"a", "1"}, {"c", "3"}, {"aa", "0"}};
  std::mt19937 rng(42);
  const auto expected = canonical(EncryptionContext(pairs.begin(), pairs.end()));
  for (int i = 0; i < 20; ++i) {
    std::shuffle(pairs.begin(), pairs.end(), rng);
    EncryptionContext c;
    for (const auto& [k, v] : pairs) c.emplace(k, v);
    EXPECT_EQ(canonical(c), expected);
  }
}

TEST(EncryptionContext, EncodingIsInjective) {
  // Concatenation-ambiguous pairs must encode differently.
  EXPECT_NE(canonical({{"ab", "c"}}), canonical({{"a", "bc"}}));
  EXPECT_NE(canonical({}), canonical({{"", ""}}));
  EXPECT_NE(canonical({{"a", "1"}, {"b", "2"}}), canonical({{"a", "1b2"}}));
}

TEST(EncryptionContext, LimitsAreEnforced) {
  EXPECT_THAT(
      [] {
        validate_context({{"", "x"}}, "encryptionContext");
      },
      ThrowsError(ErrorCode::kValidation, HasSubstr("keys must not be empty")));
  EXPECT_THAT(
      [] {
        validate_context({{"k", std::string(8192, 'v')}}, "encryptionContext");
      },
      ThrowsError(ErrorCode::kValidation, HasSubstr("larger than 8192 bytes")));
  EXPECT_NO_THROW(validate_context({{"k", std::string(8191, 'v')}}, "encryptionContext"));
}

}  // namespace
}  // namespace coffer::core
