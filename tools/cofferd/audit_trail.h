// cofferd's audit trail: the log (core/audit) under config.audit_dir, its digests signed by an
// ECDSA P-256 key that lives wrapped under the token's domain key (alias/coffer/audit-digest,
// made on first run; its policy lets no caller sign with it, so only cofferd can make a digest),
// a timer that writes a digest every audit_digest_interval_s, and the RequestAuditor the front
// ends record through.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/audit/audit_log.h"
#include "core/service/kms_service.h"
#include "server/audit/request_auditor.h"
#include "tools/cofferd/config.h"

namespace coffer::cofferd {

class AuditTrail {
 public:
  // Opens (or creates) the trail and continues its chain. Throws when it cannot: cofferd does
  // not serve unaudited when auditing is on.
  AuditTrail(const DaemonConfig& config, core::KmsService& kms);
  // A last digest, then the files are closed.
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  server::audit::RequestAuditor& auditor() { return *auditor_; }

  static constexpr const char* kSigningKeyAlias = "alias/coffer/audit-digest";

 private:
  void digest_loop();

  std::unique_ptr<core::audit::AuditLog> log_;
  std::unique_ptr<server::audit::RequestAuditor> auditor_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread digests_;
};

}  // namespace coffer::cofferd
