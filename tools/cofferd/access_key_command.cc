#include "tools/cofferd/access_key_command.h"

#include <cstdio>
#include <stdexcept>

#include "core/access_keys.h"
#include "core/sqlite_store.h"
#include "tools/cofferd/first_run.h"

namespace coffer::daemon {

int run_access_key_command(const DaemonConfig& config, const std::vector<std::string>& words) {
  std::string principal;
  if (words.empty() || words[0] != "create") {
    throw std::runtime_error("usage: cofferd [--state-dir DIR] access-key create --principal NAME");
  }
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "--principal" && i + 1 < words.size())
      principal = words[++i];
    else
      throw std::runtime_error("access-key create: unexpected argument '" + words[i] + "'");
  }
  if (principal.empty()) throw std::runtime_error("access-key create needs --principal NAME");

  if (config.softhsm_autoinit && config.pkcs11_module.find("softhsm") != std::string::npos) {
    prepare_softhsm(config.state_dir, "coffer");
  }
  pkcs11::TokenConfig token_config;
  token_config.module_path = config.pkcs11_module;
  token_config.token_uri = config.token_uri;
  token_config.pin = pkcs11::PinSource::from_file(config.pin_file);
  token_config.quirks = config.token_quirks;
  token_config.pool.max_sessions = 1;
  pkcs11::Token token(token_config);
  core::SqliteStore store(config.database);
  core::SystemClock clock;
  core::AccessKeys keys(token, store, clock);
  auto made = keys.create(principal);
  std::printf("%s %s\n", made.access_key_id.c_str(), made.secret.c_str());
  return 0;
}

}  // namespace coffer::daemon
