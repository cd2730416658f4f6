#include "tools/cofferd/audit_trail.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "common/error.h"
#include "common/log.h"
#include "core/model/caller.h"

namespace coffer::cofferd {
namespace {

// Only Coffer itself (a request with no caller) signs with the key: every principal, the root
// included, is denied Sign and the changes that could take the key away.
std::string signing_key_policy(const std::string& account_id) {
  return R"({"Version":"2012-10-17","Statement":[
 {"Sid":"Account may read the key","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" +
         account_id +
         R"(:root"},"Action":["kms:DescribeKey","kms:GetPublicKey","kms:Verify","kms:ListResourceTags","kms:GetKeyPolicy"],"Resource":"*"},
 {"Sid":"Only cofferd signs audit digests","Effect":"Deny","Principal":"*","Action":["kms:Sign","kms:PutKeyPolicy","kms:ScheduleKeyDeletion","kms:DisableKey","kms:CreateGrant","kms:UpdateAlias","kms:DeleteAlias"],"Resource":"*"}]})";
}

// The signing key's id: alias/coffer/audit-digest, made on first run.
std::string signing_key(core::KmsService& kms) {
  const core::CallerScope as_coffer(nullptr);
  try {
    return kms.describe_key(AuditTrail::kSigningKeyAlias).key_id;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
  }
  core::CreateKeyRequest request;
  request.description = "Coffer audit trail digests (made by cofferd; only cofferd signs)";
  request.key_spec = "ECC_NIST_P256";
  request.key_usage = "SIGN_VERIFY";
  request.policy = signing_key_policy(kms.config().account_id);
  request.bypass_policy_lockout_safety_check = true;
  const std::string key_id = kms.create_key(request).key_id;
  kms.create_alias(AuditTrail::kSigningKeyAlias, key_id);
  return key_id;
}

std::string pem_of(const core::Bytes& der) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (!key) throw Error(ErrorCode::kInternal, "the audit key's public key does not parse");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

core::audit::DigestSigner token_signer(core::KmsService& kms) {
  const std::string key_id = signing_key(kms);
  core::audit::DigestSigner signer;
  signer.algorithm = "ECDSA_SHA_256";
  {
    const core::CallerScope as_coffer(nullptr);
    signer.public_key_pem = pem_of(kms.get_public_key(key_id).public_key);
  }
  // The digest may be longer than Sign's 4 KiB message: it is hashed here and signed as a
  // DIGEST, which is the same ECDSA-with-SHA-256 signature over the whole message.
  signer.sign = [&kms, key_id](std::span<const std::uint8_t> message) {
    std::uint8_t hash[SHA256_DIGEST_LENGTH];
    SHA256(message.data(), message.size(), hash);
    const core::CallerScope as_coffer(nullptr);
    core::SignRequest request{key_id, hash, std::string("DIGEST"), "ECDSA_SHA_256"};
    auto signature = kms.sign(request).signature;
    return std::vector<std::uint8_t>(signature.begin(), signature.end());
  };
  return signer;
}

}  // namespace

AuditTrail::AuditTrail(const DaemonConfig& config, core::KmsService& kms) {
  core::audit::AuditLog::Options options;
  options.directory = config.audit_dir;
  options.max_file_bytes = config.audit_file_bytes;
  options.max_file_age = std::chrono::seconds(config.audit_file_age_s);
  options.digest_interval = std::chrono::seconds(config.audit_digest_interval_s);
  options.signer = token_signer(kms);
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
