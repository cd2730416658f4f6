// Where an audit directory's chain ends, found when the log is opened after a stop or a crash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "core/audit/audit_digest.h"
#include "core/audit/audit_file_names.h"
#include "core/audit/sha256.h"

namespace coffer::core::audit {

struct RecoveredChain {
  std::uint64_t next_sequence = 0;
  Sha256Digest head_hash = kZeroDigest;
  std::vector<LogFileName> files;  // by first sequence; the last one is continued
};

// Reads the last complete line of the newest log file. A final line without its newline was
// never acknowledged (its append had not returned): it is cut away, and the cut is logged. A
// newest file left empty is removed. Throws Error(kInternal) when the last line is not a
// record, since continuing would fork the chain.
RecoveredChain recover_chain(const std::filesystem::path& directory);

// The newest digest, or nullopt when there is none. Throws Error(kInternal) if it does not
// parse (digests are written atomically, so that is damage, not a crash).
std::optional<AuditDigest> read_newest_digest(const std::filesystem::path& directory);

// Reads a whole small file; throws Error(kInternal) past max_bytes or on a read error.
std::string read_small_file(const std::filesystem::path& file, std::size_t max_bytes);

}  // namespace coffer::core::audit
