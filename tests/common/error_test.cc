#include "common/error.h"

#include <gtest/gtest.h>

namespace coffer {
namespace {

TEST(Error, CarriesAwsNameAndStatus) {
  Error e(ErrorCode::kNotFound, "no such key");
  EXPECT_EQ(e.name(), "NotFoundException");
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_STREQ(e.what(), "no such key");
  EXPECT_FALSE(e.from_token());
  EXPECT_EQ(Error(ErrorCode::kInternal, "x").http_status(), 500);
  EXPECT_EQ(Error(ErrorCode::kDependencyTimeout, "x").name(), "DependencyTimeoutException");
}

TEST(Error, TokenErrorsKeepOperationAndCkr) {
  Error e(ErrorCode::kKeyUnavailable, "C_Encrypt failed", "C_Encrypt", 0x30);
  EXPECT_TRUE(e.from_token());
  EXPECT_EQ(e.operation(), "C_Encrypt");
  EXPECT_EQ(e.ckr(), 0x30u);
}

}  // namespace
}  // namespace coffer

namespace coffer {
namespace {

TEST(Error, NamesMapBackToCodes) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    auto code = static_cast<ErrorCode>(i);
    EXPECT_EQ(error_code_named(error_name(code)), code) << error_name(code);
  }
  EXPECT_FALSE(error_code_named("NoSuchThingException").has_value());
}

}  // namespace
}  // namespace coffer
