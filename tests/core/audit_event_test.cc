// The audit event as CloudTrail shapes a KMS or Secrets Manager call (AWS's "Logging AWS KMS
// API calls with AWS CloudTrail" examples), plus Coffer's frontEnd.
#include "core/audit/audit_event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "core/audit/audit_parameters.h"

namespace coffer::core::audit {
namespace {

using nlohmann::json;
using ::testing::StartsWith;

AuditEvent decrypt_event() {
  AuditEvent event;
  event.user_identity = {IdentityType::kIamUser, "AIDAEXAMPLE",
                         "arn:aws:iam::111122223333:user/Alice", "111122223333", "AKIAEXAMPLE"};
  event.event_time =
      AuditTime{} + std::chrono::seconds(1747773900) + std::chrono::milliseconds(987);
  event.event_source = EventSource::kKms;
  event.event_name = "Decrypt";
  event.aws_region = "us-west-2";
  event.source_ip_address = "192.0.2.0";
  event.user_agent = "aws-cli/2.15";
  event.request_parameters = audit_request_parameters(
      "Decrypt", json{{"CiphertextBlob", "AQID"}, {"EncryptionContext", {{"Project", "Alpha"}}}});
  event.request_id = "req-1";
  event.read_only = true;
  event.resources = {
      {"111122223333", ResourceType::kKmsKey,
       "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}};
  event.recipient_account_id = "111122223333";
  event.front_end = FrontEnd::kAwsJson;
  return event;
}

TEST(AuditEventTest, HasCloudTrailShape) {
  const AuditEvent event = decrypt_event();
  const json expected = {{"eventVersion", "1.08"},
                         {"userIdentity",
                          {{"type", "IAMUser"},
                           {"principalId", "AIDAEXAMPLE"},
                           {"arn", "arn:aws:iam::111122223333:user/Alice"},
                           {"accountId", "111122223333"},
                           {"accessKeyId", "AKIAEXAMPLE"}}},
                         {"eventTime", "2025-05-20T20:45:00Z"},
                         {"eventSource", "kms.amazonaws.com"},
                         {"eventName", "Decrypt"},
                         {"awsRegion", "us-west-2"},
                         {"sourceIPAddress", "192.0.2.0"},
                         {"userAgent", "aws-cli/2.15"},
                         {"requestParameters",
                          {{"encryptionAlgorithm", "SYMMETRIC_DEFAULT"},
                           {"encryptionContext", {{"Project", "Alpha"}}}}},
                         {"responseElements", nullptr},
                         {"requestID", "req-1"},
                         {"eventID", event.event_id},
                         {"readOnly", true},
                         {"resources", json::array({{{"accountId", "111122223333"},
                                                     {"type", "AWS::KMS::Key"},
                                                     {"ARN",
                                                      "arn:aws:kms:us-west-2:111122223333:key/"
                                                      "1234abcd-12ab-34cd-56ef-1234567890ab"}}})},
                         {"eventType", "AwsApiCall"},
                         {"managementEvent", true},
                         {"recipientAccountId", "111122223333"},
                         {"eventCategory", "Management"},
                         {"frontEnd", "aws-json"}};
  EXPECT_EQ(to_json(event), expected);
}

TEST(AuditEventTest, SerializesMembersInCloudTrailOrder) {
  const std::string text = serialize_event_json(decrypt_event());
  EXPECT_THAT(text, StartsWith(R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser",)"));
  EXPECT_LT(text.find("\"eventTime\""), text.find("\"eventSource\""));
  EXPECT_LT(text.find("\"userAgent\""), text.find("\"requestParameters\""));
  EXPECT_LT(text.find("\"eventID\""), text.find("\"resources\""));
  EXPECT_THAT(text, ::testing::EndsWith(R"("frontEnd":"aws-json"})"));
}

TEST(AuditEventTest, ErrorMembersOnlyWhenSet) {
  AuditEvent event = decrypt_event();
  EXPECT_FALSE(to_json(event).contains("errorCode"));
  EXPECT_FALSE(to_json(event).contains("errorMessage"));
  event.error_code = "AccessDeniedException";
  event.error_message = "User is not authorized";
  const json j = to_json(event);
  EXPECT_EQ(j["errorCode"], "AccessDeniedException");
  EXPECT_EQ(j["errorMessage"], "User is not authorized");
  // CloudTrail puts them after userAgent, before requestParameters.
  const std::string text = serialize_event_json(event);
  EXPECT_LT(text.find("\"userAgent\""), text.find("\"errorCode\""));
  EXPECT_LT(text.find("\"errorMessage\""), text.find("\"requestParameters\""));
}

TEST(AuditEventTest, OmitsEmptyResourcesAndAccessKey) {
  AuditEvent event = decrypt_event();
  event.resources.clear();
  event.user_identity.access_key_id.clear();
  const json j = to_json(event);
  EXPECT_FALSE(j.contains("resources"));
  EXPECT_FALSE(j["userIdentity"].contains("accessKeyId"));
}

TEST(AuditEventTest, NamesEveryEnum) {
  AuditEvent event = decrypt_event();
  event.user_identity.type = IdentityType::kAssumedRole;
  event.event_source = EventSource::kSecretsManager;
  event.resources[0].type = ResourceType::kSecretsManagerSecret;
  event.front_end = FrontEnd::kRpc;
  const json j = to_json(event);
  EXPECT_EQ(j["userIdentity"]["type"], "AssumedRole");
  EXPECT_EQ(j["eventSource"], "secretsmanager.amazonaws.com");
  EXPECT_EQ(j["resources"][0]["type"], "AWS::SecretsManager::Secret");
  EXPECT_EQ(j["frontEnd"], "rpc");
  EXPECT_EQ(identity_type_name(IdentityType::kRole), "Role");
  EXPECT_EQ(identity_type_name(IdentityType::kRoot), "Root");
}

TEST(AuditEventTest, ClientTextCannotBreakTheRecord) {
  AuditEvent event = decrypt_event();
  event.user_agent = std::string("evil\"}\n\x01\xff\xfe agent");
  event.source_ip_address = "\\";
  const std::string text = serialize_event_json(event);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  const json j = json::parse(text);
  EXPECT_EQ(j["userAgent"], "evil\"}\n\x01\xEF\xBF\xBD\xEF\xBF\xBD agent");
  EXPECT_EQ(j["sourceIPAddress"], "\\");
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx in lower-case hex.
bool is_uuid_v4(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = id[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return id[14] == '4' && std::string_view("89ab").find(id[19]) != std::string_view::npos;
}

TEST(AuditEventTest, EventIdsAreRandomUuidV4) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const AuditEvent event;
    EXPECT_TRUE(is_uuid_v4(event.event_id)) << event.event_id;
    seen.insert(event.event_id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace coffer::core::audit

namespace coffer::core::audit {
namespace {

// fuzz_audit_verify found it: a year past 2262 overflowed AuditTime's nanoseconds (UB) when a
// hostile file named it. Such times are refused; the last representable year still parses.
TEST(AuditTimeTest, YearsAuditTimeCannotHoldAreRefusedNotOverflowed) {
  EXPECT_FALSE(parse_iso8601("9999-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_iso8601("2262-04-12T00:00:00Z"));
  ASSERT_TRUE(parse_iso8601("2261-12-31T23:59:59Z"));
  EXPECT_EQ(format_iso8601(*parse_iso8601("2261-12-31T23:59:59Z")), "2261-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(*parse_iso8601("2026-12-03T10:15:00Z")), "2026-12-03T10:15:00Z");
}

}  // namespace
}  // namespace coffer::core::audit
