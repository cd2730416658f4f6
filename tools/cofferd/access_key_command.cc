#include "tools/cofferd/access_key_command.h"

#include <cstdio>
#include <stdexcept>

#include "core/auth/access_keys.h"
#include "core/store/sqlite_store.h"
#include "tools/cofferd/core_settings.h"

namespace coffer::cofferd {

int create_access_key(const DaemonConfig& config, const std::string& principal) {
  pkcs11::Token token(token_config_of(config, 1));
  core::SqliteStore store(config.database);
  core::SystemClock clock;
  core::AccessKeys keys(token, store, clock);
  auto made = keys.create(principal);
  std::printf("%s %s\n", made.access_key_id.c_str(), made.secret.c_str());
  return 0;
}

// Only the store changes; a running daemon stops accepting the key within
// AccessKeys::kRecheckAfter.
int revoke_access_key(const DaemonConfig& config, const std::string& access_key_id) {
  core::SqliteStore store(config.database);
  auto record = store.get_access_key(access_key_id);
  if (!record) throw std::runtime_error("no access key " + access_key_id);
  record->active = false;
  store.put_access_key(*record);
  std::printf("revoked %s (principal %s)\n", access_key_id.c_str(), record->principal.c_str());
  return 0;
}

int list_access_keys(const DaemonConfig& config) {
  core::SqliteStore store(config.database);
  for (const auto& key : store.list_access_keys()) {
    std::printf("%s %s %s\n", key.access_key_id.c_str(), key.active ? "active " : "revoked",
                key.principal.c_str());
  }
  return 0;
}

}  // namespace coffer::cofferd
