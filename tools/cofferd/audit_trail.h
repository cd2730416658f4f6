// cofferd's audit trail: the log (core/audit) under config.audit_dir, its digests signed by an
// ECDSA P-256 key that lives in the token (kSigningKeyId, a non-extractable token object made on
// first run, beside the domain keys; no API can use it, so only cofferd makes digests), a timer
// that writes a digest every audit_digest_interval_s, and the RequestAuditor the front ends
// record through.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/audit/audit_log.h"
#include "pkcs11/token.h"
#include "server/audit/request_auditor.h"
#include "tools/cofferd/config.h"

namespace coffer::cofferd {

class AuditTrail {
 public:
  // Opens (or creates) the trail and continues its chain. Throws when it cannot: cofferd does
  // not serve unaudited when auditing is on.
  AuditTrail(const DaemonConfig& config, pkcs11::Token& token);
  // A last digest, then the files are closed.
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  server::audit::RequestAuditor& auditor() { return *auditor_; }

  static constexpr const char* kSigningKeyId = "coffer/internal/audit-digest-v1";
  // SHA-256 hex of the signing key's DER SubjectPublicKeyInfo (cofferd logs it at start).
  const std::string& key_fingerprint() const { return fingerprint_; }

 private:
  void digest_loop();

  std::string fingerprint_;
  std::unique_ptr<core::audit::AuditLog> log_;
  std::unique_ptr<server::audit::RequestAuditor> auditor_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread digests_;
};

}  // namespace coffer::cofferd
