// The ThrowsError matcher itself: it passes only on the right code and message, and a
// failure says what was thrown.
#include "tests/support/error_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace coffer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void throw_not_found() { throw Error(ErrorCode::kNotFound, "no such key: k1"); }

TEST(ThrowsError, MatchesCodeAndMessage) {
  EXPECT_THAT(throw_not_found, ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([] { throw_not_found(); },
              ThrowsError(ErrorCode::kNotFound, HasSubstr("no such key")));
  EXPECT_THAT([] { throw_not_found(); }, ThrowsError(ErrorCode::kNotFound, "no such key: k1"));
  // A callable's result is discarded.
  EXPECT_THAT([]() -> int { throw Error(ErrorCode::kValidation, "bad"); },
              ThrowsError(ErrorCode::kValidation));
}

TEST(ThrowsError, RejectsWrongCodeWrongMessageAndOtherOutcomes) {
  EXPECT_THAT(throw_not_found, Not(ThrowsError(ErrorCode::kValidation)));
  EXPECT_THAT(throw_not_found, Not(ThrowsError(ErrorCode::kNotFound, HasSubstr("alias"))));
  EXPECT_THAT([] {}, Not(ThrowsError(ErrorCode::kNotFound)));
  EXPECT_THAT([] { throw std::runtime_error("x"); }, Not(ThrowsError(ErrorCode::kNotFound)));
  EXPECT_THAT([] { throw 7; }, Not(ThrowsError(ErrorCode::kNotFound)));
}

TEST(ThrowsError, FailureNamesWhatWasThrown) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(throw_not_found, ThrowsError(ErrorCode::kValidation)),
                          "threw NotFoundException \"no such key: k1\"");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(throw_not_found, ThrowsError(ErrorCode::kNotFound, HasSubstr("alias"))),
      "throws coffer::Error NotFoundException whose message has substring \"alias\"");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT([] {}, ThrowsError(ErrorCode::kNotFound)), "threw nothing");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT([] { throw std::runtime_error("boom"); }, ThrowsError(ErrorCode::kNotFound)),
      "not a coffer::Error: \"boom\"");
}

}  // namespace
}  // namespace coffer::testing
