#include "tests/fuzz/fuzz_audit.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/audit/audit_verify.h"
#include "core/audit/openssl_digest_signer.h"

namespace coffer::fuzz {
namespace {}  // namespace

FuzzAudit::FuzzAudit(std::function<void(server::audit::RequestAuditor*)> attach)
    : attach_(std::move(attach)) {
  char pattern[] = "/tmp/coffer-fuzz-audit-XXXXXX";
  if (!mkdtemp(pattern)) std::abort();
  dir_ = pattern;
  open();
}

FuzzAudit::~FuzzAudit() {
  attach_(nullptr);
  auditor_.reset();
  log_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void FuzzAudit::open() {
  core::audit::AuditLog::Options options;
  options.directory = dir_ + "/audit";
  options.max_file_bytes = 256 * 1024;
  options.digest_interval = std::chrono::seconds(1);
  options.signer = core::audit::openssl_digest_signer(core::audit::generate_ec_private_key_pem());
  log_ = core::audit::AuditLog::open(std::move(options));
  auditor_ = std::make_unique<server::audit::RequestAuditor>(*log_);
  attach_(auditor_.get());
}

void FuzzAudit::close_and_check() {
  attach_(nullptr);
  auditor_.reset();
  log_->close();
  log_.reset();
  const auto report = core::audit::verify_audit_directory(dir_ + "/audit", std::nullopt);
  if (!report.ok()) {
    for (const auto& f : report.findings)
      std::fprintf(stderr, "audit finding: %s\n", f.message.c_str());
    std::fprintf(stderr, "finding: the audit trail written by the requests does not verify\n");
    std::abort();
  }
  std::filesystem::remove_all(dir_ + "/audit");
}

void FuzzAudit::after_input() {
  if (++inputs_ % kRecycleAfter != 0) return;
  close_and_check();
  open();
}

}  // namespace coffer::fuzz
