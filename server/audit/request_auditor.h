// What both front ends hand the audit trail for each authenticated request, allowed or
// refused: one CloudTrail-shaped record (core/audit) with the caller, the operation, the
// redacted request and response, the error, and the key or secret it touched. A request that
// changes state is on disk before its answer is sent; any other is in the kernel (a SIGKILL
// after the answer loses nothing). A record that cannot be written fails the request.
//
// Requests that never authenticated are not audited: an unauthenticated peer must not be able
// to fill the disk. They are counted by the listeners' metrics instead.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/api/operations.h"
#include "core/audit/audit_log.h"

namespace coffer::server::audit {

struct AuditedCall {
  core::audit::FrontEnd front_end = core::audit::FrontEnd::kAwsJson;
  const core::api::OperationSpec* operation = nullptr;  // null: an operation Coffer does not serve
  std::string unknown_operation_name;                   // then, the name the caller used
  std::string region;
  std::string account_id;
  std::string principal;  // as the credential names it (core::principal_arn_of reads it)
  std::string access_key_id;
  std::string source_ip;
  std::string user_agent;
  std::string request_id;
  std::chrono::system_clock::time_point arrived;
  // AWS JSON member names; null when the request did not parse.
  const nlohmann::json* request = nullptr;
  const nlohmann::json* response = nullptr;  // null for a refused request
  // The sizes of the request and response as received and sent: the parameters kept from them
  // are measured only when these could exceed the bound (the hot path serializes nothing).
  std::size_t request_bytes = 0;
  std::size_t response_bytes = 0;
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
};

// The event record() writes, without writing it (tests, and the fuzz targets' checks).
core::audit::AuditEvent audit_event_of(const AuditedCall& call);
// The same into `event`, every member replaced (an event reused keeps its strings' room).
void fill_audit_event(const AuditedCall& call, core::audit::AuditEvent& event);

class RequestAuditor {
 public:
  explicit RequestAuditor(core::audit::AuditLog& log) : log_(log) {}
  // Throws coffer::Error(kInternal) when the record was not written.
  void record(const AuditedCall& call);

  // For a front end that writes the records of several answers at once, before it sends
  // them: true when `call` must instead be recorded (on disk) before its answer is made.
  static bool needs_disk(const AuditedCall& call);
  // The record of `call` into `body` (replacing what it held), to be added to the records
  // handed to record_written later. Throws as record does.
  static void prepare(const AuditedCall& call, std::string& body);
  // Writes prepared records (in the kernel when this returns). Throws Error(kInternal).
  void record_written(const core::audit::PreparedRecords& records);

 private:
  core::audit::AuditLog& log_;
};

}  // namespace coffer::server::audit
