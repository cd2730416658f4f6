#include "tests/support/token_fixture.h"

#include <atomic>

namespace coffer::testing {

std::unique_ptr<TempToken> TokenTest::temp_token_;
std::unique_ptr<pkcs11::Token> TokenTest::token_;

void TokenTest::SetUp() {
  temp_token_ = std::make_unique<TempToken>();
  token_ = std::make_unique<pkcs11::Token>(temp_token_->config(kPoolSessions));
}

void TokenTest::TearDown() {
  // The Token finalises the module before its token directory goes away.
  token_.reset();
  temp_token_.reset();
}

std::string TokenTest::unique_id(const std::string& prefix) {
  static std::atomic<unsigned> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace coffer::testing
