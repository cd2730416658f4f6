// A restarted server: the client reconnects on its own and the keys are still there.
#include <thread>

#include "tests/e2e/kms_fixture.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

// The port was just released; a busy machine may need a moment before it binds again.
std::unique_ptr<CofferdProcess> restart_on(const std::string& state_dir, unsigned short port) {
  for (int attempt = 0;; ++attempt) {
    try {
      return std::make_unique<CofferdProcess>(state_dir, CofferdOptions{}, port);
    } catch (const std::runtime_error&) {
      if (attempt == 9) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

TEST_F(KmsE2eTest, ReconnectsAfterServerRestartAndKeysSurvive) {
  const std::string key = create_key("survivor");
  v1::EncryptRequest encrypt;
  encrypt.set_key_id(key);
  encrypt.set_plaintext("before the restart");
  const std::string blob = kms_->encrypt(encrypt).ciphertext_blob();

  const unsigned short port = daemon_->port();
  ASSERT_EQ(daemon_->stop(), 0) << daemon_->log();

  // Down: a call fails fast and typed, it does not hang.
  v1::DescribeKeyRequest describe;
  describe.set_key_id(key);
  EXPECT_THAT([&] { kms_->describe_key(describe); }, ThrowsError(ErrorCode::kDependencyTimeout));

  daemon_ = restart_on(dir_.path() + "/state", port);
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().description(), "survivor");
  v1::DecryptRequest decrypt;
  decrypt.set_ciphertext_blob(blob);
  EXPECT_EQ(kms_->decrypt(decrypt).plaintext(), "before the restart");
}

TEST_F(KmsE2eTest, ReconnectsWithoutAFailedCallInBetween) {
  const std::string key = create_key();
  v1::DescribeKeyRequest describe;
  describe.set_key_id(key);
  kms_->describe_key(describe);
  const unsigned short port = daemon_->port();
  ASSERT_EQ(daemon_->stop(), 0) << daemon_->log();
  daemon_ = restart_on(dir_.path() + "/state", port);
  // The old connection is dead; the next call must notice, reconnect and succeed.
  EXPECT_EQ(kms_->describe_key(describe).key_metadata().key_id(), key);
  v1::CreateKeyRequest create;
  EXPECT_FALSE(kms_->create_key(create).key_metadata().key_id().empty());
}

}  // namespace
}  // namespace coffer::testing
