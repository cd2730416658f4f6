// Command-line options for coffer: what a subcommand declares (OptionSpec; CLI11 parses
// them, tools/coffer/command_line.h) and the values given (Args). Misuse found after
// parsing throws UsageError (exit status 2).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace coffer::tools::cli {

// The whole numbers an option admits; CLI11 checks them while parsing.
struct IntRange {
  std::int64_t min;
  std::int64_t max;
};

struct OptionSpec {
  std::string name;        // without the leading "--"
  std::string value_name;  // "ID", "FILE"...; empty for a flag
  std::string help;
  bool required = false;
  bool repeatable = false;
  std::optional<IntRange> range;  // for a number
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The options given, by name (without "--"): each value in order; a flag has one empty value.
class Args {
 public:
  Args() = default;
  explicit Args(std::map<std::string, std::vector<std::string>> values)
      : values_(std::move(values)) {}

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  std::string required(const std::string& name) const;
  // The value of an option declared with a range (already checked by the parser).
  std::optional<std::int64_t> get_int(const std::string& name) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace coffer::tools::cli
