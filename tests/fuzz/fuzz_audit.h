// The audit trail of the request-path fuzz targets: a real AuditLog in a temp directory, as
// cofferd records every request, so that the audit path (redaction, serialization, the
// chain) runs on every input. Every kRecycleAfter records the log is closed, checked with the
// verifier (a finding unless it verifies) and begun again empty, so a campaign's disk use
// stays bounded.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/audit/audit_log.h"
#include "server/audit/request_auditor.h"

namespace coffer::fuzz {

class FuzzAudit {
 public:
  // `attach` is called with each new auditor (and null before the old one goes).
  explicit FuzzAudit(std::function<void(server::audit::RequestAuditor*)> attach);
  ~FuzzAudit();
  // After each input.
  void after_input();

  static constexpr int kRecycleAfter = 2000;

 private:
  void open();
  void close_and_check();
  std::function<void(server::audit::RequestAuditor*)> attach_;
  std::string dir_;
  std::unique_ptr<core::audit::AuditLog> log_;
  std::unique_ptr<server::audit::RequestAuditor> auditor_;
  int inputs_ = 0;
};

}  // namespace coffer::fuzz
