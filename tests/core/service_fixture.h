// A KmsService over a throw-away token, a fresh SQLite store and a manual clock.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "common/error.h"
#include "common/hex.h"
#include "core/model/key_reference.h"
#include "core/service/kms_service.h"
#include "core/store/sqlite_store.h"
#include "tests/support/error_matchers.h"
#include "tests/support/temp_token.h"

namespace coffer::testing {

// 2026-01-01T00:00:00Z
inline core::Timestamp test_epoch() { return core::from_millis(1767225600000); }

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_ = std::make_unique<pkcs11::Token>(temp_.config(4));
    db_path_ = temp_.dir() + "/coffer.db";
    open_service();
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    token_.reset();
  }

  // Drops and re-creates store and service on the same files: a restart.
  void open_service(core::KmsConfig config = {}) {
    service_.reset();
    store_.reset();
    store_ = std::make_unique<core::SqliteStore>(db_path_);
    service_ = std::make_unique<core::KmsService>(*token_, *store_, clock_, std::move(config));
  }

  std::string create_symmetric_key(const std::string& description = "") {
    core::CreateKeyRequest request;
    request.description = description;
    return service_->create_key(request).key_id;
  }

  core::Bytes encrypt(const std::string& key, std::string_view text,
                      core::EncryptionContext context = {}) {
    return service_->encrypt({key, as_bytes(text), std::move(context), std::nullopt})
        .ciphertext_blob;
  }

  std::string decrypt(const core::Bytes& blob, core::EncryptionContext context = {},
                      std::optional<std::string> key = std::nullopt) {
    auto result = service_->decrypt({blob, std::move(context), std::move(key), std::nullopt});
    return std::string(result.plaintext.data(), result.plaintext.data() + result.plaintext.size());
  }

  TempToken temp_;
  std::unique_ptr<pkcs11::Token> token_;
  std::string db_path_;
  core::ManualClock clock_{test_epoch()};
  std::unique_ptr<core::SqliteStore> store_;
  std::unique_ptr<core::KmsService> service_;
};

// Runs f and returns the ErrorCode it threw; fails the test if it threw nothing.
template <class F>
ErrorCode error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "expected a coffer::Error";
  return ErrorCode::kInternal;
}

}  // namespace coffer::testing
