// RequestAuditor::prepare reuses one AuditEvent per thread: nothing of a record may reach the
// next one. A refused call that named a key is followed, on the same thread, by calls with no
// key, no error and no parameters, and by a call from another principal; each record must be
// exactly what a fresh event would have made (the eventID aside, which is new every time).
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "core/audit/audit_event.h"
#include "server/audit/request_auditor.h"

namespace coffer::server::audit {
namespace {

using Json = nlohmann::json;

Json event_of_body(const std::string& body) {
  Json event = Json::parse(body.substr(0, body.size() - 2));  // without "}\n"
  event.erase("eventID");
  return event;
}

Json fresh_event(const AuditedCall& call) {
  Json event = core::audit::to_json(audit_event_of(call));
  event.erase("eventID");
  return event;
}

TEST(RequestAuditorReuse, NothingOfARecordReachesTheNext) {
  const Json encrypt_request = {{"KeyId", "1234abcd-12ab-34cd-56ef-1234567890ab"},
                                {"EncryptionContext", {{"tenant", "a"}}}};
  AuditedCall refused;
  refused.front_end = core::audit::FrontEnd::kRpc;
  refused.operation = core::api::find_rpc("coffer.v1.Crypto/Encrypt");
  refused.region = "us-east-1";
  refused.account_id = "111122223333";
  refused.principal = "role/AppRole";
  refused.access_key_id = "AKIAEXAMPLE";
  refused.source_ip = "10.0.0.1";
  refused.user_agent = "coffer-rpc";
  refused.request_id = "7";
  refused.request = &encrypt_request;
  refused.error_code = "AccessDeniedException";
  refused.error_message = "User: ... is not authorized";

  AuditedCall bare;  // an unknown operation, from the root, with nothing else
  bare.front_end = core::audit::FrontEnd::kAwsJson;
  bare.unknown_operation_name = "Nonsense";
  bare.region = "eu-west-1";
  bare.account_id = "111122223333";
  bare.principal = "admin";
  bare.request_id = "8";

  AuditedCall other = refused;  // allowed, another principal, without an access key id
  other.principal = "user/alice";
  other.access_key_id.clear();
  other.error_code.reset();
  other.error_message.reset();

  std::string body;
  for (const AuditedCall* call : {&refused, &bare, &other, &refused, &bare}) {
    RequestAuditor::prepare(*call, body);
    EXPECT_EQ(event_of_body(body), fresh_event(*call)) << body;
  }
  RequestAuditor::prepare(bare, body);
  EXPECT_THAT(body, ::testing::Not(::testing::HasSubstr("resources")));
  EXPECT_THAT(body, ::testing::Not(::testing::HasSubstr("errorMessage")));
  EXPECT_THAT(body, ::testing::Not(::testing::HasSubstr("AppRole")));
}

}  // namespace
}  // namespace coffer::server::audit
