#include "server/audit/request_auditor.h"

#include "core/audit/audit_parameters.h"
#include "core/model/caller.h"
#include "core/model/key_reference.h"

namespace coffer::server::audit {
namespace {

namespace ca = core::audit;
using Json = nlohmann::json;

constexpr std::size_t kMaxParameterBytes = 16 * 1024;

ca::IdentityType identity_type_of(const std::string& arn) {
  if (arn.ends_with(":root")) return ca::IdentityType::kRoot;
  if (arn.find(":role/") != std::string::npos) return ca::IdentityType::kAssumedRole;
  return ca::IdentityType::kIamUser;
}

const std::string* string_member(const Json* object, const char* name) {
  if (!object || !object->is_object()) return nullptr;
  auto it = object->find(name);
  return it != object->end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

// The key or secret the request touched, as an ARN: from the response where it names one (it
// resolved aliases), else from the request when it names a key id or ARN.
std::optional<ca::AuditResource> resource_of(const AuditedCall& call, bool secrets) {
  const std::string* arn = nullptr;
  if (secrets) {
    arn = string_member(call.response, "ARN");
    if (!arn) {
      const std::string* id = string_member(call.request, "SecretId");
      if (id && id->starts_with("arn:")) arn = id;
    }
    if (!arn) return std::nullopt;
    return ca::AuditResource{call.account_id, ca::ResourceType::kSecretsManagerSecret, *arn};
  }
  if (call.response && call.response->is_object() && call.response->contains("KeyMetadata"))
    arn = string_member(&(*call.response)["KeyMetadata"], "Arn");
  if (!arn) arn = string_member(call.response, "KeyId");
  if (arn && arn->starts_with("arn:"))
    return ca::AuditResource{call.account_id, ca::ResourceType::kKmsKey, *arn};
  const std::string* id = string_member(call.request, "KeyId");
  if (!id) return std::nullopt;
  if (id->starts_with("arn:aws:kms:") && id->find(":key/") != std::string::npos)
    return ca::AuditResource{call.account_id, ca::ResourceType::kKmsKey, *id};
  if (core::looks_like_key_id(*id)) {
    return ca::AuditResource{call.account_id, ca::ResourceType::kKmsKey,
                             core::key_arn(call.region, call.account_id, *id)};
  }
  return std::nullopt;
}

ca::EventSource event_source_of(const core::api::OperationSpec* operation) {
  if (!operation) return ca::EventSource::kKms;
  switch (operation->service) {
    case core::api::Service::kKms:
      return ca::EventSource::kKms;
    case core::api::Service::kSecretsManager:
      return ca::EventSource::kSecretsManager;
    case core::api::Service::kIam:
      return ca::EventSource::kIam;
    case core::api::Service::kSts:
      return ca::EventSource::kSts;
  }
  return ca::EventSource::kKms;
}

}  // namespace

ca::AuditEvent audit_event_of(const AuditedCall& call) {
  const bool secrets =
      call.operation && call.operation->service == core::api::Service::kSecretsManager;
  ca::AuditEvent event;
  const std::string arn = core::principal_arn_of(call.principal, call.account_id);
  event.user_identity.type = identity_type_of(arn);
  event.user_identity.principal_id =
      call.access_key_id.empty() ? call.principal : call.access_key_id;
  event.user_identity.arn = arn;
  event.user_identity.account_id = core::account_of_principal(arn);
  event.user_identity.access_key_id = call.access_key_id;
  event.event_time = call.arrived;
  event.event_source = event_source_of(call.operation);
  event.event_name = call.operation ? std::string(call.operation->aws_name)
                                    : call.unknown_operation_name.substr(0, 64);
  if (event.event_name.empty()) event.event_name = "Unknown";
  event.aws_region = call.region;
  event.source_ip_address = call.source_ip;
  event.user_agent = call.user_agent.substr(0, 256);
  if (call.request)
    event.request_parameters = ca::audit_request_parameters(event.event_name, *call.request);
  if (call.response)
    event.response_elements = ca::audit_response_elements(event.event_name, *call.response);
  // A record always fits the log (whose lines are bounded): oversized parameters are left
  // out and said to be, as CloudTrail does.
  const std::pair<Json*, std::size_t> parts[] = {{&event.request_parameters, call.request_bytes},
                                                 {&event.response_elements, call.response_bytes}};
  for (const auto& [part, bytes] : parts) {
    if (bytes > kMaxParameterBytes && !part->is_null() && part->dump().size() > kMaxParameterBytes)
      *part = Json{{"omitted", "larger than " + std::to_string(kMaxParameterBytes) + " bytes"}};
  }
  event.error_code = call.error_code;
  if (call.error_message) event.error_message = call.error_message->substr(0, 1024);
  event.request_id = call.request_id;
  event.read_only = !call.operation || !call.operation->mutates;
  if (auto resource = resource_of(call, secrets)) event.resources.push_back(std::move(*resource));
  event.recipient_account_id = call.account_id;
  event.front_end = call.front_end;
  return event;
}

bool RequestAuditor::needs_disk(const AuditedCall& call) {
  // Only a change that happened needs to be on disk before its answer.
  return call.operation && call.operation->mutates && !call.error_code;
}

void RequestAuditor::record(const AuditedCall& call) {
  log_.append(audit_event_of(call),
              needs_disk(call) ? ca::Durability::kDurable : ca::Durability::kWritten);
}

void RequestAuditor::record_written(std::span<const ca::PreparedRecord> records) {
  log_.append_prepared(records, ca::Durability::kWritten);
}

}  // namespace coffer::server::audit
