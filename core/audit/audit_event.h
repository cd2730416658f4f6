// One audited request, shaped as AWS CloudTrail records KMS and Secrets Manager calls, so
// that tools which read CloudTrail (Athena tables, SIEM parsers, jq one-liners) read Coffer's
// trail unchanged. Coffer adds one member, "frontEnd": which endpoint took the request.
//
// The front end fills an AuditEvent after it has answered (or refused) a request; the
// parameters it puts here must already be redacted (audit_parameters.h): an event is written
// as it is.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_time.h"
#include "core/audit/random_uuid.h"

namespace coffer::core::audit {

enum class IdentityType { kIamUser, kAssumedRole, kRole, kRoot };
enum class EventSource { kKms, kSecretsManager, kIam, kSts, kServiceQuotas };
enum class ResourceType { kKmsKey, kSecretsManagerSecret };
enum class FrontEnd { kAwsJson, kRpc };

std::string_view identity_type_name(IdentityType type);  // "IAMUser", "AssumedRole", ...
std::string_view event_source_name(EventSource source);  // "kms.amazonaws.com", ...
std::string_view resource_type_name(ResourceType type);  // "AWS::KMS::Key", ...
std::string_view front_end_name(FrontEnd front_end);     // "aws-json", "rpc"

struct UserIdentity {
  IdentityType type = IdentityType::kIamUser;
  std::string principal_id;
  std::string arn;
  std::string account_id;
  std::string access_key_id;  // omitted from the record when empty (API-key callers)
};

struct AuditResource {
  std::string account_id;
  ResourceType type = ResourceType::kKmsKey;
  std::string arn;
};

struct AuditEvent {
  UserIdentity user_identity;
  AuditTime event_time;  // when the request arrived; written at second precision
  EventSource event_source = EventSource::kKms;
  std::string event_name;  // the operation: "Encrypt", "GetSecretValue"
  std::string aws_region;
  std::string source_ip_address;
  std::string user_agent;
  nlohmann::json request_parameters;         // null, or audit_request_parameters(...)
  nlohmann::json response_elements;          // null, or audit_response_elements(...)
  std::optional<std::string> error_code;     // the AWS exception name of a refused request
  std::optional<std::string> error_message;  // what the client was told
  std::string request_id;
  std::string event_id = random_uuid_v4();
  bool read_only = false;
  std::vector<AuditResource> resources;  // omitted from the record when empty, as CloudTrail does
  std::string recipient_account_id;
  FrontEnd front_end = FrontEnd::kAwsJson;
};

// The record's "event" object as compact JSON text, members in CloudTrail's order. This is
// what the log writes; it builds no JSON tree, so that an append stays cheap.
std::string serialize_event_json(const AuditEvent& event);
// The same, appended to `out` (a buffer the caller reuses: no allocation once it has grown).
void serialize_event_json(const AuditEvent& event, std::string& out);

// The same object as a JSON value (for tests, the query tool and anything not on the hot path).
nlohmann::json to_json(const AuditEvent& event);

}  // namespace coffer::core::audit
