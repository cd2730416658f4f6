// cofferd: the Coffer service. Reads its configuration, opens the token and the metadata
// store, reconciles them, and serves the rpc API until SIGTERM, which drains in-flight
// requests before exiting.
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "common/log.h"
#include "common/utf8.h"
#include "core/auth/access_keys.h"
#include "core/secrets/secrets_service.h"
#include "core/service/kms_service.h"
#include "core/service/reconciler.h"
#include "core/store/sqlite_store.h"
#include "server/metrics/http_endpoint.h"
#include "server/quota/quota_key.h"
#include "server/quota/request_quotas.h"
#include "server/rotation/rotation_credentials.h"
#include "server/rotation/rotation_engine.h"
#include "server/rpc/kms_handlers.h"
#include "server/rpc/quota_handlers.h"
#include "server/rpc/rpc_server.h"
#include "server/rpc/secrets_handlers.h"
#include "tools/cofferd/access_key_command.h"
#include "tools/cofferd/audit_trail.h"
#include "tools/cofferd/aws_front_end.h"
#include "tools/cofferd/command_line.h"
#include "tools/cofferd/config.h"
#include "tools/cofferd/core_settings.h"
#include "tools/cofferd/domain_key_command.h"
#include "tools/cofferd/first_run.h"
#include "tools/cofferd/principal_command.h"
#include "tools/cofferd/service_metrics.h"

namespace {

using namespace coffer;

// libprotobuf logs each frame it refuses (e.g. a string that is not UTF-8) at ERROR on
// stderr: a peer could flood the log. The frame is refused and answered anyway, so these
// lines go to the debug level, escaped.
void protobuf_log(google::protobuf::LogLevel, const char*, int, const std::string& message) {
  log_event(LogLevel::kDebug, "protobuf", {{"message", quoted_excerpt(message, 256)}});
}

// Checked before the token opens: a typo in a rule must stop cofferd at once.
server::net::CertificatePrincipalRules client_principal_rules(const cofferd::DaemonConfig& config) {
  if (config.tls_client_principal_rules.empty())
    return server::net::CertificatePrincipalRules::earlier_releases_default();
  if (config.tls_client_ca.empty())
    throw Error(ErrorCode::kValidation,
                "tls_client_principal_rules needs tls_client_ca: without client certificates no "
                "rule is ever used");
  return server::net::CertificatePrincipalRules::parse(config.tls_client_principal_rules);
}

server::quota::QuotaSettings quota_settings_of(const cofferd::DaemonConfig& config) {
  if (config.quotas_file.empty()) return {};
  return server::quota::load_quota_settings(config.quotas_file);
}

// SIGHUP: the quotas file again. Connections stay open; a file that does not parse changes
// nothing (the old quotas stay in force) and says why in the log.
void reload_quotas(const cofferd::DaemonConfig& config, server::quota::RequestQuotas& quotas) {
  try {
    quotas.reload(quota_settings_of(config));
    log_event(LogLevel::kInfo, "quotas_reloaded",
              {{"quotas_file", config.quotas_file.empty() ? "none" : config.quotas_file}});
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "quotas_reload_failed", {{"message", e.what()}});
  }
}

int serve(const cofferd::DaemonConfig& config) {
  const auto principal_rules = client_principal_rules(config);
  // Signals are taken synchronously by the main thread; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Request quotas: a bad file stops cofferd here; on SIGHUP it is kept, and logged.
  server::quota::RequestQuotas quotas(quota_settings_of(config));
  quotas.track_region(config.region);

  pkcs11::Token token(cofferd::token_config_of(config, config.sessions));
  core::SqliteStore store(config.database);
  core::SystemClock clock;

  auto report = core::reconcile(token, store, config.remove_orphans);
  for (const auto& id : report.orphans) {
    log_event(LogLevel::kWarn, config.remove_orphans ? "orphan_removed" : "orphan_found",
              {{"object", id}});
  }
  for (const auto& id : report.missing)
    log_event(LogLevel::kError, "token_object_missing", {{"object", id}});

  // One cache of unwrapped versions for every region this process serves.
  core::KeyMaterial material(token, store, clock,
                             core::KeyMaterialOptions{config.version_cache_capacity});
  core::KmsService kms(token, store, clock, cofferd::kms_config_of(config, config.region),
                       &material);
  // The region's domain key exists before the first request (made here on first run).
  material.domain_keys().current(config.region);

  core::SecretsService secrets(kms, store, clock,
                               cofferd::secrets_config_of(config, config.region));
  server::rotation::RotationCredentials rotation_credentials;
  server::rotation::RotationEngineOptions rotation_options;
  rotation_options.functions_dir = config.rotation_functions_dir;
  rotation_options.step_timeout = std::chrono::milliseconds(config.rotation_step_timeout_ms);
  rotation_options.tick = std::chrono::milliseconds(config.scheduler_interval_ms);
  server::rotation::RotationEngine rotation(rotation_options, rotation_credentials);
  rotation.add(secrets, config.region);

  core::AccessKeys access_keys(token, store, clock);
  cofferd::ensure_admin_credential(access_keys, config.state_dir);
  // Before any listener: no request goes unrecorded.
  std::optional<cofferd::AuditTrail> audit;
  if (config.audit) audit.emplace(config, token);
  server::audit::RequestAuditor* auditor = audit ? &audit->auditor() : nullptr;

  server::rpc::Dispatcher dispatcher;
  server::rpc::register_kms_handlers(dispatcher, kms);
  server::rpc::register_secrets_handlers(dispatcher, secrets);
  server::rpc::WorkQueue work(config.workers, config.queue_capacity);
  work.set_max_queue_time(std::chrono::milliseconds(config.max_queue_time_ms));
  server::rpc::register_quota_handlers(dispatcher, kms, quotas, work);
  // Credential lookups the caches could not answer (a store read, a token decrypt): on
  // their own small pool, so a flood of unknown access key ids cannot hold the workers.
  server::rpc::WorkQueue authentication(1, 64);
  authentication.set_max_queue_time(std::chrono::milliseconds(config.max_queue_time_ms));
  auto budget = std::make_shared<server::net::ByteBudget>(config.max_queued_bytes);
  server::metrics::Registry registry;
  cofferd::ServiceMetrics service_metrics(registry, token, work, material);
  service_metrics.observe_quotas(quotas);
  // Only now do other threads use the token: the metrics hooks are in place.
  kms.start_scheduler(std::chrono::milliseconds(config.scheduler_interval_ms));
  rotation.start();
  std::atomic<bool> ready{false};
  std::optional<server::metrics::HttpEndpoint> metrics_endpoint;
  if (!config.metrics_listen.empty()) {
    server::metrics::HttpEndpoint::Options metrics_options;
    metrics_options.bind = config.metrics_listen;
    metrics_endpoint.emplace(registry, metrics_options, [&ready] { return ready.load(); });
    metrics_endpoint->start();
  }

  server::rpc::RpcServerOptions options;
  options.listen = config.listen;
  options.tls = config.tls;
  options.cert_file = config.tls_cert;
  options.key_file = config.tls_key;
  options.client_ca_file = config.tls_client_ca;
  options.client_principal_rules = principal_rules;
  options.allow_plaintext_loopback = config.allow_plaintext_loopback;
  options.allow_unauthenticated_loopback = config.allow_unauthenticated_loopback;
  options.network_threads = config.network_threads;
  options.max_frame = config.max_frame_bytes;
  options.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  options.unauthenticated_idle_timeout =
      std::chrono::milliseconds(config.unauthenticated_idle_timeout_ms);
  options.max_connections = config.max_connections;
  options.max_connections_per_source = config.max_connections_per_source;
  options.max_unsent_bytes = config.max_unsent_bytes;
  options.budget = budget;
  options.authentication_queue = &authentication;
  options.auditor = auditor;
  options.audit_region = config.region;
  options.audit_account_id = config.account_id;
  options.quota_check =
      [&quotas, &kms, region = config.region](
          const server::rpc::RequestContext& context, const core::api::OperationSpec& operation,
          std::string_view key_reference, std::span<const std::uint8_t> ciphertext) {
        const auto key = server::quota::key_for_quotas(key_reference, ciphertext, kms);
        quotas.enforce({region, operation.operation, context.principal, key.key_id, key.spec});
      };
  options.cached_authenticate = [&access_keys](std::string_view api_key) {
    auto cached = access_keys.authenticate_cached(api_key);
    using Known = server::rpc::CachedAuthentication::Known;
    const Known known = cached.known == core::AccessKeys::Known::kValid     ? Known::kValid
                        : cached.known == core::AccessKeys::Known::kInvalid ? Known::kInvalid
                                                                            : Known::kUnknown;
    return server::rpc::CachedAuthentication{known, std::move(cached.principal)};
  };
  server::rpc::RpcServer rpc(
      options, dispatcher, work,
      [&access_keys](std::string_view api_key) { return access_keys.authenticate(api_key); },
      service_metrics.request_observer("rpc"));
  rpc.start();
  std::optional<cofferd::AwsFrontEnd> aws;
  if (!config.aws_listen.empty()) {
    aws.emplace(config, token, store, clock, material, kms, secrets, store, access_keys,
                rotation_credentials, rotation, work, authentication, budget,
                service_metrics.request_observer("aws"), auditor, &quotas);
    aws->start();
    rotation.set_endpoint(cofferd::local_aws_endpoint(config, aws->port()));
  }
  ready = true;
  log_event(LogLevel::kInfo, "ready",
            {{"listen", config.listen},
             {"port", std::to_string(rpc.port())},
             {"tls", config.tls ? "true" : "false"},
             {"region", config.region},
             {"metrics_listen", config.metrics_listen.empty() ? "off" : config.metrics_listen},
             {"metrics_port", metrics_endpoint ? std::to_string(metrics_endpoint->port()) : "0"},
             {"aws_listen", config.aws_listen.empty() ? "off" : config.aws_listen},
             {"aws_port", aws ? std::to_string(aws->port()) : "0"},
             {"audit_dir", audit ? config.audit_dir : "off"},
             {"audit_key_fingerprint", audit ? audit->key_fingerprint() : ""}});

  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP)
    reload_quotas(config, quotas);
  log_event(LogLevel::kInfo, "draining", {{"signal", strsignal(signal_number)}});
  ready = false;
  if (aws) aws->stop();
  rpc.shutdown(std::chrono::seconds(30));
  authentication.drain_and_stop();
  work.drain_and_stop();
  rotation.stop();
  kms.stop_scheduler();
  if (metrics_endpoint) metrics_endpoint->stop();
  log_event(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything cofferd creates (store, credentials, token files) is for its own user only.
  umask(077);
  google::protobuf::SetLogHandler(protobuf_log);
  // A peer that closes its socket must cost an error code, not the process.
  signal(SIGPIPE, SIG_IGN);
  namespace cofferd = coffer::cofferd;
  cofferd::DaemonCommandLine line;
  if (auto exit = cofferd::parse_daemon_command_line({argv + 1, argv + argc}, line)) {
    std::fputs(exit->text.c_str(), exit->status == 0 ? stdout : stderr);
    return exit->status;
  }
  try {
    const cofferd::DaemonConfig& config = line.config;
    coffer::set_min_log_level(config.min_log_level());
    switch (line.command) {
      case cofferd::DaemonCommand::kServe:
        return serve(config);
      case cofferd::DaemonCommand::kCreateAccessKey:
        return cofferd::create_access_key(config, line.principal);
      case cofferd::DaemonCommand::kRevokeAccessKey:
        return cofferd::revoke_access_key(config, line.access_key_id);
      case cofferd::DaemonCommand::kListAccessKeys:
        return cofferd::list_access_keys(config);
      case cofferd::DaemonCommand::kRotateDomainKey:
        return cofferd::rotate_domain_key(config);
      case cofferd::DaemonCommand::kRewrapDomainKeys:
        return cofferd::rewrap_domain_keys(config);
      case cofferd::DaemonCommand::kListDomainKeys:
        return cofferd::list_domain_keys(config);
      case cofferd::DaemonCommand::kBackup:
        return cofferd::backup_store(config, line.backup_dir);
      case cofferd::DaemonCommand::kPutPrincipalPolicy:
      case cofferd::DaemonCommand::kDeletePrincipalPolicy:
      case cofferd::DaemonCommand::kListPrincipalPolicies: {
        const cofferd::PrincipalPolicyArgs args{line.principal, line.policy_name,
                                                line.policy_document};
        if (line.command == cofferd::DaemonCommand::kPutPrincipalPolicy)
          return cofferd::put_principal_policy(config, args);
        if (line.command == cofferd::DaemonCommand::kDeletePrincipalPolicy)
          return cofferd::delete_principal_policy(config, args);
        return cofferd::list_principal_policies(config, args);
      }
    }
  } catch (const coffer::Error& e) {
    coffer::log_event(coffer::LogLevel::kError, "fatal",
                      {{"code", std::string(e.name())}, {"message", e.what()}});
  } catch (const std::exception& e) {
    coffer::log_event(coffer::LogLevel::kError, "fatal", {{"message", e.what()}});
  }
  return 1;
}
