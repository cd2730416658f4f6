// coffer: the command-line client of a Coffer server. One subcommand per API operation,
// aws-CLI-like option names, tables for people and --json for scripts.
// Exit status: 0 success, 1 the operation failed, 2 the command line is wrong.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "client/client_config.h"
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/command_line.h"

namespace {

using namespace coffer::tools::cli;

std::unique_ptr<coffer::client::KmsClient> connect(const Args& args) {
  return std::make_unique<coffer::client::KmsClient>(client_config(args));
}

int run(int argc, char** argv) {
  const auto commands = all_commands();
  CommandLine command_line(commands);
  if (auto exit = command_line.parse({argv + 1, argv + argc})) {
    std::fputs(exit->text.c_str(), exit->status == 0 ? stdout : stderr);
    return exit->status;
  }
  const Args args = command_line.args();
  Context context(args, [&args] { return connect(args); });
  command_line.command().run(context);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int status = 1;
  try {
    status = run(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "coffer: %s\n", e.what());
    return coffer::tools::kUsageErrorStatus;
  } catch (const coffer::Error& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "coffer: %.*s: %s\n", static_cast<int>(e.name().size()), e.name().data(),
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "coffer: error: %s\n", e.what());
    return 1;
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "coffer: cannot write the output: %s\n", std::strerror(errno));
    return 1;
  }
  return status;
}
