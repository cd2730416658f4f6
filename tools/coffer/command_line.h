// coffer's command line on CLI11: one subcommand per Command of the table (command.h) with
// the options it declares, the global options (accepted before or after the subcommand),
// generated help, and "coffer help [COMMAND]".
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tools/coffer/command.h"
#include "tools/command_line/parse.h"

namespace coffer::tools::cli {

// Every subcommand coffer has.
std::vector<Command> all_commands();

class CommandLine {
 public:
  // `commands` must outlive this.
  explicit CommandLine(const std::vector<Command>& commands);
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Parses `args` (without the program name). Returns what to print and the exit status
  // when coffer should stop (help: 0; usage error: 2, one line naming the problem).
  std::optional<ParseExit> parse(const std::vector<std::string>& args);

  // After parse() returned nothing: the command to run and the options given to it
  // (the global ones included).
  const Command& command() const { return *selected_; }
  Args args() const;

 private:
  std::optional<ParseExit> usage_error(const std::string& problem) const;
  std::optional<ParseExit> help_for(const std::string& command_name) const;

  const std::vector<Command>& commands_;
  CLI::App app_;
  CLI::App* help_command_ = nullptr;
  std::string help_topic_;
  const Command* selected_ = nullptr;
};

}  // namespace coffer::tools::cli
