// The building blocks of evaluation: `*` and `?`, ARNs matched per component, and the typed
// values of the Date, Numeric, Bool and IpAddress operators.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "core/policy/arn_pattern.h"
#include "core/policy/condition_values.h"
#include "core/policy/wildcard_match.h"

namespace coffer::core::policy {
namespace {

struct WildcardCase {
  const char* pattern;
  const char* text;
  CaseRule rule;
  bool matches;
};

void PrintTo(const WildcardCase& c, std::ostream* os) {
  *os << "'" << c.pattern << "' vs '" << c.text << "'";
}

class WildcardTest : public ::testing::TestWithParam<WildcardCase> {};

TEST_P(WildcardTest, MatchesTheWholeText) {
  const WildcardCase& c = GetParam();
  EXPECT_EQ(WildcardPattern(c.pattern, c.rule).matches(c.text), c.matches);
}

constexpr CaseRule kSensitive = CaseRule::kSensitive;
constexpr CaseRule kInsensitive = CaseRule::kInsensitive;

INSTANTIATE_TEST_SUITE_P(
    Policy, WildcardTest,
    ::testing::Values(
        WildcardCase{"*", "", kSensitive, true},
        WildcardCase{"*", "anything at all", kSensitive, true},
        WildcardCase{"", "", kSensitive, true}, WildcardCase{"", "a", kSensitive, false},
        WildcardCase{"abc", "abc", kSensitive, true},
        WildcardCase{"abc", "abcd", kSensitive, false},
        WildcardCase{"abc", "ab", kSensitive, false}, WildcardCase{"ab*", "ab", kSensitive, true},
        WildcardCase{"ab*", "a", kSensitive, false}, WildcardCase{"a*c", "abbbc", kSensitive, true},
        WildcardCase{"a*c", "ac", kSensitive, true}, WildcardCase{"a*c", "abcb", kSensitive, false},
        WildcardCase{"a?c", "abc", kSensitive, true}, WildcardCase{"a?c", "ac", kSensitive, false},
        WildcardCase{"a?c", "a*c", kSensitive, true},
        WildcardCase{"*a*b*c*", "xaybzc", kSensitive, true},
        WildcardCase{"*a*b*c*", "xaycz", kSensitive, false},
        WildcardCase{"a**b", "ab", kSensitive, true}, WildcardCase{"?*", "", kSensitive, false},
        WildcardCase{"*?", "x", kSensitive, true},
        // Backtracking without blowing up.
        WildcardCase{"a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", kSensitive,
                     false},
        WildcardCase{"kms:Encrypt", "KMS:encrypt", kSensitive, false},
        WildcardCase{"kms:Encrypt", "KMS:encrypt", kInsensitive, true},
        WildcardCase{"KMS:Re*", "kms:ReEncryptTo", kInsensitive, true},
        WildcardCase{"kms:*Key?", "kms:DescribeKeys", kInsensitive, true},
        WildcardCase{"kms:*Key?", "kms:DescribeKey", kInsensitive, false}));

TEST(WildcardMatch, FreeFunctionAgreesWithThePreparedPattern) {
  EXPECT_TRUE(wildcard_match("kms:re*", "kms:ReEncryptFrom", CaseRule::kInsensitive));
  EXPECT_FALSE(wildcard_match("kms:re*", "kms:ReEncryptFrom", CaseRule::kSensitive));
  EXPECT_TRUE(equals_ignoring_case("StringEquals", "stringequals"));
  EXPECT_FALSE(equals_ignoring_case("StringEquals", "stringequal"));
  EXPECT_EQ(to_lower_ascii("KMS:EncryptionContext:Tenant"), "kms:encryptioncontext:tenant");
}

TEST(ArnPattern, MatchesComponentByComponent) {
  const std::string key = "arn:aws:kms:us-east-1:111122223333:key/1234";
  EXPECT_TRUE(ArnPattern("*").matches(key));
  EXPECT_TRUE(ArnPattern(key).matches(key));
  EXPECT_FALSE(ArnPattern(key).matches(key + "5"));
  EXPECT_TRUE(ArnPattern("arn:aws:kms:*:111122223333:key/*").matches(key));
  EXPECT_TRUE(ArnPattern("arn:aws:kms:*:*:*").matches(key));
  EXPECT_FALSE(ArnPattern("arn:aws:kms:*:444455556666:key/*").matches(key));
  EXPECT_FALSE(ArnPattern("arn:aws:kms:*:111122223333:alias/*").matches(key));
  // A `*` in the region does not swallow the account, and a pattern with fewer than six
  // components is no ARN pattern at all.
  EXPECT_FALSE(ArnPattern("arn:aws:kms:*:key/1234").matches(key));
  EXPECT_FALSE(ArnPattern("arn:aws:*").matches(key));
  EXPECT_FALSE(ArnPattern("AppRole").matches("AppRole"));
  // The resource component keeps its own colons.
  EXPECT_TRUE(ArnPattern("arn:aws:logs:*:111122223333:log-group:*")
                  .matches("arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:x"));
  EXPECT_FALSE(ArnPattern("arn:aws:kms:*:111122223333:key/*").matches("*"));
  EXPECT_FALSE(ArnPattern("arn:aws:kms:*:111122223333:key/*").matches("not an arn"));
}

TEST(SplitArn, SixComponents) {
  const auto parts = split_arn("arn:aws:iam::111122223333:role/path/AppRole");
  ASSERT_TRUE(parts);
  EXPECT_EQ((*parts)[1], "aws");
  EXPECT_EQ((*parts)[2], "iam");
  EXPECT_EQ((*parts)[3], "");
  EXPECT_EQ((*parts)[4], "111122223333");
  EXPECT_EQ((*parts)[5], "role/path/AppRole");
  EXPECT_FALSE(split_arn("arn:aws:iam::111122223333"));
  EXPECT_FALSE(split_arn("urn:aws:iam::111122223333:root"));
}

// ---------------------------------------------------------------------------------------------
// Dates: every form below is one AWS shows in its Date examples or aws:CurrentTime/EpochTime.

struct DateCase {
  const char* text;
  std::optional<std::int64_t> millis;
};

void PrintTo(const DateCase& c, std::ostream* os) { *os << c.text; }

class DateTest : public ::testing::TestWithParam<DateCase> {};

TEST_P(DateTest, ReadsMillisecondsSinceTheEpoch) {
  EXPECT_EQ(parse_date(GetParam().text), GetParam().millis);
}

INSTANTIATE_TEST_SUITE_P(Policy, DateTest,
                         ::testing::Values(DateCase{"1970-01-01", 0}, DateCase{"0", 0},
                                           DateCase{"1714564800", 1714564800000},
                                           DateCase{"2024-05-01T12:00:00Z", 1714564800000},
                                           DateCase{"2024-05-01T12:00Z", 1714564800000},
                                           DateCase{"2024-05-01T12:00:00", 1714564800000},
                                           DateCase{"2024-05-01T12:00:00.5Z", 1714564800500},
                                           DateCase{"2024-05-01T12:00:00.123456Z", 1714564800123},
                                           DateCase{"2024-05-01T14:00:00+02:00", 1714564800000},
                                           DateCase{"2024-05-01T07:30:00-0430", 1714564800000},
                                           DateCase{"2024-02-29", 1709164800000},
                                           DateCase{"2023-02-29", std::nullopt},
                                           DateCase{"2024-13-01", std::nullopt},
                                           DateCase{"2024-05-01T24:00:00Z", std::nullopt},
                                           DateCase{"2024-05-01 12:00:00", std::nullopt},
                                           DateCase{"2024-05-01T12:00:00.Z", std::nullopt},
                                           DateCase{"2024-05-01T12:00:00Zjunk", std::nullopt},
                                           DateCase{"", std::nullopt},
                                           DateCase{"yesterday", std::nullopt},
                                           DateCase{"-5", std::nullopt}));

TEST(NumberAndBool, ReadAsAwsWritesThem) {
  EXPECT_EQ(parse_number("42"), 42.0);
  EXPECT_EQ(parse_number("-1.5"), -1.5);
  EXPECT_EQ(parse_number("7.0"), 7.0);
  EXPECT_EQ(parse_number(""), std::nullopt);
  EXPECT_EQ(parse_number("7 days"), std::nullopt);
  EXPECT_EQ(parse_number("inf"), std::nullopt);
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_EQ(parse_bool("1"), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// IP ranges, IPv4 and IPv6.

struct IpCase {
  const char* range;
  const char* address;
  bool contains;
};

void PrintTo(const IpCase& c, std::ostream* os) { *os << c.address << " in " << c.range; }

class IpRangeTest : public ::testing::TestWithParam<IpCase> {};

TEST_P(IpRangeTest, ContainsTheAddressesOfItsPrefix) {
  const auto range = IpRange::parse(GetParam().range);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->contains(GetParam().address), GetParam().contains);
}

INSTANTIATE_TEST_SUITE_P(
    Policy, IpRangeTest,
    ::testing::Values(
        IpCase{"203.0.113.0/24", "203.0.113.0", true},
        IpCase{"203.0.113.0/24", "203.0.113.255", true},
        IpCase{"203.0.113.0/24", "203.0.112.255", false},
        IpCase{"203.0.113.9/24", "203.0.113.200", true},  // host bits ignored
        IpCase{"10.0.0.0/8", "10.255.255.255", true}, IpCase{"10.0.0.0/8", "11.0.0.0", false},
        IpCase{"0.0.0.0/0", "198.51.100.1", true}, IpCase{"192.168.0.0/23", "192.168.1.1", true},
        IpCase{"192.168.0.0/23", "192.168.2.1", false}, IpCase{"192.0.2.1", "192.0.2.1", true},
        IpCase{"192.0.2.1", "192.0.2.2", false}, IpCase{"192.0.2.1/32", "192.0.2.1", true},
        IpCase{"2001:db8::/32", "2001:db8:ffff::1", true},
        IpCase{"2001:db8::/32", "2001:db9::", false}, IpCase{"2001:db8::/127", "2001:db8::1", true},
        IpCase{"2001:db8::/127", "2001:db8::2", false}, IpCase{"::/0", "2001:db8::1", true},
        IpCase{"::/0", "192.0.2.1", false}, IpCase{"0.0.0.0/0", "::1", false},
        IpCase{"10.0.0.0/8", "10.0.0", false}, IpCase{"10.0.0.0/8", "", false}));

TEST(IpRange, RefusesWhatIsNotACidrRange) {
  EXPECT_FALSE(IpRange::parse("10.0.0.0/33"));
  EXPECT_FALSE(IpRange::parse("2001:db8::/129"));
  EXPECT_FALSE(IpRange::parse("10.0.0.0/"));
  EXPECT_FALSE(IpRange::parse("10.0.0.0/-1"));
  EXPECT_FALSE(IpRange::parse("10.0.0.0/8x"));
  EXPECT_FALSE(IpRange::parse("256.0.0.0/8"));
  EXPECT_FALSE(IpRange::parse("example.com"));
  EXPECT_FALSE(IpRange::parse(""));
}

}  // namespace
}  // namespace coffer::core::policy
