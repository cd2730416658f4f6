// cofferd's AWS JSON front end: one KmsService per configured region (the default region's
// is the rpc API's), the SigV4 handler over the access keys, and the HTTP listener. Kept
// apart from main.cc so serve() only says "start it" and "stop it".
#pragma once

#include <memory>

#include "core/auth/access_keys.h"
#include "core/service/kms_service.h"
#include "server/aws/aws_http_server.h"
#include "server/rpc/work_queue.h"
#include "tools/cofferd/config.h"

namespace coffer::cofferd {

class AwsFrontEnd {
 public:
  // `default_kms` serves config.region. Signatures whose access key is not cached are
  // checked on `authentication`, KMS calls run on `work`. Nothing listens until start().
  AwsFrontEnd(const DaemonConfig& config, pkcs11::Token& token, core::MetadataStore& store,
              const core::Clock& clock, core::KeyMaterial& material, core::KmsService& default_kms,
              core::AccessKeys& access_keys, server::rpc::WorkQueue& work,
              server::rpc::WorkQueue& authentication,
              std::shared_ptr<server::net::ByteBudget> budget, server::RequestObserver observe);
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
