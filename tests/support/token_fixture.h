// A throw-away SoftHSM token and a coffer::pkcs11::Token on it for each test that derives
// from TokenTest, so that no test sees another's keys or sessions (ctest runs each case in
// its own process anyway; this keeps a binary run directly just as isolated).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "common/error.h"

#include "pkcs11/token.h"
#include "tests/support/temp_token.h"

namespace coffer {
// GoogleTest prints an ErrorCode by its AWS name.
inline void PrintTo(ErrorCode code, std::ostream* out) { *out << error_name(code); }
}  // namespace coffer

namespace coffer::testing {

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  static pkcs11::Token& token() { return *token_; }
  static TempToken& temp_token() { return *temp_token_; }
  // A CKA_ID no other call in this process has returned.
  static std::string unique_id(const std::string& prefix);

  // Sessions in the Token's pool.
  static constexpr std::size_t kPoolSessions = 4;

 private:
  static std::unique_ptr<TempToken> temp_token_;
  static std::unique_ptr<pkcs11::Token> token_;
};

}  // namespace coffer::testing
