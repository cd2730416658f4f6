// gMock matchers for coffer::Error, in the spirit of Tink's StatusIs: they see the code and
// the message, where EXPECT_THROW(x, coffer::Error) sees only the type.
//
//   EXPECT_THAT([&] { kms.encrypt(request); }, ThrowsError(ErrorCode::kNotFound));
//   EXPECT_THAT([&] { parse(text); }, ThrowsError(ErrorCode::kValidation, HasSubstr("keySpec")));
//
// The argument is a callable taking no arguments; its result, if any, is discarded. On a
// mismatch the failure names the code and message actually thrown (or that nothing was).
#pragma once

#include <gmock/gmock.h>

#include <exception>
#include <string>
#include <utility>

#include "common/error.h"

namespace coffer::testing {

class ThrowsErrorMatcher {
 public:
  ThrowsErrorMatcher(ErrorCode code, ::testing::Matcher<const std::string&> message)
      : code_(code), message_(std::move(message)) {}

  template <class F>
  bool MatchAndExplain(const F& f, ::testing::MatchResultListener* listener) const {
    try {
      static_cast<void>(f());
    } catch (const Error& e) {
      const std::string what = e.what();
      *listener << "threw " << e.name() << " \"" << what << "\"";
      if (e.code() != code_) return false;
      ::testing::StringMatchResultListener inner;
      if (message_.MatchAndExplain(what, &inner)) return true;
      if (!inner.str().empty()) *listener << ", whose message " << inner.str();
      return false;
    } catch (const std::exception& e) {
      *listener << "threw a std::exception that is not a coffer::Error: \"" << e.what() << "\"";
      return false;
    } catch (...) {
      *listener << "threw something that is not a std::exception";
      return false;
    }
    *listener << "threw nothing";
    return false;
  }

  void DescribeTo(std::ostream* os) const {
    *os << "throws coffer::Error " << error_name(code_) << " whose message ";
    message_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not throw coffer::Error " << error_name(code_) << " whose message ";
    message_.DescribeTo(os);
  }

 private:
  ErrorCode code_;
  ::testing::Matcher<const std::string&> message_;
};

// Matches a callable that throws coffer::Error with `code` and a message matching `message`
// (any gMock string matcher, or a string for equality).
inline ::testing::PolymorphicMatcher<ThrowsErrorMatcher> ThrowsError(
    ErrorCode code, ::testing::Matcher<const std::string&> message = ::testing::_) {
  return ::testing::MakePolymorphicMatcher(ThrowsErrorMatcher(code, std::move(message)));
}

}  // namespace coffer::testing
