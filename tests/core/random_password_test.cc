#include "core/secrets/random_password.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::core {
namespace {

using coffer::testing::ThrowsError;
using ::testing::HasSubstr;

constexpr std::string_view kUppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kLowercase = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kDigits = "0123456789";
// GetRandomPassword's documented punctuation, one mark at a time as the API reference lists it.
constexpr std::string_view kPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

std::string draw(const RandomPasswordRequest& request) {
  SecretBytes bytes = random_password(request);
  return std::string(bytes.data(), bytes.data() + bytes.size());
}

bool contains_any(std::string_view text, std::string_view characters) {
  return text.find_first_of(characters) != std::string_view::npos;
}

bool only_from(std::string_view text, std::string_view allowed) {
  return text.find_first_not_of(allowed) == std::string_view::npos;
}

RandomPasswordRequest of_length(std::int64_t length) {
  RandomPasswordRequest request;
  request.password_length = length;
  return request;
}

TEST(RandomPassword, PunctuationIsTheDocumentedThirtyTwoMarks) {
  EXPECT_EQ(kPunctuation.size(), 32u);
  for (char c = 0x21; c < 0x7f; ++c) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    EXPECT_EQ(kPunctuation.find(c) != std::string_view::npos, !alnum) << c;
  }
}

TEST(RandomPassword, DefaultsToThirtyTwoCharactersOfEveryType) {
  const std::string all = std::string(kUppercase) + std::string(kLowercase) + std::string(kDigits) +
                          std::string(kPunctuation);
  for (int i = 0; i < 200; ++i) {
    std::string password = draw({});
    ASSERT_EQ(password.size(), 32u);
    EXPECT_TRUE(only_from(password, all)) << password;
    EXPECT_TRUE(contains_any(password, kUppercase)) << password;
    EXPECT_TRUE(contains_any(password, kLowercase)) << password;
    EXPECT_TRUE(contains_any(password, kDigits)) << password;
    EXPECT_TRUE(contains_any(password, kPunctuation)) << password;
    EXPECT_FALSE(contains_any(password, " ")) << password;
  }
}

TEST(RandomPassword, HonoursEveryLengthInRange) {
  for (std::int64_t length : {4, 5, 31, 32, 33, 100, 1000, 4096}) {
    std::string password = draw(of_length(length));
    EXPECT_EQ(password.size(), static_cast<std::size_t>(length));
    EXPECT_TRUE(contains_any(password, kUppercase) && contains_any(password, kLowercase) &&
                contains_any(password, kDigits) && contains_any(password, kPunctuation))
        << length;
  }
  RandomPasswordRequest one = of_length(1);
  one.require_each_included_type = false;
  EXPECT_EQ(draw(one).size(), 1u);
}

TEST(RandomPassword, LengthOutsideTheModelIsAValidationError) {
  for (std::int64_t length :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{4097}, std::int64_t{1} << 40}) {
    EXPECT_THAT([&] { random_password(of_length(length)); },
                ThrowsError(ErrorCode::kValidation, HasSubstr("at 'passwordLength'")))
        << length;
  }
  EXPECT_THAT([] { random_password(of_length(0)); },
              ThrowsError(ErrorCode::kValidation,
                          "1 validation error detected: Value '0' at 'passwordLength' failed to "
                          "satisfy constraint: Member must have value greater than or equal to 1"));
}

// Every combination of the four Exclude* switches, with and without RequireEachIncludedType.
TEST(RandomPassword, ClassSwitchesSelectExactlyTheIncludedClasses) {
  const std::array<std::string_view, 4> classes = {kUppercase, kLowercase, kDigits, kPunctuation};
  for (int mask = 0; mask < 16; ++mask) {
    for (bool require_each : {true, false}) {
      RandomPasswordRequest request = of_length(64);
      request.exclude_uppercase = mask & 1;
      request.exclude_lowercase = mask & 2;
      request.exclude_numbers = mask & 4;
      request.exclude_punctuation = mask & 8;
      request.require_each_included_type = require_each;
      if (mask == 15) {
        EXPECT_THAT([&] { random_password(request); },
                    ThrowsError(ErrorCode::kInvalidParameter,
                                "All characters have been excluded from selection."));
        continue;
      }
      std::string allowed;
      for (int c = 0; c < 4; ++c)
        if (!(mask & (1 << c))) allowed += classes[c];
      for (int i = 0; i < 20; ++i) {
        std::string password = draw(request);
        ASSERT_EQ(password.size(), 64u);
        EXPECT_TRUE(only_from(password, allowed)) << "mask " << mask << ": " << password;
        if (!require_each) continue;
        for (int c = 0; c < 4; ++c) {
          if (mask & (1 << c)) continue;
          EXPECT_TRUE(contains_any(password, classes[c])) << "mask " << mask << ": " << password;
        }
      }
    }
  }
}

TEST(RandomPassword, ExcludeCharactersNeverAppear) {
  RandomPasswordRequest request = of_length(4096);
  request.exclude_characters = "abcXYZ019!\"'\\`~ ";
  request.include_space = true;  // and the space itself is excluded
  for (int i = 0; i < 10; ++i) {
    std::string password = draw(request);
    EXPECT_FALSE(contains_any(password, request.exclude_characters));
    EXPECT_TRUE(contains_any(password, kDigits));  // 2-8 remain
  }
}

TEST(RandomPassword, ExcludeCharactersMayLeaveASingleCharacter) {
  RandomPasswordRequest request = of_length(12);
  request.exclude_uppercase = request.exclude_lowercase = request.exclude_numbers = true;
  request.exclude_characters = std::string(kPunctuation.substr(1));  // all but '!'
  EXPECT_EQ(draw(request), std::string(12, '!'));
}

TEST(RandomPassword, RefusesWhatNoPasswordCanSatisfy) {
  // A required class emptied by ExcludeCharacters (switching it off is the way to drop it).
  RandomPasswordRequest no_digits = of_length(32);
  no_digits.exclude_characters = std::string(kDigits);
  EXPECT_THAT([&] { random_password(no_digits); },
              ThrowsError(ErrorCode::kInvalidParameter,
                          "All characters of the desired type have been excluded."));
  // Not required: the class simply contributes nothing.
  no_digits.require_each_included_type = false;
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(contains_any(draw(no_digits), kDigits));
  no_digits.require_each_included_type = true;
  no_digits.exclude_numbers = true;
  EXPECT_NO_THROW(random_password(no_digits));

  // Nothing left at all.
  RandomPasswordRequest nothing = of_length(32);
  nothing.require_each_included_type = false;
  nothing.exclude_characters = std::string(kUppercase) + std::string(kLowercase) +
                               std::string(kDigits) + std::string(kPunctuation);
  EXPECT_THAT([&] { random_password(nothing); },
              ThrowsError(ErrorCode::kInvalidParameter,
                          "All characters have been excluded from selection."));

  // Fewer characters than required classes.
  for (std::int64_t length : {1, 2, 3}) {
    EXPECT_THAT([&] { random_password(of_length(length)); },
                ThrowsError(ErrorCode::kInvalidParameter,
                            "Password length is too short based on the required types."))
        << length;
  }
  RandomPasswordRequest two_classes = of_length(2);
  two_classes.exclude_numbers = two_classes.exclude_punctuation = true;
  for (int i = 0; i < 50; ++i) {
    std::string password = draw(two_classes);
    EXPECT_TRUE(contains_any(password, kUppercase) && contains_any(password, kLowercase))
        << password;
  }
  two_classes.password_length = 1;
  EXPECT_THAT([&] { random_password(two_classes); },
              ThrowsError(ErrorCode::kInvalidParameter, HasSubstr("too short")));
}

TEST(RandomPassword, SpaceIsAdmittedNeverRequired) {
  // Length 4 with four required classes leaves no room: a space would displace one of them.
  RandomPasswordRequest tight = of_length(4);
  tight.include_space = true;
  for (int i = 0; i < 500; ++i) EXPECT_FALSE(contains_any(draw(tight), " "));

  RandomPasswordRequest roomy = of_length(4096);
  roomy.include_space = true;
  EXPECT_TRUE(contains_any(draw(roomy), " "));

  // With every class switched off, the space alone is still a pool.
  RandomPasswordRequest spaces = of_length(5);
  spaces.include_space = true;
  spaces.exclude_uppercase = spaces.exclude_lowercase = spaces.exclude_numbers =
      spaces.exclude_punctuation = true;
  EXPECT_EQ(draw(spaces), "     ");
}

// Statistical sanity. Bounds are ~7 standard deviations wide: a correct generator essentially
// never fails them, a biased or broken one (a stuck class, a modulo skew of this size, the
// required characters always first) does.

TEST(RandomPassword, EveryAllowedCharacterAppearsAndNothingElse) {
  RandomPasswordRequest request;  // defaults: 32 characters of every type
  std::set<char> seen;
  for (int i = 0; i < 500; ++i)
    for (char c : draw(request)) seen.insert(c);
  std::string all = std::string(kUppercase) + std::string(kLowercase) + std::string(kDigits) +
                    std::string(kPunctuation);
  EXPECT_EQ(seen, std::set<char>(all.begin(), all.end()));
}

TEST(RandomPassword, CharactersAreUniformWhenNothingIsRequired) {
  RandomPasswordRequest request = of_length(4096);
  request.require_each_included_type = false;
  request.include_space = true;
  std::map<char, int> counts;
  constexpr int kDraws = 30;
  for (int i = 0; i < kDraws; ++i)
    for (char c : draw(request)) ++counts[c];
  ASSERT_EQ(counts.size(), 95u);                   // 94 printable characters and the space
  const double expected = kDraws * 4096.0 / 95.0;  // ~1293, standard deviation ~36
  for (auto [c, n] : counts) {
    EXPECT_GT(n, expected * 0.8) << "'" << c << "'";
    EXPECT_LT(n, expected * 1.2) << "'" << c << "'";
  }
}

TEST(RandomPassword, RequiredCharactersLandInEveryPosition) {
  // Four characters, four required classes: one of each, in an order the shuffle chose.
  const std::array<std::string_view, 4> classes = {kUppercase, kLowercase, kDigits, kPunctuation};
  std::array<std::array<int, 4>, 4> class_at_position{};
  constexpr int kDraws = 4000;
  for (int i = 0; i < kDraws; ++i) {
    std::string password = draw(of_length(4));
    for (int position = 0; position < 4; ++position) {
      for (int c = 0; c < 4; ++c)
        if (classes[c].find(password[position]) != std::string_view::npos)
          ++class_at_position[position][c];
    }
  }
  for (int position = 0; position < 4; ++position) {
    for (int c = 0; c < 4; ++c) {
      // Expected 1000, standard deviation ~27.
      EXPECT_GT(class_at_position[position][c], 800) << position << "," << c;
      EXPECT_LT(class_at_position[position][c], 1200) << position << "," << c;
    }
  }
}

TEST(RandomPassword, PasswordsDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) EXPECT_TRUE(seen.insert(draw({})).second);
}

}  // namespace
}  // namespace coffer::core
