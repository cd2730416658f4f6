#include "tools/cofferd/config.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string_view>

#include "tools/cofferd/config_file.h"
#include "tools/command_line/whole_number.h"

namespace coffer::cofferd {
namespace {

using tools::whole_number;

constexpr std::uint64_t kMaxTimeoutMs = 7ull * 24 * 3600 * 1000;  // a week
constexpr std::uint64_t kMaxBytes = 1ull << 40;
constexpr std::uint64_t kMaxCount = 1'000'000;
const char* const kGroup = "Settings (flags, or `setting = value` lines of --config FILE)";

// "--state-dir,--state_dir": the file's spelling works as a flag too.
std::string option_names(std::string_view setting) {
  std::string dashed(setting);
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  if (dashed == setting) return "--" + dashed;
  return "--" + dashed + ",--" + std::string(setting);
}

template <class T>
CLI::Option* setting(CLI::App& app, std::string_view name, T& field, const std::string& help) {
  return app.add_option(option_names(name), field, help)->capture_default_str()->group(kGroup);
}

// A setting given as `--flag VALUE` (or `name = VALUE` in the file).
CLI::Option* yes_no(CLI::App& app, std::string_view name, bool& field, const std::string& help) {
  static const std::vector<std::string> words = {"true", "false", "yes", "no",
                                                 "on",   "off",   "1",   "0"};
  return app.add_option(option_names(name), field, help)
      ->check(CLI::IsMember(words))
      ->default_str(field ? "true" : "false")
      ->group(kGroup);
}

CLI::Option* count(CLI::App& app, std::string_view name, std::size_t& field, std::uint64_t min,
                   std::uint64_t max, const std::string& help) {
  // A transform, not a check: it also rewrites "010" as "10" for CLI11 (base 0: octal).
  return setting(app, name, field, help)->transform(whole_number(min, max));
}

// The names a --config file may set: every configurable option's underscore spelling.
std::set<std::string> setting_names(const CLI::App& app) {
  std::set<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_configurable() && !option->get_lnames().empty()) {
      names.insert(option->get_lnames().back());
    }
  }
  return names;
}

}  // namespace

void DaemonConfig::fill_defaults() {
  if (pin_file.empty()) pin_file = state_dir + "/user.pin";
  if (database.empty()) database = state_dir + "/coffer.db";
  if (audit_dir.empty()) audit_dir = state_dir + "/audit";
  if (workers == 0) workers = sessions;
  if (queue_capacity == 0) queue_capacity = 256 * workers;
  if (!regions.empty()) region = regions.substr(0, regions.find(','));
}

LogLevel DaemonConfig::min_log_level() const {
  if (log_level == "debug") return LogLevel::kDebug;
  if (log_level == "warn" || log_level == "warning") return LogLevel::kWarn;
  if (log_level == "error") return LogLevel::kError;
  return LogLevel::kInfo;  // add_settings admits nothing else
}

void add_settings(CLI::App& app, DaemonConfig& c) {
  setting(app, "state_dir", c.state_dir,
          "Token configuration, PIN files, metadata store and first-run credential");
  setting(app, "listen", c.listen, "rpc listener HOST:PORT");
  yes_no(app, "tls", c.tls, "TLS 1.3 on the rpc listener");
  setting(app, "tls_cert", c.tls_cert, "Certificate chain, PEM");
  setting(app, "tls_key", c.tls_key, "Private key of tls_cert, PEM");
  setting(app, "tls_client_ca", c.tls_client_ca, "Require client certificates signed by these");
  setting(app, "tls_client_principal_rules", c.tls_client_principal_rules,
          "Client certificate to principal: `san_uri=spiffe://x/role/* => role/$1; ...`");
  yes_no(app, "allow_plaintext_loopback", c.allow_plaintext_loopback,
         "Plaintext only on 127.0.0.0/8 or ::1 (development)");
  // A bare flag on the command line; `= true|false` in the file.
  app.add_flag(option_names("allow_unauthenticated_loopback"), c.allow_unauthenticated_loopback,
               "Requests without credentials run as \"anonymous\" (loopback only)")
      ->group(kGroup);
  setting(app, "metrics_listen", c.metrics_listen, "GET /metrics, /ready, /live; empty: off");
  setting(app, "pkcs11_module", c.pkcs11_module, "The PKCS#11 library");
  setting(app, "token_uri", c.token_uri, "RFC 7512 URI of the token");
  setting(app, "pin_file", c.pin_file, "File holding the user PIN (default STATE/user.pin)");
  setting(app, "token_quirks", c.token_quirks, "Token behaviour")
      ->check(CLI::IsMember({"softhsm", "generic", "cloudhsm"}));
  yes_no(app, "softhsm_autoinit", c.softhsm_autoinit,
         "With SoftHSM: make STATE/softhsm2.conf and the token on first run");
  count(app, "sessions", c.sessions, 1, 1024, "Token sessions in the pool");
  setting(app, "database", c.database, "SQLite metadata store (default STATE/coffer.db)");
  setting(app, "region", c.region, "Appears in ARNs");
  setting(app, "account_id", c.account_id, "Appears in ARNs");
  count(app, "network_threads", c.network_threads, 1, 256,
        "Threads that read and write frames; never call the token");
  count(app, "workers", c.workers, 0, 1024, "Threads running token work (0: sessions)");
  count(app, "queue_capacity", c.queue_capacity, 0, kMaxCount,
        "Queued requests (0: 256 per worker); beyond: ThrottlingException");
  count(app, "max_queue_time_ms", c.max_queue_time_ms, 0, kMaxTimeoutMs,
        "A request not started on a worker within this: ThrottlingException (0: no limit)");
  setting(app, "quotas_file", c.quotas_file,
          "Request quotas (`coffer quotas` shows them), read again on SIGHUP; empty: none");
  count(app, "max_connections", c.max_connections, 1, kMaxCount,
        "More are accepted and closed at once");
  count(app, "max_frame_bytes", c.max_frame_bytes, 1, 1ull << 30,
        "A larger frame closes the connection");
  count(app, "read_timeout_ms", c.read_timeout_ms, 1, kMaxTimeoutMs,
        "A frame or HTTP request must arrive whole within this from its first byte");
  count(app, "idle_timeout_ms", c.idle_timeout_ms, 1, kMaxTimeoutMs,
        "An idle authenticated connection is closed after this");
  count(app, "unauthenticated_idle_timeout_ms", c.unauthenticated_idle_timeout_ms, 1, kMaxTimeoutMs,
        "...and one that has not authenticated, after this");
  count(app, "max_connections_per_source", c.max_connections_per_source, 1, kMaxCount,
        "Per peer address");
  count(app, "max_queued_bytes", c.max_queued_bytes, 1, kMaxBytes,
        "Request bytes queued or running at once (beyond: ThrottlingException)");
  count(app, "max_unsent_bytes", c.max_unsent_bytes, 1, kMaxBytes,
        "rpc: unread response bytes before a peer's requests stop being read");
  count(app, "scheduler_interval_ms", c.scheduler_interval_ms, 1, kMaxTimeoutMs,
        "How often due rotations and deletions are carried out");
  count(app, "version_cache_capacity", c.version_cache_capacity, 1, kMaxCount,
        "Key versions kept unwrapped in the token (session objects)");
  count(app, "domain_key_rotation_days", c.domain_key_rotation_days, 0, 36500,
        "Days between automatic domain key rotations (0: only `cofferd domain-key rotate`)");
  count(app, "rewrap_batch", c.rewrap_batch, 1, kMaxCount,
        "Key versions moved to a new domain key per scheduler tick");
  yes_no(app, "retire_domain_keys", c.retire_domain_keys,
         "Destroy a domain key once nothing refers to it (else: `cofferd domain-key rewrap`)");
  yes_no(app, "remove_orphans", c.remove_orphans,
         "At start-up: remove (true) or only report token objects no metadata names");
  setting(app, "log_level", c.log_level, "JSON lines on stderr from this level up")
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error"}));
  setting(app, "aws_listen", c.aws_listen, "AWS JSON API HOST:PORT; empty: off");
  setting(app, "rotation_functions_dir", c.rotation_functions_dir,
          "Secrets Manager rotation functions: NAME or NAME.py for ...:function:NAME");
  count(app, "rotation_step_timeout_ms", c.rotation_step_timeout_ms, 1, kMaxTimeoutMs,
        "A rotation function's step is stopped (and fails) after this");
  yes_no(app, "audit", c.audit, "Record every authenticated request in the audit trail");
  setting(app, "audit_dir", c.audit_dir, "Where the audit trail's files go (default STATE/audit)");
  count(app, "audit_file_bytes", c.audit_file_bytes, 4096, std::size_t{1} << 40,
        "An audit file is closed and a new one begun past this size");
  count(app, "audit_file_age_s", c.audit_file_age_s, 1, 366 * 86400,
        "An audit file is closed and a new one begun after this many seconds");
  count(app, "audit_digest_interval_s", c.audit_digest_interval_s, 1, 86400,
        "Seconds between signed digests of the audit trail");
  yes_no(app, "aws_tls", c.aws_tls, "TLS on aws_listen (required unless it is loopback)");
  setting(app, "regions", c.regions, "Comma list of regions; the first is `region`");
  yes_no(app, "accept_any_region", c.accept_any_region,
         "Development: a new region name makes its keyspace");
  yes_no(app, "aws_accept_security_token", c.aws_accept_security_token,
         "Accept (and ignore) X-Amz-Security-Token");

  app.get_help_ptr()->configurable(false);
  app.set_config("--config", "", "Read settings from FILE (`setting = value` lines)")
      ->type_name("FILE");
  app.config_formatter(std::make_shared<KeyValueConfigFile>(setting_names(app)));
}

}  // namespace coffer::cofferd
