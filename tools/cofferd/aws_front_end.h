// cofferd's AWS JSON front end: one KmsService per configured region (the default region's
// is the rpc API's), the SigV4 handler over the access keys, and the HTTP listener. Kept
// apart from main.cc so serve() only says "start it" and "stop it".
#pragma once

#include <memory>

#include "core/auth/access_keys.h"
#include "core/secrets/secrets_service.h"
#include "core/service/kms_service.h"
#include "server/aws/aws_http_server.h"
#include "server/quota/request_quotas.h"
#include "server/rotation/rotation_credentials.h"
#include "server/rotation/rotation_engine.h"
#include "server/rpc/work_queue.h"
#include "tools/cofferd/config.h"

namespace coffer::cofferd {

// The URL local processes (rotation functions) reach the AWS endpoint at.
std::string local_aws_endpoint(const DaemonConfig& config, std::uint16_t port);

class AwsFrontEnd {
 public:
  // `default_kms` and `default_secrets` serve config.region; every other region gets its
  // own, and its secrets are rotated by `rotation`. Signatures whose access key is not cached are
  // checked on `authentication`, KMS calls run on `work`. Nothing listens until start().
  AwsFrontEnd(const DaemonConfig& config, pkcs11::Token& token, core::MetadataStore& store,
              const core::Clock& clock, core::KeyMaterial& material, core::KmsService& default_kms,
              core::SecretsService& default_secrets, core::SecretStore& secret_store,
              core::AccessKeys& access_keys,
              server::rotation::RotationCredentials& rotation_credentials,
              server::rotation::RotationEngine& rotation, server::rpc::WorkQueue& work,
              server::rpc::WorkQueue& authentication,
              std::shared_ptr<server::net::ByteBudget> budget, server::RequestObserver observe,
              server::audit::RequestAuditor* auditor = nullptr,
              server::quota::RequestQuotas* quotas = nullptr);
  void start();  // also starts the schedulers of the extra regions
  void stop();
  std::uint16_t port() const;

 private:
  std::unique_ptr<server::aws::AwsRegions> regions_;
  std::unique_ptr<server::aws::RequestHandler> handler_;
  std::unique_ptr<server::aws::AwsHttpServer> server_;
  std::vector<core::KmsService*> extra_;
  std::chrono::milliseconds scheduler_interval_;
};

}  // namespace coffer::cofferd
