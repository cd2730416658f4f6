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
namespace {

std::string new_signing_key_pem() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) std::abort();
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

}  // namespace

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
  options.signer = core::audit::openssl_digest_signer(new_signing_key_pem());
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
