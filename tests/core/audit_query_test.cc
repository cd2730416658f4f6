// Finding events in a trail by time, principal, key and operation.
#include "core/audit/audit_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

#include <fstream>

#include "common/error.h"
#include "core/audit/audit_file_names.h"
#include "core/audit/audit_log.h"
#include "core/audit/openssl_digest_signer.h"
#include "tests/support/error_matchers.h"

namespace coffer::core::audit {
namespace {

namespace fs = std::filesystem;
using coffer::testing::ThrowsError;
using nlohmann::json;
using ::testing::SizeIs;

class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern = (fs::temp_directory_path() / "coffer-audit-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = pattern;
  }
  ~TempDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

constexpr std::int64_t kStart = 1796292900;  // 2026-12-03T10:15:00Z

std::string key_id(int k) { return "00000000-0000-4000-8000-00000000000" + std::to_string(k); }
std::string key_arn(int k) { return "arn:aws:kms:us-east-1:111122223333:key/" + key_id(k); }
std::string user_arn(int u) { return "arn:aws:iam::111122223333:user/user" + std::to_string(u); }

// Event i: at kStart + 10 i seconds, by user i % 3, on key i % 4, Encrypt / Decrypt / CreateKey
// in turn. Decrypts name their key only in resources (their request has no KeyId).
AuditEvent event_number(int i) {
  AuditEvent event;
  event.user_identity = {IdentityType::kIamUser, "AIDA", user_arn(i % 3), "111122223333", ""};
  event.event_time = AuditTime{} + std::chrono::seconds(kStart + 10 * i);
  event.event_name = i % 3 == 0 ? "Encrypt" : i % 3 == 1 ? "Decrypt" : "CreateKey";
  event.aws_region = "us-east-1";
  event.request_id = std::to_string(i);
  if (event.event_name != "Decrypt") event.request_parameters = {{"keyId", key_arn(i % 4)}};
  event.resources = {{"111122223333", ResourceType::kKmsKey, key_arn(i % 4)}};
  event.recipient_account_id = "111122223333";
  return event;
}

class AuditQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AuditLog::Options options;
    options.directory = directory_.path();
    options.max_file_bytes = 4000;
    options.signer = openssl_digest_signer(generate_ec_private_key_pem());
    std::int64_t now = kStart;
    options.clock = [&now] { return AuditTime{} + std::chrono::seconds(now); };
    auto log = AuditLog::open(options);
    for (int i = 0; i < 60; ++i) {
      now = kStart + 10 * i;
      log->append(event_number(i), Durability::kWritten);
    }
    log->close();
    ASSERT_GT(list_log_files(directory_.path()).size(), 3u);
  }

  std::vector<int> request_ids(const AuditFilter& filter) const {
    std::vector<int> ids;
    for (const json& event : query_audit(directory_.path(), filter))
      ids.push_back(std::stoi(event["requestID"].get<std::string>()));
    return ids;
  }

  TempDirectory directory_;
};

TEST_F(AuditQueryTest, NoFilterReturnsEveryEventOldestFirst) {
  AuditFilter filter;
  filter.limit = 0;
  const auto ids = request_ids(filter);
  ASSERT_THAT(ids, SizeIs(60));
  for (int i = 0; i < 60; ++i) EXPECT_EQ(ids[i], i);
}

TEST_F(AuditQueryTest, ReturnsWholeEvents) {
  AuditFilter filter;
  filter.limit = 1;
  const auto events = query_audit(directory_.path(), filter);
  ASSERT_THAT(events, SizeIs(1));
  json expected = to_json(event_number(0));
  expected["eventID"] = events[0]["eventID"];  // random per event
  EXPECT_EQ(events[0], expected);
}

TEST_F(AuditQueryTest, FiltersByEventName) {
  AuditFilter filter;
  filter.event_name = "Decrypt";
  const auto ids = request_ids(filter);
  ASSERT_THAT(ids, SizeIs(20));
  for (int id : ids) EXPECT_EQ(id % 3, 1);
}

TEST_F(AuditQueryTest, FiltersByPrincipal) {
  AuditFilter filter;
  filter.principal_arn = user_arn(2);
  const auto ids = request_ids(filter);
  ASSERT_THAT(ids, SizeIs(20));
  for (int id : ids) EXPECT_EQ(id % 3, 2);
  filter.principal_arn = "arn:aws:iam::111122223333:user/user";  // a prefix is not a match
  EXPECT_TRUE(request_ids(filter).empty());
}

TEST_F(AuditQueryTest, FiltersByKeyArnOrKeyId) {
  AuditFilter by_arn;
  by_arn.key = key_arn(1);
  const auto ids = request_ids(by_arn);
  ASSERT_THAT(ids, SizeIs(15));
  for (int id : ids) EXPECT_EQ(id % 4, 1);
  AuditFilter by_id;
  by_id.key = key_id(1);
  EXPECT_EQ(request_ids(by_id), ids);
  AuditFilter unknown;
  unknown.key = key_id(9);
  EXPECT_TRUE(request_ids(unknown).empty());
}

TEST_F(AuditQueryTest, FiltersByTimeHalfOpen) {
  AuditFilter filter;
  filter.from = AuditTime{} + std::chrono::seconds(kStart + 100);  // event 10
  filter.to = AuditTime{} + std::chrono::seconds(kStart + 200);    // event 20, excluded
  const auto ids = request_ids(filter);
  ASSERT_THAT(ids, SizeIs(10));
  EXPECT_EQ(ids.front(), 10);
  EXPECT_EQ(ids.back(), 19);
}

TEST_F(AuditQueryTest, CombinesFiltersAndStopsAtTheLimit) {
  AuditFilter filter;
  filter.event_name = "Encrypt";
  filter.principal_arn = user_arn(0);
  filter.key = key_id(0);
  filter.limit = 0;
  EXPECT_EQ(request_ids(filter), (std::vector<int>{0, 12, 24, 36, 48}));
  filter.limit = 2;
  EXPECT_EQ(request_ids(filter), (std::vector<int>{0, 12}));
}

TEST_F(AuditQueryTest, SkipsDamagedLines) {
  const auto files = list_log_files(directory_.path());
  std::ofstream(directory_.path() / files[1].name, std::ios::app)
      << "garbage\n"
      << std::string(2 << 20, '[') << "\n";
  AuditFilter filter;
  filter.limit = 0;
  EXPECT_THAT(request_ids(filter), SizeIs(60));
}

TEST(AuditQueryArgumentsTest, RefusesAMissingDirectory) {
  EXPECT_THAT([] { query_audit("/nonexistent/audit", AuditFilter{}); },
              ThrowsError(ErrorCode::kNotFound));
}

}  // namespace
}  // namespace coffer::core::audit
