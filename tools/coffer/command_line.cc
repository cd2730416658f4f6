#include "tools/coffer/command_line.h"

#include "tools/command_line/help_format.h"
#include "tools/command_line/whole_number.h"

namespace coffer::tools::cli {
namespace {

constexpr const char* kDescription =
    "The command-line client of a Coffer key management server.\n"
    "Exit status: 0 success, 1 the operation failed, 2 the command line is wrong.";

const std::vector<OptionSpec>& global_options() {
  static const std::vector<OptionSpec> options = {
      {"endpoint", "HOST:PORT", "Server address (default $COFFER_ENDPOINT or 127.0.0.1:7443)"},
      {"ca-file", "FILE", "CA certificates that sign the server's certificate ($COFFER_CA_FILE)"},
      {"cert", "FILE", "Client certificate for mutual TLS ($COFFER_CERT_FILE)"},
      {"key", "FILE", "Private key of --cert ($COFFER_KEY_FILE)"},
      {"api-key-file", "FILE",
       "File holding AKID:SECRET ($COFFER_API_KEY_FILE, or $COFFER_API_KEY)"},
      {"plaintext-tcp", "", "No TLS (development servers on loopback only; or COFFER_TLS=0)"},
      {"timeout", "SECONDS", "Give up on a request after this long (default 30)", false, false,
       IntRange{1, 3600}},
      {"json", "", "Print the response as JSON (bytes in base64)"},
  };
  return options;
}

void add_option(CLI::App& app, const OptionSpec& spec, const std::string& group) {
  const std::string name = "--" + spec.name;
  const std::string help = spec.repeatable ? spec.help + " (repeatable)" : spec.help;
  CLI::Option* option = spec.value_name.empty()
                            ? app.add_flag(name, help)
                            : app.add_option(name, help)->type_name(spec.value_name);
  option->group(group);
  if (spec.range) {
    option->transform(whole_number(static_cast<std::uint64_t>(spec.range->min),
                                   static_cast<std::uint64_t>(spec.range->max)));
  }
  if (spec.required) option->required();
  if (spec.repeatable) option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// Groups of commands run as "coffer GROUP COMMAND" (a Command named "GROUP COMMAND").
struct Group {
  const char* name;
  const char* summary;
};
constexpr Group kGroups[] = {
    {"secrets", "Secrets Manager: secrets, versions, rotation, policies ('coffer secrets --help')"},
};

// "secrets create" -> {"secrets", "create"}; "list-keys" -> {"", "list-keys"}.
std::pair<std::string, std::string> split_name(const std::string& name) {
  const auto space = name.find(' ');
  if (space == std::string::npos) return {"", name};
  return {name.substr(0, space), name.substr(space + 1)};
}

// The values of `app`'s options that were given, by name without "--".
void collect(const CLI::App& app, std::map<std::string, std::vector<std::string>>& values) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() == 0 || option->get_lnames().empty()) continue;
    auto& slot = values[option->get_lnames().front()];
    for (const auto& result : option->results()) slot.push_back(result);
    if (slot.empty()) slot.emplace_back();
  }
}

}  // namespace

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
  add_secret_value_commands(commands);
  add_secret_management_commands(commands);
  add_secret_rotation_commands(commands);
  add_secret_policy_commands(commands);
  add_principal_commands(commands);
  add_audit_commands(commands);
  return commands;
}

CommandLine::CommandLine(const std::vector<Command>& commands)
    : commands_(commands), app_(kDescription, "coffer") {
  use_help_format(app_);
  // Words CLI11 cannot place are reported below as unknown commands or options.
  app_.allow_extras();
  app_.require_subcommand(0, 1);  // a second command name is an unexpected argument
  for (const auto& spec : global_options()) add_option(app_, spec, "Global options");
  app_.footer("Run 'coffer COMMAND --help' for the options of a command.");
  for (const auto& command : commands_) {
    const auto [group_name, leaf] = split_name(command.name);
    CLI::App* parent = &app_;
    if (!group_name.empty()) {
      parent = nullptr;
      for (CLI::App* sub : app_.get_subcommands({}))
        if (sub->get_name() == group_name) parent = sub;
      if (!parent) {
        std::string summary;
        for (const auto& g : kGroups)
          if (group_name == g.name) summary = g.summary;
        parent = app_.add_subcommand(group_name, summary);
        parent->fallthrough();
        parent->require_subcommand(0, 1);
        parent->footer("Run 'coffer " + group_name +
                       " COMMAND --help' for the options of a command.");
      }
    }
    CLI::App* sub = parent->add_subcommand(leaf, command.summary);
    sub->fallthrough();  // global options after the command name
    sub->footer("Global options (before or after the command): see 'coffer --help'.");
    for (const auto& spec : command.options) add_option(*sub, spec, "Options");
  }
  // "coffer help COMMAND" is answered in parse(); declared here for the help text.
  help_command_ = app_.add_subcommand("help", "Show the help of coffer or of a command");
  help_command_->add_option("command", help_topic_, "The command");
}

std::optional<ParseExit> CommandLine::usage_error(const std::string& problem) const {
  return ParseExit{kUsageErrorStatus, usage_error_line(app_, problem)};
}

std::optional<ParseExit> CommandLine::help_for(const std::string& command_name) const {
  if (command_name.empty()) return ParseExit{0, app_.help()};
  const auto [group_name, leaf] = split_name(command_name);
  const CLI::App* parent = &app_;
  std::string prefix = "coffer";
  if (!group_name.empty()) {
    parent = nullptr;
    for (const CLI::App* sub : app_.get_subcommands({}))
      if (sub->get_name() == group_name) parent = sub;
    if (!parent) return usage_error("unknown command '" + command_name + "'");
    prefix += " " + group_name;
  }
  for (const CLI::App* sub : parent->get_subcommands({})) {
    if (sub->get_name() == leaf) return ParseExit{0, sub->help(prefix)};
  }
  return usage_error("unknown command '" + command_name + "'");
}

std::optional<ParseExit> CommandLine::parse(const std::vector<std::string>& args) {
  // "coffer help COMMAND" before CLI11, which would take COMMAND for a subcommand to run.
  if (args.size() == 2 && args.front() == "help" && !args.back().starts_with("-")) {
    return help_for(args.back());
  }
  if (args.size() == 3 && args.front() == "help" && !args[1].starts_with("-") &&
      !args[2].starts_with("-")) {
    return help_for(args[1] + " " + args[2]);  // coffer help secrets create
  }
  if (auto exit = parse_command_line(app_, args)) return exit;
  const auto extras = app_.remaining(true);
  const std::vector<CLI::App*> chosen = app_.get_subcommands();
  if (!extras.empty()) {
    const std::string& word = extras.front();
    if (word.starts_with("-"))
      return usage_error("unknown option " + word.substr(0, word.find('=')));
    if (chosen.empty()) return usage_error("unknown command '" + word + "'");
    const CLI::App* first = chosen.front();
    if (!first->get_subcommands({}).empty() && first->get_subcommands().empty())
      return usage_error("unknown command '" + first->get_name() + " " + word + "'");
    return usage_error("unexpected argument '" + word + "'");
  }
  if (chosen.empty()) return usage_error("no command given");
  if (chosen.front() == help_command_) return help_for(help_topic_);
  std::string name = chosen.front()->get_name();
  if (!chosen.front()->get_subcommands({}).empty()) {  // a group: its command is next
    const std::vector<CLI::App*> in_group = chosen.front()->get_subcommands();
    if (in_group.empty())
      return usage_error("'" + name + "' needs a command: see 'coffer " + name + " --help'");
    name += " " + in_group.front()->get_name();
  }
  for (const auto& command : commands_) {
    if (command.name == name) selected_ = &command;
  }
  return std::nullopt;
}

Args CommandLine::args() const {
  std::map<std::string, std::vector<std::string>> values;
  collect(app_, values);
  for (const CLI::App* sub : app_.get_subcommands()) {
    collect(*sub, values);
    for (const CLI::App* leaf : sub->get_subcommands()) collect(*leaf, values);
  }
  return Args(std::move(values));
}

}  // namespace coffer::tools::cli
