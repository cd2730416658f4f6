// A SecretsService over the ServiceTest KmsService (throw-away SoftHSM token, fresh SQLite
// store, ManualClock), with helpers for values, stages and the raw rows of the store.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/secrets/secrets_service.h"
#include "tests/core/service_fixture.h"

namespace coffer::testing {

// Records every rotation RotateSecret and the scheduler start.
class RecordingLauncher {
 public:
  core::RotationLauncher launcher() {
    return [this](const std::string& arn, const std::string& token) {
      std::lock_guard lock(mutex_);
      calls_.emplace_back(arn, token);
    };
  }
  std::vector<std::pair<std::string, std::string>> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> calls_;
};

class SecretsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    open_secrets();
  }
  void TearDown() override {
    secrets_.reset();
    ServiceTest::TearDown();
  }

  void open_secrets(core::SecretsConfig config = {}) {
    secrets_ =
        std::make_unique<core::SecretsService>(*service_, *store_, clock_, std::move(config));
  }
  // A restart: store, KMS and Secrets Manager made again over the same files.
  void restart() {
    secrets_.reset();
    open_service();
    open_secrets();
  }

  static core::SecretValue text(std::string_view s) {
    core::SecretValue v;
    v.string = SecretBytes(as_bytes(s));
    return v;
  }
  static core::SecretValue binary(const std::vector<std::uint8_t>& b) {
    core::SecretValue v;
    v.binary = SecretBytes(std::span<const std::uint8_t>(b));
    return v;
  }
  static std::string str(const SecretBytes& b) {
    return std::string(b.data(), b.data() + b.size());
  }

  core::SecretVersionRef create(const std::string& name, std::optional<std::string_view> value,
                                std::optional<std::string> token = std::nullopt,
                                std::optional<std::string> kms_key = std::nullopt) {
    core::CreateSecretRequest r;
    r.name = name;
    if (value) r.value = text(*value);
    r.client_request_token = std::move(token);
    r.kms_key_id = std::move(kms_key);
    return secrets_->create_secret(r);
  }

  core::PutSecretValueResult put(const std::string& id, std::string_view value,
                                 std::optional<std::string> token = std::nullopt,
                                 std::optional<std::vector<std::string>> stages = std::nullopt) {
    core::PutSecretValueRequest r;
    r.secret_id = id;
    r.value = text(value);
    r.client_request_token = std::move(token);
    r.version_stages = std::move(stages);
    return secrets_->put_secret_value(r);
  }

  core::GetSecretValueResult get_result(const std::string& id,
                                        std::optional<std::string> version_id = std::nullopt,
                                        std::optional<std::string> stage = std::nullopt) {
    return secrets_->get_secret_value({id, std::move(version_id), std::move(stage)});
  }
  // The string value (fails the test for a binary one).
  std::string get(const std::string& id, std::optional<std::string> version_id = std::nullopt,
                  std::optional<std::string> stage = std::nullopt) {
    auto r = get_result(id, std::move(version_id), std::move(stage));
    EXPECT_TRUE(r.value.string.has_value());
    return r.value.string ? str(*r.value.string) : "";
  }

  // version id -> stages, from DescribeSecret (labelled versions only).
  std::map<std::string, std::vector<std::string>> stages(const std::string& id) {
    return secrets_->describe_secret(id).version_ids_to_stages;
  }

  std::vector<core::SecretVersionEntry> versions(const std::string& id, bool include_deprecated) {
    std::vector<core::SecretVersionEntry> all;
    core::ListSecretVersionIdsRequest r;
    r.secret_id = id;
    r.include_deprecated = include_deprecated;
    for (;;) {
      auto page = secrets_->list_secret_version_ids(r);
      all.insert(all.end(), page.versions.begin(), page.versions.end());
      if (!page.next_token) return all;
      r.next_token = page.next_token;
    }
  }

  // Runs SQL on the store's file through a second connection (no foreign keys enforced), as
  // someone with the file would.
  void edit_store(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    const std::string error = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << error << "\n" << sql;
  }
  // The first column of every row of a query, as text.
  std::vector<std::string> query(const std::string& sql) {
    std::vector<std::string> rows;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
    while (s && sqlite3_step(s) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(s, 0);
      rows.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rows;
  }
  static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'') out += '\'';
      out += c;
    }
    return out + "'";
  }

  RecordingLauncher launcher_;
  std::unique_ptr<core::SecretsService> secrets_;
};

}  // namespace coffer::testing
