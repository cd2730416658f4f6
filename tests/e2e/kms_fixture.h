// A test with its own cofferd (plaintext loopback, unauthenticated) and a KmsClient on it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/kms_client.h"
#include "common/error.h"
#include "tests/e2e/cofferd_process.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {

class KmsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<CofferdProcess>(dir_.path() + "/state", daemon_options());
    kms_ = std::make_unique<client::KmsClient>(client_config());
  }
  void TearDown() override {
    kms_.reset();
    if (daemon_->running()) {
      EXPECT_EQ(daemon_->stop(), 0) << daemon_->log();
    }
  }

  virtual CofferdOptions daemon_options() { return {}; }
  virtual client::ClientConfig client_config() { return daemon_->client_config(); }

  std::string create_key(const std::string& description = "e2e") {
    v1::CreateKeyRequest request;
    request.set_description(description);
    return kms_->create_key(request).key_metadata().key_id();
  }

  TempDir dir_;
  std::unique_ptr<CofferdProcess> daemon_;
  std::unique_ptr<client::KmsClient> kms_;
};

}  // namespace coffer::testing
