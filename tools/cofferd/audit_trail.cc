#include "tools/cofferd/audit_trail.h"

#include <openssl/sha.h>

#include "common/error.h"
#include "common/log.h"
#include "core/audit/digest_signature.h"
#include "core/audit/openssl_digest_signer.h"

namespace coffer::cofferd {
namespace {

// The token's audit key, made on first run: a token object like the domain keys, so the number
// of objects stays O(1), and outside the KMS keyspace, so no API call (and no alias a caller
// could create first) reaches it.
core::audit::DigestSigner token_signer(pkcs11::Token& token) {
  const std::string id = AuditTrail::kSigningKeyId;
  if (!token.exists(id)) token.generate_ec(id, pkcs11::EcCurve::kP256);
  core::audit::DigestSigner signer;
  signer.algorithm = "ECDSA_SHA_256";
  signer.public_key_pem = core::audit::public_key_pem_from_der(token.public_key_der(id));
  // Hashed here, signed in the token (CKM_ECDSA on the digest): the same ECDSA-with-SHA-256
  // signature over the whole message, and the digest may be long.
  signer.sign = [&token, id](std::span<const std::uint8_t> message) {
    std::uint8_t hash[SHA256_DIGEST_LENGTH];
    SHA256(message.data(), message.size(), hash);
    auto signature = token.sign(
        id, pkcs11::SignAlgorithm{pkcs11::SignScheme::kEcdsa, pkcs11::Digest::kSha256, true}, hash);
    return std::vector<std::uint8_t>(signature.begin(), signature.end());
  };
  return signer;
}

}  // namespace

AuditTrail::AuditTrail(const DaemonConfig& config, pkcs11::Token& token) {
  core::audit::AuditLog::Options options;
  options.directory = config.audit_dir;
  options.max_file_bytes = config.audit_file_bytes;
  options.max_file_age = std::chrono::seconds(config.audit_file_age_s);
  options.digest_interval = std::chrono::seconds(config.audit_digest_interval_s);
  options.signer = token_signer(token);
  fingerprint_ = core::audit::public_key_fingerprint(options.signer.public_key_pem).value_or("");
  log_ = core::audit::AuditLog::open(std::move(options));
  auditor_ = std::make_unique<server::audit::RequestAuditor>(*log_);
  digests_ = std::thread([this] { digest_loop(); });
}

AuditTrail::~AuditTrail() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  digests_.join();
  try {
    log_->close();
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "audit_close_failed", {{"message", e.what()}});
  }
}

void AuditTrail::digest_loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    lock.unlock();
    try {
      log_->write_digest_if_due(std::chrono::system_clock::now());
    } catch (const std::exception& e) {
      // Tried again next second; the gap would show in `coffer audit verify`.
      log_event(LogLevel::kError, "audit_digest_failed", {{"message", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace coffer::cofferd
