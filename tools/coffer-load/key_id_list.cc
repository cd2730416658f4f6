#include "tools/coffer-load/key_id_list.h"

#include <fstream>
#include <stdexcept>

namespace coffer::tools::load {

std::vector<std::string> read_key_ids(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    // Blanks and a CR: files written by hand or on another system.
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    ids.push_back(line.substr(first, last - first + 1));
  }
  if (in.bad()) throw std::runtime_error("cannot read " + path);
  return ids;
}

void write_key_ids(const std::string& path, const std::vector<std::string>& ids) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& id : ids) out << id << '\n';
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace coffer::tools::load
