// coffer: the command-line client of a Coffer server. One subcommand per API operation,
// aws-CLI-like option names, tables for people and --json for scripts.
// Exit status: 0 success, 1 the operation failed, 2 the command line is wrong.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/client_config.h"
#include "tools/coffer/command.h"
#include "tools/coffer/command_helpers.h"

namespace {

using namespace coffer::tools::cli;

const std::vector<OptionSpec>& global_options() {
  static const std::vector<OptionSpec> options = {
      {"endpoint", "HOST:PORT", "Server address (default $COFFER_ENDPOINT or 127.0.0.1:7443)"},
      {"ca-file", "FILE", "CA certificates that sign the server's certificate ($COFFER_CA_FILE)"},
      {"cert", "FILE", "Client certificate for mutual TLS ($COFFER_CERT_FILE)"},
      {"key", "FILE", "Private key of --cert ($COFFER_KEY_FILE)"},
      {"api-key-file", "FILE",
       "File holding AKID:SECRET ($COFFER_API_KEY_FILE, or $COFFER_API_KEY)"},
      {"plaintext-tcp", "", "No TLS (development servers on loopback only; or COFFER_TLS=0)"},
      {"timeout", "SECONDS", "Give up on a request after this long (default 30)"},
      {"json", "", "Print the response as JSON (bytes in base64)"},
      {"help", "", "Show help"},
  };
  return options;
}

std::vector<Command> all_commands() {
  std::vector<Command> commands;
  add_key_commands(commands);
  add_rotation_commands(commands);
  add_alias_commands(commands);
  add_tag_commands(commands);
  add_crypto_commands(commands);
  add_data_key_commands(commands);
  add_signing_commands(commands);
  add_file_commands(commands);
  return commands;
}

void print_usage(const std::vector<Command>& commands) {
  std::printf(
      "usage: coffer [global options] <command> [options]\n\n"
      "The command-line client of a Coffer key management server.\n\ncommands:\n");
  std::size_t width = 0;
  for (const auto& c : commands) width = std::max(width, c.name.size());
  for (const auto& c : commands)
    std::printf("  %-*s  %s\n", static_cast<int>(width), c.name.c_str(), c.summary.c_str());
  std::printf(
      "\nglobal options (before or after the command):\n%s\n"
      "Run 'coffer <command> --help' for the options of a command.\n",
      describe_options(global_options()).c_str());
}

void print_command_usage(const Command& c) {
  std::printf("usage: coffer %s [options]\n\n%s.\n\noptions:\n%s\nglobal options:\n%s",
              c.name.c_str(), c.summary.c_str(), describe_options(c.options).c_str(),
              describe_options(global_options()).c_str());
}

std::unique_ptr<coffer::client::KmsClient> connect(const Args& args) {
  return std::make_unique<coffer::client::KmsClient>(client_config(args));
}

int run(int argc, char** argv, const std::vector<Command>& commands) {
  std::span<char* const> tokens(argv + 1, static_cast<std::size_t>(argc - 1));
  Args args;
  std::size_t at = 0;
  args.parse(global_options(), tokens, true, &at);
  if (at == tokens.size()) {
    if (args.has("help")) return print_usage(commands), 0;
    throw UsageError("no command given");
  }
  auto find = [&](const std::string& name) -> const Command& {
    for (const auto& c : commands) {
      if (c.name == name) return c;
    }
    throw UsageError("unknown command '" + name + "'");
  };
  if (std::string_view(tokens[at]) == "help") {  // "coffer help [command]"
    if (at + 1 == tokens.size()) return print_usage(commands), 0;
    return print_command_usage(find(tokens[at + 1])), 0;
  }
  const Command* command = &find(tokens[at]);
  std::vector<OptionSpec> options = global_options();
  options.insert(options.end(), command->options.begin(), command->options.end());
  args.parse(options, tokens.subspan(at + 1), false);
  if (args.has("help")) return print_command_usage(*command), 0;
  args.check_required(command->options);
  Context context(args, [&args] { return connect(args); });
  command->run(context);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto commands = all_commands();
  int status = 1;
  try {
    status = run(argc, argv, commands);
  } catch (const UsageError& e) {
    std::fprintf(stderr,
                 "coffer: %s\nRun 'coffer --help' or 'coffer <command> --help' for usage.\n",
                 e.what());
    return 2;
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
