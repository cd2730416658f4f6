#include "core/audit/audit_event.h"

#include "core/audit/json_text.h"

namespace coffer::core::audit {
namespace {

void append_member(std::string& out, std::string_view name) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out.append(name);
  out += "\":";
}

void append_string_member(std::string& out, std::string_view name, std::string_view value) {
  append_member(out, name);
  append_json_string(out, value);
}

void append_user_identity(std::string& out, const UserIdentity& identity) {
  append_member(out, "userIdentity");
  out.push_back('{');
  append_string_member(out, "type", identity_type_name(identity.type));
  append_string_member(out, "principalId", identity.principal_id);
  append_string_member(out, "arn", identity.arn);
  append_string_member(out, "accountId", identity.account_id);
  if (!identity.access_key_id.empty())
    append_string_member(out, "accessKeyId", identity.access_key_id);
  out.push_back('}');
}

// Every record of one second spells the same time: formatted once per second and thread.
void append_event_time(std::string& out, AuditTime time) {
  thread_local AuditTime cached_second = AuditTime::min();
  thread_local std::string cached_text;
  const AuditTime second = whole_seconds(time);
  if (second != cached_second) {
    cached_text.clear();
    append_json_string(cached_text, format_iso8601(second));
    cached_second = second;
  }
  out += cached_text;
}

void append_resources(std::string& out, const std::vector<AuditResource>& resources) {
  append_member(out, "resources");
  out.push_back('[');
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.push_back('{');
    append_string_member(out, "accountId", resources[i].account_id);
    append_string_member(out, "type", resource_type_name(resources[i].type));
    append_string_member(out, "ARN", resources[i].arn);
    out.push_back('}');
  }
  out.push_back(']');
}

}  // namespace

std::string_view identity_type_name(IdentityType type) {
  switch (type) {
    case IdentityType::kIamUser:
      return "IAMUser";
    case IdentityType::kAssumedRole:
      return "AssumedRole";
    case IdentityType::kRole:
      return "Role";
    case IdentityType::kRoot:
      return "Root";
  }
  return "IAMUser";
}

std::string_view event_source_name(EventSource source) {
  switch (source) {
    case EventSource::kKms:
      return "kms.amazonaws.com";
    case EventSource::kSecretsManager:
      return "secretsmanager.amazonaws.com";
    case EventSource::kIam:
      return "iam.amazonaws.com";
    case EventSource::kSts:
      return "sts.amazonaws.com";
    case EventSource::kServiceQuotas:
      return "servicequotas.amazonaws.com";
  }
  return "kms.amazonaws.com";
}

std::string_view resource_type_name(ResourceType type) {
  switch (type) {
    case ResourceType::kKmsKey:
      return "AWS::KMS::Key";
    case ResourceType::kSecretsManagerSecret:
      return "AWS::SecretsManager::Secret";
  }
  return "AWS::KMS::Key";
}

std::string_view front_end_name(FrontEnd front_end) {
  switch (front_end) {
    case FrontEnd::kAwsJson:
      return "aws-json";
    case FrontEnd::kRpc:
      return "rpc";
  }
  return "rpc";
}

std::string serialize_event_json(const AuditEvent& event) {
  std::string out;
  out.reserve(2048);  // an Encrypt's record is about 900 bytes: one allocation, no regrowth
  serialize_event_json(event, out);
  return out;
}

void serialize_event_json(const AuditEvent& event, std::string& out) {
  out.push_back('{');
  append_string_member(out, "eventVersion", "1.08");
  append_user_identity(out, event.user_identity);
  append_member(out, "eventTime");
  append_event_time(out, event.event_time);
  append_string_member(out, "eventSource", event_source_name(event.event_source));
  append_string_member(out, "eventName", event.event_name);
  append_string_member(out, "awsRegion", event.aws_region);
  append_string_member(out, "sourceIPAddress", event.source_ip_address);
  append_string_member(out, "userAgent", event.user_agent);
  if (event.error_code) append_string_member(out, "errorCode", *event.error_code);
  if (event.error_message) append_string_member(out, "errorMessage", *event.error_message);
  append_member(out, "requestParameters");
  append_json_value(out, event.request_parameters);
  append_member(out, "responseElements");
  append_json_value(out, event.response_elements);
  append_string_member(out, "requestID", event.request_id);
  append_string_member(out, "eventID", event.event_id);
  append_member(out, "readOnly");
  out += event.read_only ? "true" : "false";
  if (!event.resources.empty()) append_resources(out, event.resources);
  append_string_member(out, "eventType", "AwsApiCall");
  append_member(out, "managementEvent");
  out += "true";
  append_string_member(out, "recipientAccountId", event.recipient_account_id);
  append_string_member(out, "eventCategory", "Management");
  append_string_member(out, "frontEnd", front_end_name(event.front_end));
  out.push_back('}');
}

// Parsing the serialized text, rather than building the value a second way, keeps one
// definition of the record.
nlohmann::json to_json(const AuditEvent& event) {
  return nlohmann::json::parse(serialize_event_json(event));
}

}  // namespace coffer::core::audit
