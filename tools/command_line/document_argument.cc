#include "tools/command_line/document_argument.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace coffer::tools {

std::string read_document_argument(const std::string& given) {
  constexpr std::string_view kFilePrefix = "file://";
  if (!given.starts_with(kFilePrefix)) return given;
  const std::string path = given.substr(kFilePrefix.size());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace coffer::tools
