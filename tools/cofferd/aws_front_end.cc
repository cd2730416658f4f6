#include "tools/cofferd/aws_front_end.h"

#include <sstream>

#include "common/error.h"
#include "server/rotation/rotation_scope.h"
#include "tools/cofferd/core_settings.h"

namespace coffer::cofferd {

AwsFrontEnd::AwsFrontEnd(const DaemonConfig& config, pkcs11::Token& token,
                         core::MetadataStore& store, const core::Clock& clock,
                         core::KeyMaterial& material, core::KmsService& default_kms,
                         core::SecretsService& default_secrets, core::SecretStore& secret_store,
                         core::AccessKeys& access_keys,
                         server::rotation::RotationCredentials& rotation_credentials,
                         server::rotation::RotationEngine& rotation, server::rpc::WorkQueue& work,
                         server::rpc::WorkQueue& authentication,
                         std::shared_ptr<server::net::ByteBudget> budget,
                         server::RequestObserver observe, server::audit::RequestAuditor* auditor,
                         server::quota::RequestQuotas* quotas)
    : scheduler_interval_(config.scheduler_interval_ms) {
  auto make = [&token, &store, &clock, &material, &config](const std::string& region) {
    return std::make_unique<core::KmsService>(token, store, clock, kms_config_of(config, region),
                                              &material);
  };
  const auto interval = scheduler_interval_;
  auto make_secrets = [&secret_store, &clock, &config, &rotation](core::KmsService& kms,
                                                                  const std::string& region) {
    auto secrets = std::make_unique<core::SecretsService>(kms, secret_store, clock,
                                                          secrets_config_of(config, region));
    rotation.add(*secrets, region);
    return secrets;
  };
  regions_ = std::make_unique<server::aws::AwsRegions>(
      config.accept_any_region,
      [make, interval](const std::string& region) {
        auto kms = make(region);
        kms->start_scheduler(interval);
        return kms;
      },
      make_secrets);
  regions_->add(config.region, default_kms, default_secrets);
  std::stringstream list(config.regions);
  for (std::string region; std::getline(list, region, ',');) {
    if (region.empty() || regions_->serves(region)) continue;
    auto kms = make(region);
    extra_.push_back(kms.get());
    regions_->add(region, std::move(kms));
  }

  server::aws::VerifierOptions verifier;
  verifier.accept_security_token = config.aws_accept_security_token;
  handler_ = std::make_unique<server::aws::RequestHandler>(
      *regions_, verifier,
      [&access_keys,
       &rotation_credentials](const std::string& akid) -> std::optional<server::aws::Credentials> {
        if (auto grant = rotation_credentials.find(akid))
          return server::aws::Credentials{grant->principal, grant->secret};
        auto s = access_keys.secret_of(akid);
        if (!s) return std::nullopt;
        return server::aws::Credentials{s->principal, s->secret};
      },
      server::aws::RequestHandler::Now{},
      [&access_keys, &rotation_credentials](const std::string& akid) {
        using Known = server::aws::CachedCredentials::Known;
        if (auto grant = rotation_credentials.find(akid)) {
          return server::aws::CachedCredentials{
              Known::kValid, server::aws::Credentials{grant->principal, grant->secret}};
        }
        const auto peeked = access_keys.peek(akid);
        switch (peeked.known) {
          case core::AccessKeys::Known::kValid:
            return server::aws::CachedCredentials{
                Known::kValid,
                server::aws::Credentials{peeked.secret->principal, peeked.secret->secret}};
          case core::AccessKeys::Known::kInvalid:
            return server::aws::CachedCredentials{Known::kInvalid, std::nullopt};
          case core::AccessKeys::Known::kUnknown:
            break;
        }
        return server::aws::CachedCredentials{};
      });

  handler_->set_auditor(auditor);
  handler_->set_quotas(quotas);
  // A rotation function's credential reaches only its secret's rotation calls.
  handler_->set_authorizer(
      [](const server::aws::Verified& verified, const core::api::OperationSpec& operation,
         const server::aws::Json& request, server::aws::RegionServices& services) {
        if (!verified.principal.starts_with(server::rotation::kRotationPrincipalPrefix)) return;
        if (operation.service != core::api::Service::kSecretsManager) {
          throw Error(ErrorCode::kAccessDenied,
                      "User: " + verified.principal +
                          " is not authorized to perform: kms:" + std::string(operation.aws_name));
        }
        server::rotation::check_rotation_scope(verified.principal, operation,
                                               server::aws::optional_string(request, "SecretId"),
                                               services.secrets);
      });

  server::aws::AwsServerOptions options;
  options.listen = config.aws_listen;
  options.tls = config.aws_tls;
  options.cert_file = config.tls_cert;
  options.key_file = config.tls_key;
  options.network_threads = config.network_threads;
  options.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  options.unauthenticated_idle_timeout =
      std::chrono::milliseconds(config.unauthenticated_idle_timeout_ms);
  options.max_connections = config.max_connections;
  options.max_connections_per_source = config.max_connections_per_source;
  options.budget = std::move(budget);
  options.observe = std::move(observe);
  server_ = std::make_unique<server::aws::AwsHttpServer>(
      options, *handler_,
      [&work](server::net::WorkJob job) { return work.try_submit(std::move(job)); },
      [&authentication](server::net::WorkJob job) {
        return authentication.try_submit(std::move(job));
      });
}

std::string local_aws_endpoint(const DaemonConfig& config, std::uint16_t port) {
  // HOST:PORT or [V6]:PORT; a wildcard address is reached on loopback.
  std::string host = config.aws_listen.substr(0, config.aws_listen.rfind(':'));
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  return std::string(config.aws_tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

void AwsFrontEnd::start() {
  for (auto* kms : extra_) kms->start_scheduler(scheduler_interval_);
  server_->start();
}

void AwsFrontEnd::stop() { server_->stop(); }

std::uint16_t AwsFrontEnd::port() const { return server_->port(); }

}  // namespace coffer::cofferd
