// Key id files, one id per line: --key-ids-file reads one, --write-key-ids writes one, so
// the keys a --create-keys run made can drive the next runs.
#pragma once

#include <string>
#include <vector>

namespace coffer::tools::load {

// The ids in `path`, in order; surrounding blanks and empty lines are skipped. Throws
// std::runtime_error when the file cannot be read.
std::vector<std::string> read_key_ids(const std::string& path);

// Writes `ids` to `path`, one per line, replacing the file. Throws std::runtime_error when
// it cannot.
void write_key_ids(const std::string& path, const std::vector<std::string>& ids);

}  // namespace coffer::tools::load
