#include "tools/cofferd/config_file.h"

#include <sstream>

namespace coffer::cofferd {
namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  const auto end = s.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : s.substr(begin, end - begin + 1);
}

// `#` at the start of the value or after a blank: a trailing comment of the old format.
bool has_trailing_comment(const std::string& value) {
  for (auto at = value.find('#'); at != std::string::npos; at = value.find('#', at + 1)) {
    if (at == 0 || value[at - 1] == ' ' || value[at - 1] == '\t') return true;
  }
  return false;
}

CLI::ConfigError line_error(int number, const std::string& problem) {
  return CLI::ConfigError("config line " + std::to_string(number) + ": " + problem);
}

}  // namespace

std::vector<CLI::ConfigItem> KeyValueConfigFile::from_config(std::istream& input) const {
  std::vector<CLI::ConfigItem> read;
  std::set<std::string> seen;
  std::string line;
  int number = 0;
  while (std::getline(input, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw line_error(number, "expected setting = value");
    CLI::ConfigItem item;
    item.name = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (settings_.count(item.name) == 0) {
      throw line_error(number, "unknown setting '" + item.name + "'");
    }
    if (!seen.insert(item.name).second) {
      throw line_error(number, "'" + item.name + "' is set twice");
    }
    if (has_trailing_comment(value)) {
      throw line_error(number, "'" + item.name + "': a comment must be on a line of its own");
    }
    item.inputs = {value};
    read.push_back(std::move(item));
  }
  return read;
}

std::string KeyValueConfigFile::to_config(const CLI::App* app, bool defaults, bool,
                                          std::string) const {
  std::ostringstream out;
  for (const CLI::Option* option : app->get_options()) {
    if (!option->get_configurable() || option->get_lnames().empty()) continue;
    const std::string name = option->get_lnames().back();  // the underscore spelling
    if (option->count() > 0) {
      out << name << " = " << option->as<std::string>() << "\n";
    } else if (defaults && !option->get_default_str().empty()) {
      out << name << " = " << option->get_default_str() << "\n";
    }
  }
  return out.str();
}

}  // namespace coffer::cofferd
