#include "core/store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "common/error.h"
#include "tests/core/service_fixture.h"
#include "tests/support/error_matchers.h"

namespace coffer::core {
namespace {

using coffer::testing::ThrowsError;
using ::testing::HasSubstr;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("coffer-store-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "meta.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  KeyRecord key(const std::string& id) {
    KeyRecord k;
    k.key_id = id;
    k.region = "us-east-1";
    k.created_at = testing::test_epoch();
    return k;
  }
  KeyVersionRecord version(const std::string& id, std::uint32_t v) {
    return {
        id,           v, "coffer/us-east-1/" + id + "/v" + std::to_string(v), testing::test_epoch(),
        std::nullopt, 0};
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, SetsDurabilityPragmasAndSchemaVersion) {
  SqliteStore store(path_);
  EXPECT_EQ(store.schema_version(), SqliteStore::kSchemaVersion);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RefusesANewerSchema) {
  { SqliteStore store(path_); }
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_THAT([&] { SqliteStore store(path_); },
              ThrowsError(ErrorCode::kInternal, HasSubstr("newer than this Coffer")));
}

TEST_F(SqliteStoreTest, KeysVersionsAndTagsPersist) {
  {
    SqliteStore store(path_);
    auto k = key("k1");
    k.rotation_enabled = true;
    k.rotation_period_days = 90;
    k.next_rotation_at = testing::test_epoch() + days(90);
    store.create_key(k, version("k1", 1), {{"a", "1"}});
    k.current_version = 2;
    store.add_version(k, version("k1", 2));
    store.reserve_encryptions("k1", 2, 100);
    store.reserve_encryptions("k1", 2, 50);  // never lowers
  }
  SqliteStore store(path_);
  auto k = store.get_key("k1");
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->current_version, 2u);
  EXPECT_EQ(k->rotation_period_days, 90);
  EXPECT_EQ(k->next_rotation_at, testing::test_epoch() + days(90));
  EXPECT_EQ(store.list_versions("k1").size(), 2u);
  EXPECT_EQ(store.get_version("k1", 2)->encryptions_reserved, 100u);
  EXPECT_EQ(store.list_tags("k1"), (std::vector<Tag>{{"a", "1"}}));
  EXPECT_TRUE(store.integrity_problems().empty());
}

TEST_F(SqliteStoreTest, AFailedTransactionChangesNothing) {
  SqliteStore store(path_);
  store.create_key(key("k1"), version("k1", 1), {});
  // A second key reusing k1's token object id violates UNIQUE: the whole create is undone.
  auto clash = version("k2", 1);
  clash.token_object_id = version("k1", 1).token_object_id;
  EXPECT_THAT(
      [&] {
        store.create_key(key("k2"), clash, {{"t", "v"}});
      },
      ThrowsError(ErrorCode::kInternal, HasSubstr("UNIQUE constraint failed")));
  EXPECT_FALSE(store.get_key("k2").has_value());
  EXPECT_TRUE(store.list_tags("k2").empty());
  EXPECT_TRUE(store.integrity_problems().empty());
}

TEST_F(SqliteStoreTest, DeleteCascades) {
  SqliteStore store(path_);
  store.create_key(key("k1"), version("k1", 1), {{"a", "1"}});
  store.create_alias({"us-east-1", "alias/x", "k1", testing::test_epoch(), testing::test_epoch()});
  store.delete_key("k1");
  EXPECT_FALSE(store.get_key("k1").has_value());
  EXPECT_TRUE(store.list_versions("k1").empty());
  EXPECT_TRUE(store.list_tags("k1").empty());
  EXPECT_FALSE(store.get_alias("us-east-1", "alias/x").has_value());
  EXPECT_TRUE(store.all_token_object_ids().empty());
}

}  // namespace
}  // namespace coffer::core
