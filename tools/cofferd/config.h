// cofferd's configuration: a file of `key = value` lines (docs/cofferd.conf.sample), then
// `--key value` flags that override it. Both come from one CLI11 declaration per setting.
#pragma once

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

#include "common/log.h"

namespace coffer::cofferd {

struct DaemonConfig {
  std::string state_dir = "var";
  std::string listen = "127.0.0.1:7443";
  bool tls = true;
  std::string tls_cert, tls_key, tls_client_ca;
  // `FIELD=PATTERN => PRINCIPAL; ...` (server/net/certificate_principal_rules.h); empty: the
  // client certificate's CN, read as earlier releases read it.
  std::string tls_client_principal_rules;
  bool allow_plaintext_loopback = false;
  bool allow_unauthenticated_loopback = false;
  std::string metrics_listen = "127.0.0.1:9464";
  std::string pkcs11_module = "/usr/lib/softhsm/libsofthsm2.so";
  std::string token_uri = "pkcs11:token=coffer";
  std::string pin_file;  // default: STATE/user.pin
  std::string token_quirks = "softhsm";
  bool softhsm_autoinit = true;  // make STATE/softhsm2.conf and the token on first run
  std::size_t sessions = 4;
  std::string database;  // default: STATE/coffer.db
  std::string region = "us-east-1";
  std::string account_id = "111122223333";
  std::size_t network_threads = 1;
  std::size_t workers = 0;         // default: sessions
  std::size_t queue_capacity = 0;  // default: 256 per worker
  // A request that cannot start on a worker within this is answered ThrottlingException
  // (0: it waits as long as the queue holds it).
  std::size_t max_queue_time_ms = 1000;
  // Request quotas (server/quota/quota_settings.h), read again on SIGHUP; empty: none.
  std::string quotas_file;
  std::size_t max_connections = 1024;
  std::size_t max_frame_bytes = 1 << 20;
  std::size_t read_timeout_ms = 10'000;
  std::size_t idle_timeout_ms = 300'000;
  // Before a connection has authenticated, both listeners give it only this long to speak.
  std::size_t unauthenticated_idle_timeout_ms = 10'000;
  std::size_t max_connections_per_source = 128;
  // Request bytes queued or running at once, across both listeners.
  std::size_t max_queued_bytes = 64u << 20;
  // rpc: response bytes a peer may leave unread before its requests stop being read.
  std::size_t max_unsent_bytes = 4u << 20;
  std::size_t scheduler_interval_ms = 60'000;
  // The key hierarchy: unwrapped versions kept in the token, domain key rotation period in
  // days (0: only by command), versions re-wrapped per scheduler tick.
  std::size_t version_cache_capacity = 10000;
  std::size_t domain_key_rotation_days = 0;
  std::size_t rewrap_batch = 200;
  bool retire_domain_keys = true;  // destroy a domain key nothing refers to (a token write)
  bool remove_orphans =
      false;  // reconciler: report token objects no metadata names, or remove them
  std::string log_level = "info";  // debug | info | warn (or warning) | error
  // AWS JSON API (server/aws): empty aws_listen disables it. TLS uses tls_cert/tls_key.
  std::string aws_listen;
  bool aws_tls = false;            // required unless aws_listen is a loopback address
  std::string regions;             // comma list; the first is `region` (empty: just `region`)
  bool accept_any_region = false;  // development: a new region name makes its keyspace
  bool aws_accept_security_token = false;
  // Secrets Manager rotation: where Lambda-style rotation functions live (NAME or NAME.py
  // for arn:aws:lambda:...:function:NAME; empty: only the built-in rotators), how long one
  // step may run, and how long a rotation function's credential lives.
  std::string rotation_functions_dir;
  std::size_t rotation_step_timeout_ms = 60'000;
  // The audit trail (core/audit): one record per authenticated request on every front end,
  // hash-chained, in files under audit_dir that rotate by size and age, with a digest signed
  // by a key in the token every audit_digest_interval_s.
  bool audit = true;
  std::string audit_dir;  // default: STATE/audit
  std::size_t audit_file_bytes = 256u << 20;
  std::size_t audit_file_age_s = 3600;
  std::size_t audit_digest_interval_s = 3600;

  // The settings left at 0 or empty that default to others (workers: sessions, ...).
  void fill_defaults();
  LogLevel min_log_level() const;
};

// Declares every setting on `app`, bound to `config`: as `--setting-name VALUE` (or
// `--setting_name`) and as `setting_name = value` in the file of `--config FILE`, whose
// values the flags override. Names, checks (ranges, enums) and help live here.
void add_settings(CLI::App& app, DaemonConfig& config);

}  // namespace coffer::cofferd
