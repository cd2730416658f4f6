// Running a CLI11 parse the way Coffer's programs report it: --help prints the help of the
// (sub)command on stdout and exits 0; a usage error prints one line naming the problem on
// stderr and exits 2.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace coffer::tools {

inline constexpr int kUsageErrorStatus = 2;

// The program stops before doing its work: with `status`, after printing `text` (on
// stdout when status is 0, on stderr otherwise).
struct ParseExit {
  int status;
  std::string text;
};

// Parses `args` (without the program name) into the variables `app` is bound to. Returns
// nothing when the program should go on.
std::optional<ParseExit> parse_command_line(CLI::App& app, const std::vector<std::string>& args);

// The line printed for a usage error: "PROGRAM: what is wrong".
std::string usage_error_line(const CLI::App& app, const std::string& problem);

// For main(): parses argv, prints what ParseExit says. Returns the exit status when the
// program should stop.
std::optional<int> parse_or_exit(CLI::App& app, int argc, const char* const* argv);

}  // namespace coffer::tools
