// Command-line options for coffer: "--name value", "--name=value" and flags, checked
// against the options a subcommand declares. Misuse throws UsageError (exit status 2).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace coffer::tools::cli {

struct OptionSpec {
  std::string name;        // without the leading "--"
  std::string value_name;  // "ID", "FILE"...; empty for a flag
  std::string help;
  bool required = false;
  bool repeatable = false;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // Parses argv-style tokens until the end, or (stop_at_word) the first token that is not
  // an option, whose index it returns through `stopped_at`.
  void parse(std::span<const OptionSpec> specs, std::span<char* const> tokens, bool stop_at_word,
             std::size_t* stopped_at = nullptr);
  // Throws UsageError naming the first missing required option.
  void check_required(std::span<const OptionSpec> specs) const;

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  std::string required(const std::string& name) const;
  // An integer within [min, max], or a UsageError.
  std::optional<std::int64_t> get_int(const std::string& name, std::int64_t min,
                                      std::int64_t max) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// "  --key-id ID        The key ..." lines for a help text.
std::string describe_options(std::span<const OptionSpec> specs);

}  // namespace coffer::tools::cli
