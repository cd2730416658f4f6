#include "tools/cofferd/domain_key_command.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "core/hierarchy/key_material.h"
#include "core/store/sqlite_store.h"
#include "tools/cofferd/core_settings.h"

namespace coffer::cofferd {

int rotate_domain_key(const DaemonConfig& config) {
  pkcs11::Token token(token_config_of(config, 1));
  core::SqliteStore store(config.database);
  core::SystemClock clock;
  core::DomainKeys domain_keys(token, store, clock);
  const auto made = domain_keys.rotate(config.region);
  std::printf("domain key v%u of %s is current; key versions move to it as the scheduler runs\n",
              made.version, config.region.c_str());
  return 0;
}

int rewrap_domain_keys(const DaemonConfig& config) {
  pkcs11::Token token(token_config_of(config, 1));
  core::SqliteStore store(config.database);
  core::SystemClock clock;
  core::KeyMaterial material(token, store, clock);
  std::size_t total = 0;
  while (std::size_t moved = material.rewrap_step(config.region, config.rewrap_batch))
    total += moved;
  std::printf("%zu key versions re-wrapped in %s\n", total, config.region.c_str());
  return 0;
}

int list_domain_keys(const DaemonConfig& config) {
  core::SqliteStore store(config.database);
  for (const auto& key : store.list_domain_keys(config.region)) {
    std::printf("v%u %s %s wraps %zu key versions\n", key.version,
                key.active ? "current" : "retiring", key.token_object_id.c_str(),
                store.count_wrapped_under(config.region, key.version));
  }
  return 0;
}

int backup_store(const DaemonConfig& config, const std::string& out_dir) {
  if (mkdir(out_dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot make " + out_dir + ": " + std::strerror(errno));
  const std::string target = out_dir + "/coffer.db";
  struct stat existing {};
  if (stat(target.c_str(), &existing) == 0)
    throw std::runtime_error(target + " exists: back up into an empty directory");
  core::SqliteStore store(config.database);
  store.backup_to(target);
  // Read from the copy, so the manifest names exactly what the snapshot needs.
  core::SqliteStore copy(target);
  std::ofstream manifest(out_dir + "/MANIFEST");
  manifest << "coffer metadata store backup\nschema " << copy.schema_version() << "\n";
  for (const auto& key : copy.list_domain_keys(config.region))
    manifest << "domain_key " << key.region << " v" << key.version << " " << key.token_object_id
             << "\n";
  manifest.close();
  if (!manifest) throw std::runtime_error("cannot write " + out_dir + "/MANIFEST");
  std::printf("metadata store copied to %s; back up the token after this (docs/ARCHITECTURE.md)\n",
              target.c_str());
  return 0;
}

}  // namespace coffer::cofferd
