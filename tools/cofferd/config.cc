#include "tools/cofferd/config.h"

#include <fstream>
#include <functional>
#include <stdexcept>

namespace coffer::daemon {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool parse_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw std::runtime_error("config: " + key + " must be true or false, not '" + v + "'");
}

std::size_t parse_size(const std::string& key, const std::string& v) {
  try {
    std::size_t used = 0;
    unsigned long long n = std::stoull(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return static_cast<std::size_t>(n);
  } catch (const std::exception&) {
    throw std::runtime_error("config: " + key + " must be a whole number, not '" + v + "'");
  }
}

void apply(DaemonConfig& c, const std::string& key, const std::string& value) {
  using Setter = std::function<void(const std::string&)>;
  auto text = [&](std::string& field) -> Setter { return [&field](const std::string& v) { field = v; }; };
  auto flag = [&](bool& field) -> Setter { return [&field, key](const std::string& v) { field = parse_bool(key, v); }; };
  auto size = [&](std::size_t& field) -> Setter {
    return [&field, key](const std::string& v) { field = parse_size(key, v); };
  };
  const std::map<std::string, Setter> setters = {
      {"state_dir", text(c.state_dir)},
      {"listen", text(c.listen)},
      {"tls", flag(c.tls)},
      {"tls_cert", text(c.tls_cert)},
      {"tls_key", text(c.tls_key)},
      {"tls_client_ca", text(c.tls_client_ca)},
      {"allow_plaintext_loopback", flag(c.allow_plaintext_loopback)},
      {"allow_unauthenticated_loopback", flag(c.allow_unauthenticated_loopback)},
      {"metrics_listen", text(c.metrics_listen)},
      {"pkcs11_module", text(c.pkcs11_module)},
      {"token_uri", text(c.token_uri)},
      {"pin_file", text(c.pin_file)},
      {"token_quirks", text(c.token_quirks)},
      {"softhsm_autoinit", flag(c.softhsm_autoinit)},
      {"sessions", size(c.sessions)},
      {"database", text(c.database)},
      {"region", text(c.region)},
      {"account_id", text(c.account_id)},
      {"network_threads", size(c.network_threads)},
      {"workers", size(c.workers)},
      {"queue_capacity", size(c.queue_capacity)},
      {"max_connections", size(c.max_connections)},
      {"max_frame_bytes", size(c.max_frame_bytes)},
      {"read_timeout_ms", size(c.read_timeout_ms)},
      {"idle_timeout_ms", size(c.idle_timeout_ms)},
      {"unauthenticated_idle_timeout_ms", size(c.unauthenticated_idle_timeout_ms)},
      {"max_connections_per_source", size(c.max_connections_per_source)},
      {"max_queued_bytes", size(c.max_queued_bytes)},
      {"max_unsent_bytes", size(c.max_unsent_bytes)},
      {"scheduler_interval_ms", size(c.scheduler_interval_ms)},
      {"remove_orphans", flag(c.remove_orphans)},
      {"log_level", text(c.log_level)},
      {"aws_listen", text(c.aws_listen)},
      {"aws_tls", flag(c.aws_tls)},
      {"regions", text(c.regions)},
      {"accept_any_region", flag(c.accept_any_region)},
      {"aws_accept_security_token", flag(c.aws_accept_security_token)},
  };
  auto it = setters.find(key);
  if (it == setters.end()) throw std::runtime_error("config: unknown setting '" + key + "'");
  it->second(value);
}

}  // namespace

void DaemonConfig::fill_defaults() {
  if (pin_file.empty()) pin_file = state_dir + "/user.pin";
  if (database.empty()) database = state_dir + "/coffer.db";
  if (sessions == 0) sessions = 1;
  if (workers == 0) workers = sessions;
  if (queue_capacity == 0) queue_capacity = 256 * workers;
  if (!regions.empty()) region = regions.substr(0, regions.find(','));
}

DaemonConfig load_config(const std::string& path, const std::map<std::string, std::string>& flags) {
  DaemonConfig config;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("config: cannot read " + path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      line = trim(line.substr(0, line.find('#')));
      if (line.empty()) continue;
      auto eq = line.find('=');
      if (eq == std::string::npos) {
        throw std::runtime_error("config: " + path + ":" + std::to_string(number) + ": expected key = value");
      }
      apply(config, trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
    }
  }
  for (const auto& [key, value] : flags) apply(config, key, value);
  config.fill_defaults();
  return config;
}

}  // namespace coffer::daemon
