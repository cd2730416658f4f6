// The format of cofferd's --config file for CLI11: `setting = value` lines. A line whose
// first non-blank character is `#` is a comment; a `#` anywhere else is part of the value
// (paths may hold one). A value cannot hold whitespace followed by `#`: that is an old-style
// trailing comment, refused rather than silently kept in the value.
#pragma once

#include <istream>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace coffer::cofferd {

class KeyValueConfigFile : public CLI::Config {
 public:
  // `settings`: the names a line may set; any other is an error naming it.
  explicit KeyValueConfigFile(std::set<std::string> settings) : settings_(std::move(settings)) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
  // `setting = value` lines for the values given (or all, with `defaults`).
  std::string to_config(const CLI::App* app, bool defaults, bool write_description,
                        std::string prefix) const override;

 private:
  std::set<std::string> settings_;
};

}  // namespace coffer::cofferd
