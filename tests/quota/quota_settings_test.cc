// The quotas file: what it may say, and a clear error naming the line for anything else
// (a typo must not silently leave a quota unenforced).
#include "server/quota/quota_settings.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace coffer::server::quota {
namespace {

TEST(QuotaSettings, AwsDefaultsWithOverrides) {
  const auto s = parse_quota_settings(
      "# comment\n"
      "defaults = aws\n"
      "burst_seconds = 2.5   # trailing comment\n"
      "kms.cryptographic.symmetric = 20000\n"
      "kms.CreateKey = 0\n"
      "principal.default = 500\n"
      "principal.role/batch = 100\n"
      "key.default = 0\n"
      "key.1234abcd-12ab-34cd-56ef-1234567890ab = 200\n",
      "quotas.conf");
  EXPECT_TRUE(s.enforced);
  EXPECT_EQ(s.burst_seconds, 2.5);
  EXPECT_EQ(s.rate_of("kms.cryptographic.symmetric"), 20000);
  EXPECT_EQ(s.rate_of("kms.cryptographic.rsa"), 1000);  // AWS's default
  EXPECT_EQ(s.rate_of("kms.CreateKey"), 0);             // no limit
  EXPECT_EQ(s.rate_of("kms.DescribeKey"), 2000);
  EXPECT_EQ(s.rate_of_principal("role/batch"), 100);
  EXPECT_EQ(s.rate_of_principal("user/alice"), 500);
  EXPECT_EQ(s.rate_of_key("1234abcd-12ab-34cd-56ef-1234567890ab"), 200);
  EXPECT_EQ(s.rate_of_key("other"), 0);
}

TEST(QuotaSettings, WithoutDefaultsOnlyWhatIsNamedIsLimited) {
  const auto s = parse_quota_settings("kms.CreateKey = 1\n", "f");
  EXPECT_TRUE(s.enforced);
  EXPECT_EQ(s.rate_of("kms.CreateKey"), 1);
  EXPECT_EQ(s.rate_of("kms.cryptographic.symmetric"), 0);
  EXPECT_EQ(s.burst_seconds, 1);
  EXPECT_TRUE(parse_quota_settings("", "f").enforced);
  EXPECT_FALSE(QuotaSettings{}.enforced);
}

TEST(QuotaSettings, BadLinesAreRefusedWithTheirLineNumber) {
  struct Case {
    const char* text;
    const char* expected;  // in the message
  };
  const Case cases[] = {
      {"kms.CreatKey = 5\n", "f:1: `kms.CreatKey` is not a quota"},
      {"\n\nkms.CreateKey = -1\n", "f:3: `-1` is not a number"},
      {"kms.CreateKey = five\n", "`five` is not a number"},
      {"kms.CreateKey = 5 per second\n", "is not a number"},
      {"kms.CreateKey = nan\n", "is not a number"},
      {"kms.CreateKey = 1e999\n", "is not a number"},
      {"kms.CreateKey = 2000000000\n", "is not a number from 0 to 1000000000"},
      {"kms.CreateKey\n", "f:1: expected `NAME = VALUE`"},
      {"kms.CreateKey =\n", "expected `NAME = VALUE`"},
      {"= 5\n", "expected `NAME = VALUE`"},
      {"kms.CreateKey = 1\nkms.CreateKey = 2\n", "f:2: `kms.CreateKey` is set twice"},
      {"defaults = gcp\n", "defaults is `aws` or `none`"},
      {"burst_seconds = 0\n", "burst_seconds must be above 0"},
      {"principal. = 5\n", "is not a quota"},
      {"key. = 5\n", "is not a quota"},
  };
  for (const auto& c : cases) {
    try {
      parse_quota_settings(c.text, "f");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(c.expected), std::string::npos)
          << c.text << " -> " << e.what();
    }
  }
}

TEST(QuotaSettings, AMissingFileIsAClearError) {
  EXPECT_THROW(load_quota_settings("/nonexistent/quotas.conf"), std::invalid_argument);
}

}  // namespace
}  // namespace coffer::server::quota
