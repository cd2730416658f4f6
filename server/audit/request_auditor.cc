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
// resolved aliases), else from the request when it names a key id or ARN. Filled into
// `resource` (whose strings a reused event keeps); false when there is none.
bool resource_of(const AuditedCall& call, bool secrets, ca::AuditResource& resource) {
  const auto found = [&](ca::ResourceType type, const std::string& arn) {
    resource.account_id = call.account_id;
    resource.type = type;
    resource.arn = arn;
    return true;
  };
  const std::string* arn = nullptr;
  if (secrets) {
    arn = string_member(call.response, "ARN");
    if (!arn) {
      const std::string* id = string_member(call.request, "SecretId");
      if (id && id->starts_with("arn:")) arn = id;
    }
    return arn && found(ca::ResourceType::kSecretsManagerSecret, *arn);
  }
  if (call.response && call.response->is_object() && call.response->contains("KeyMetadata"))
    arn = string_member(&(*call.response)["KeyMetadata"], "Arn");
  if (!arn) arn = string_member(call.response, "KeyId");
  if (arn && arn->starts_with("arn:")) return found(ca::ResourceType::kKmsKey, *arn);
  const std::string* id = string_member(call.request, "KeyId");
  if (!id) return false;
  if (id->starts_with("arn:aws:kms:") && id->find(":key/") != std::string::npos)
    return found(ca::ResourceType::kKmsKey, *id);
  if (core::looks_like_key_id(*id))
    return found(ca::ResourceType::kKmsKey, core::key_arn(call.region, call.account_id, *id));
  return false;
}

// Who the caller is, as CloudTrail's userIdentity: worked out once per principal and thread
// (a connection's requests come from one principal).
void fill_identity(const AuditedCall& call, ca::UserIdentity& identity) {
  struct Known {
    std::string principal, account_id, arn, arn_account;
    ca::IdentityType type = ca::IdentityType::kIamUser;
  };
  thread_local Known known;
  if (known.arn.empty() || known.principal != call.principal ||
      known.account_id != call.account_id) {
    known.principal = call.principal;
    known.account_id = call.account_id;
    known.arn = core::principal_arn_of(call.principal, call.account_id);
    known.arn_account = core::account_of_principal(known.arn);
    known.type = identity_type_of(known.arn);
  }
  identity.type = known.type;
  identity.principal_id = call.access_key_id.empty() ? call.principal : call.access_key_id;
  identity.arn = known.arn;
  identity.account_id = known.arn_account;
  identity.access_key_id = call.access_key_id;
}

template <class Optional>
void assign_optional(Optional& out, const Optional& in, std::size_t max_bytes) {
  if (!in) {
    out.reset();
  } else if (out) {
    out->assign(*in, 0, max_bytes);
  } else {
    out = in->substr(0, max_bytes);
  }
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
    case core::api::Service::kServiceQuotas:
      return ca::EventSource::kServiceQuotas;
  }
  return ca::EventSource::kKms;
}

}  // namespace

void fill_audit_event(const AuditedCall& call, ca::AuditEvent& event) {
  const bool secrets =
      call.operation && call.operation->service == core::api::Service::kSecretsManager;
  fill_identity(call, event.user_identity);
  event.event_time = call.arrived;
  event.event_source = event_source_of(call.operation);
  if (call.operation)
    event.event_name.assign(call.operation->aws_name);
  else
    event.event_name.assign(call.unknown_operation_name, 0, 64);
  if (event.event_name.empty()) event.event_name = "Unknown";
  event.aws_region = call.region;
  event.source_ip_address = call.source_ip;
  event.user_agent.assign(call.user_agent, 0, 256);
  event.request_parameters =
      call.request ? ca::audit_request_parameters(event.event_name, *call.request) : Json();
  event.response_elements =
      call.response ? ca::audit_response_elements(event.event_name, *call.response) : Json();
  // A record always fits the log (whose lines are bounded): oversized parameters are left
  // out and said to be, as CloudTrail does.
  const std::pair<Json*, std::size_t> parts[] = {{&event.request_parameters, call.request_bytes},
                                                 {&event.response_elements, call.response_bytes}};
  for (const auto& [part, bytes] : parts) {
    if (bytes > kMaxParameterBytes && !part->is_null() && part->dump().size() > kMaxParameterBytes)
      *part = Json{{"omitted", "larger than " + std::to_string(kMaxParameterBytes) + " bytes"}};
  }
  event.error_code = call.error_code;
  assign_optional(event.error_message, call.error_message, 1024);
  event.request_id = call.request_id;
  ca::random_uuid_v4(event.event_id);
  event.read_only = !call.operation || !call.operation->mutates;
  event.resources.resize(1);
  if (!resource_of(call, secrets, event.resources.front())) event.resources.clear();
  event.recipient_account_id = call.account_id;
  event.front_end = call.front_end;
}

ca::AuditEvent audit_event_of(const AuditedCall& call) {
  ca::AuditEvent event;
  fill_audit_event(call, event);
  return event;
}

void RequestAuditor::prepare(const AuditedCall& call, std::string& body) {
  // Reused by each thread: its strings keep their room from one record to the next.
  thread_local ca::AuditEvent event;
  fill_audit_event(call, event);
  ca::AuditLog::prepare(event, body);
}

bool RequestAuditor::needs_disk(const AuditedCall& call) {
  // Only a change that happened needs to be on disk before its answer.
  return call.operation && call.operation->mutates && !call.error_code;
}

void RequestAuditor::record(const AuditedCall& call) {
  thread_local std::string body;
  prepare(call, body);
  thread_local ca::PreparedRecords one;
  one.clear();
  one.add(body);
  log_.append_prepared(one, needs_disk(call) ? ca::Durability::kDurable : ca::Durability::kWritten);
}

void RequestAuditor::record_written(const ca::PreparedRecords& records) {
  log_.append_prepared(records, ca::Durability::kWritten);
}

}  // namespace coffer::server::audit
