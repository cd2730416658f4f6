// `cofferd domain-key rotate|rewrap|list` and `cofferd backup --out DIR`: offline commands on
// the token and store the settings name, safe while the daemon serves.
//   rotate  makes the region's next domain key; the daemon's scheduler re-wraps every version
//           under it (rewrap_batch per tick) and destroys the old key once nothing refers to it.
//   rewrap  does that re-wrapping here, to the end, instead of waiting for the scheduler.
//   list    shows the region's domain keys and how many versions each still wraps.
//   backup  writes a consistent snapshot of the metadata store to DIR/coffer.db (SQLite's
//           online backup) and DIR/MANIFEST, naming the domain keys the token backup must hold.
#pragma once

#include <string>

#include "tools/cofferd/config.h"

namespace coffer::cofferd {

int rotate_domain_key(const DaemonConfig& config);
int rewrap_domain_keys(const DaemonConfig& config);
int list_domain_keys(const DaemonConfig& config);
int backup_store(const DaemonConfig& config, const std::string& out_dir);

}  // namespace coffer::cofferd
