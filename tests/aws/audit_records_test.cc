// Issue 16: what the AWS JSON front end leaves in the audit trail for each request, through the
// real RequestHandler and a real AuditLog: one record per authenticated request, allowed or
// refused, with the key's ARN and the caller; never a plaintext, ciphertext or secret; a
// record that always fits; a failed write fails the request.
#include <gmock/gmock.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>

#include "core/audit/audit_log.h"
#include "core/audit/audit_query.h"
#include "core/audit/audit_verify.h"
#include "core/audit/openssl_digest_signer.h"
#include "server/audit/request_auditor.h"
#include "tests/aws/json_api_fixture.h"

namespace coffer::server::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AuditRecordsTest : public JsonApiTest {
 protected:
  void SetUp() override {
    JsonApiTest::SetUp();
    dir_ = temp_.dir() + "/audit";
    core::audit::AuditLog::Options options;
    options.directory = dir_;
    options.signer = core::audit::openssl_digest_signer(core::audit::generate_ec_private_key_pem());
    log_ = core::audit::AuditLog::open(std::move(options));
    auditor_ = std::make_unique<audit::RequestAuditor>(*log_);
    handler_->set_auditor(auditor_.get());
  }
  void TearDown() override {
    handler_->set_auditor(nullptr);
    auditor_.reset();
    log_.reset();
    JsonApiTest::TearDown();
  }
  std::vector<Json> events(const std::string& event_name = "") {
    core::audit::AuditFilter filter;
    filter.event_name = event_name;
    filter.limit = 0;
    return core::audit::query_audit(dir_, filter);
  }
  std::string all_files() {
    std::string text;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      std::ifstream in(entry.path());
      text += std::string(std::istreambuf_iterator<char>(in), {});
    }
    return text;
  }
  std::string dir_;
  std::unique_ptr<core::audit::AuditLog> log_;
  std::unique_ptr<audit::RequestAuditor> auditor_;
};

TEST_F(AuditRecordsTest, EachRequestIsOneRecordWithTheCallerTheKeyAndTheOutcome) {
  const std::string key = ok("CreateKey", {{"Description", "audited"}})["KeyMetadata"]["KeyId"];
  const std::string arn = "arn:aws:kms:eu-west-1:123456789012:key/" + key;
  ok("Encrypt", {{"KeyId", key},
                 {"Plaintext", "c2VjcmV0LXBsYWludGV4dA=="},
                 {"EncryptionContext", {{"tenant", "a"}}}});
  auto refused = call("DisableKey", Json{{"KeyId", "alias/missing"}}.dump());
  EXPECT_NE(refused.result_int(), 200);

  const auto created = events("CreateKey");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0]["resources"][0]["ARN"], arn);
  EXPECT_EQ(created[0]["userIdentity"]["accessKeyId"], "AKIDTEST");
  EXPECT_EQ(created[0]["userIdentity"]["arn"], "arn:aws:iam::123456789012:root");
  EXPECT_EQ(created[0]["readOnly"], false);
  EXPECT_EQ(created[0]["awsRegion"], "eu-west-1");
  const auto encrypted = events("Encrypt");
  ASSERT_EQ(encrypted.size(), 1u);
  EXPECT_EQ(encrypted[0]["requestParameters"]["encryptionContext"]["tenant"], "a");
  EXPECT_EQ(encrypted[0]["resources"][0]["ARN"], arn);
  const auto disabled = events("DisableKey");
  ASSERT_EQ(disabled.size(), 1u);
  EXPECT_EQ(disabled[0]["errorCode"], "NotFoundException");
  EXPECT_EQ(events().size(), 3u);
  // Not the plaintext, in any encoding, nor the ciphertext.
  EXPECT_THAT(all_files(), Not(HasSubstr("c2VjcmV0LXBsYWludGV4dA")));
  EXPECT_THAT(all_files(), Not(HasSubstr("secret-plaintext")));
  EXPECT_THAT(all_files(), Not(HasSubstr("ciphertextBlob")));
  log_->close();
  EXPECT_TRUE(core::audit::verify_audit_directory(dir_, std::nullopt).ok());
}

TEST_F(AuditRecordsTest, OversizedParametersAreLeftOutSoTheRecordFitsAndTheChangeIsRecorded) {
  const std::string key = ok("CreateKey", Json::object())["KeyMetadata"]["KeyId"];
  // UntagResource with 20,000 made-up tag keys and one real one: the change happens and its
  // record must exist, whatever the request's size.
  Json tag_keys = Json::array();
  for (int i = 0; i < 20000; ++i) tag_keys.push_back("k" + std::to_string(i));
  auto res = call("UntagResource", Json{{"KeyId", key}, {"TagKeys", tag_keys}}.dump());
  EXPECT_EQ(res.result_int(), 200) << res.body();
  const auto untagged = events("UntagResource");
  ASSERT_EQ(untagged.size(), 1u);
  EXPECT_THAT(untagged[0]["requestParameters"].dump(), HasSubstr("omitted"));
}

TEST_F(AuditRecordsTest, AFailedWriteFailsTheRequest) {
  const std::string key = ok("CreateKey", Json::object())["KeyMetadata"]["KeyId"];
  log_->close();  // later appends throw, as after a failed disk write
  auto res = call("Encrypt", Json{{"KeyId", key}, {"Plaintext", "AAAA"}}.dump());
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(error_type(res), "KMSInternalException");
  EXPECT_THAT(res.body(), Not(HasSubstr("CiphertextBlob")));
}

}  // namespace
}  // namespace coffer::server::aws
