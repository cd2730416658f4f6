#include "tools/command_line/parse.h"

#include <algorithm>
#include <cstdio>

namespace coffer::tools {

std::string usage_error_line(const CLI::App& app, const std::string& problem) {
  std::string line = app.get_name() + ": " + problem;
  // One line, whatever a validator's message holds.
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line + "\n";
}

std::optional<ParseExit> parse_command_line(CLI::App& app, const std::vector<std::string>& args) {
  // CLI11 takes the arguments last first.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return ParseExit{0, app.help()};
  } catch (const CLI::CallForAllHelp&) {
    return ParseExit{0, app.help("", CLI::AppFormatMode::All)};
  } catch (const CLI::CallForVersion& e) {
    return ParseExit{0, std::string(e.what()) + "\n"};
  } catch (const CLI::ParseError& e) {
    return ParseExit{kUsageErrorStatus, usage_error_line(app, e.what())};
  }
  return std::nullopt;
}

std::optional<int> parse_or_exit(CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto exit = parse_command_line(app, args);
  if (!exit) return std::nullopt;
  std::fputs(exit->text.c_str(), exit->status == 0 ? stdout : stderr);
  return exit->status;
}

}  // namespace coffer::tools
