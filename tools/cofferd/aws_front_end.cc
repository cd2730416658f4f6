#include "tools/cofferd/aws_front_end.h"

#include <sstream>

#include "tools/cofferd/core_settings.h"

namespace coffer::cofferd {

AwsFrontEnd::AwsFrontEnd(const DaemonConfig& config, pkcs11::Token& token,
                         core::MetadataStore& store, const core::Clock& clock,
                         core::KeyMaterial& material, core::KmsService& default_kms,
                         core::AccessKeys& access_keys, server::rpc::WorkQueue& work,
                         server::rpc::WorkQueue& authentication,
                         std::shared_ptr<server::net::ByteBudget> budget,
                         server::RequestObserver observe)
    : scheduler_interval_(config.scheduler_interval_ms) {
  auto make = [&token, &store, &clock, &material, &config](const std::string& region) {
    return std::make_unique<core::KmsService>(token, store, clock, kms_config_of(config, region),
                                              &material);
  };
  const auto interval = scheduler_interval_;
  regions_ = std::make_unique<server::aws::AwsRegions>(config.accept_any_region,
                                                       [make, interval](const std::string& region) {
                                                         auto kms = make(region);
                                                         kms->start_scheduler(interval);
                                                         return kms;
                                                       });
  regions_->add(config.region, default_kms);
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
      [&access_keys](const std::string& akid) -> std::optional<server::aws::Credentials> {
        auto s = access_keys.secret_of(akid);
        if (!s) return std::nullopt;
        return server::aws::Credentials{s->principal, s->secret};
      },
      server::aws::RequestHandler::Now{},
      [&access_keys](const std::string& akid) {
        using Known = server::aws::CachedCredentials::Known;
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
      [&work](std::function<void()> task) { return work.try_submit(std::move(task)); },
      [&authentication](std::function<void()> task) {
        return authentication.try_submit(std::move(task));
      });
}

void AwsFrontEnd::start() {
  for (auto* kms : extra_) kms->start_scheduler(scheduler_interval_);
  server_->start();
}

void AwsFrontEnd::stop() { server_->stop(); }

std::uint16_t AwsFrontEnd::port() const { return server_->port(); }

}  // namespace coffer::cofferd
