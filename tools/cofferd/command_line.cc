#include "tools/cofferd/command_line.h"

#include "tools/command_line/help_format.h"

namespace coffer::cofferd {
namespace {

constexpr const char* kDescription =
    "cofferd: the Coffer key management service.\n"
    "Every setting of the configuration file (docs/cofferd.conf.sample) can be given as a "
    "flag, which overrides the file.";

const CLI::Validator kNotEmpty(
    [](std::string& value) { return value.empty() ? std::string("must not be empty") : ""; }, "");

// `access-key create|revoke|list`: offline, on the token and store the settings name.
CLI::App* add_access_key_commands(CLI::App& app, DaemonCommandLine& out) {
  auto* access_key = app.add_subcommand(
      "access-key", "Manage access keys offline (a running daemon notices within a second)");
  access_key->fallthrough();
  access_key->require_subcommand(0, 1);  // a missing one is reported after parsing

  auto* create = access_key->add_subcommand(
      "create", "Make an access key; prints \"ACCESS_KEY_ID SECRET\" once");
  create->add_option("--principal", out.principal, "Who the key authenticates")
      ->check(kNotEmpty)
      ->required();
  create->callback([&out] { out.command = DaemonCommand::kCreateAccessKey; });

  auto* revoke = access_key->add_subcommand("revoke", "Deactivate an access key");
  revoke->add_option("--access-key-id", out.access_key_id, "The key to revoke")
      ->type_name("AKID")
      ->check(kNotEmpty)
      ->required();
  revoke->callback([&out] { out.command = DaemonCommand::kRevokeAccessKey; });

  auto* list = access_key->add_subcommand("list", "Show every access key and its state");
  list->callback([&out] { out.command = DaemonCommand::kListAccessKeys; });

  for (auto* command : {create, revoke, list}) command->fallthrough();
  return access_key;
}

// `principal put-policy|delete-policy|list-policies`: identity policies, offline on the store.
CLI::App* add_principal_commands(CLI::App& app, DaemonCommandLine& out) {
  auto* principal = app.add_subcommand(
      "principal",
      "Manage the identity policies of principals offline (a running daemon notices within a "
      "second)");
  principal->fallthrough();
  principal->require_subcommand(0, 1);
  auto* put = principal->add_subcommand("put-policy", "Attach or replace a named policy");
  auto* remove = principal->add_subcommand("delete-policy", "Remove a named policy");
  auto* list = principal->add_subcommand("list-policies", "Show the policies of principals");
  for (auto* command : {put, remove}) {
    command->add_option("--principal", out.principal, "user/NAME, role/NAME or an IAM ARN")
        ->check(kNotEmpty)
        ->required();
    command->add_option("--policy-name", out.policy_name, "The policy's name")
        ->check(kNotEmpty)
        ->required();
  }
  put->add_option("--policy-document", out.policy_document, "The policy as JSON, or file://PATH")
      ->check(kNotEmpty)
      ->required();
  list->add_option("--principal", out.principal, "Only this principal's");
  put->callback([&out] { out.command = DaemonCommand::kPutPrincipalPolicy; });
  remove->callback([&out] { out.command = DaemonCommand::kDeletePrincipalPolicy; });
  list->callback([&out] { out.command = DaemonCommand::kListPrincipalPolicies; });
  for (auto* command : {put, remove, list}) command->fallthrough();
  return principal;
}

// `domain-key rotate|rewrap|list` and `backup --out DIR` (tools/cofferd/domain_key_command.h).
CLI::App* add_key_hierarchy_commands(CLI::App& app, DaemonCommandLine& out) {
  auto* domain_key = app.add_subcommand(
      "domain-key", "Manage the region's domain keys (safe while the daemon serves)");
  domain_key->fallthrough();
  domain_key->require_subcommand(0, 1);
  auto* rotate = domain_key->add_subcommand(
      "rotate", "Make a new domain key; the scheduler re-wraps every key version under it");
  rotate->callback([&out] { out.command = DaemonCommand::kRotateDomainKey; });
  auto* rewrap = domain_key->add_subcommand(
      "rewrap", "Re-wrap every key version under the current domain key now");
  rewrap->callback([&out] { out.command = DaemonCommand::kRewrapDomainKeys; });
  auto* list = domain_key->add_subcommand("list", "Show the domain keys and what each wraps");
  list->callback([&out] { out.command = DaemonCommand::kListDomainKeys; });
  for (auto* command : {rotate, rewrap, list}) command->fallthrough();

  auto* backup = app.add_subcommand(
      "backup", "Copy the metadata store consistently into DIR while the daemon serves");
  backup->add_option("--out", out.backup_dir, "An empty or new directory")
      ->type_name("DIR")
      ->check(kNotEmpty)
      ->required();
  backup->callback([&out] { out.command = DaemonCommand::kBackup; });
  backup->fallthrough();
  return domain_key;
}

// Whether `args` hold `option` itself (as "--name" or "--name=..."), not just the file.
bool on_command_line(const std::vector<std::string>& args, const CLI::Option& option) {
  for (const auto& arg : args) {
    for (const auto& name : option.get_lnames()) {
      const std::string flag = "--" + name;
      if (arg == flag || arg.starts_with(flag + "=")) return true;
    }
  }
  return false;
}

}  // namespace

std::optional<tools::ParseExit> parse_daemon_command_line(const std::vector<std::string>& args,
                                                          DaemonCommandLine& out) {
  CLI::App app(kDescription, "cofferd");
  tools::use_help_format(app);
  add_settings(app, out.config);
  bool plaintext_loopback = false;
  app.add_flag("--plaintext-loopback", plaintext_loopback,
               "Development: no TLS, only on a loopback address (tls = false and "
               "allow_plaintext_loopback = true)")
      ->configurable(false);
  app.require_subcommand(0, 1);
  const CLI::App* access_key = add_access_key_commands(app, out);
  const CLI::App* domain_key = add_key_hierarchy_commands(app, out);
  const CLI::App* principal = add_principal_commands(app, out);
  if (auto exit = tools::parse_command_line(app, args)) return exit;
  // Checked here rather than by require_subcommand: an unknown word is named first.
  if (access_key->parsed() && out.command == DaemonCommand::kServe) {
    return tools::ParseExit{
        tools::kUsageErrorStatus,
        tools::usage_error_line(app, "access-key needs create, revoke or list")};
  }
  if (principal->parsed() && out.command == DaemonCommand::kServe) {
    return tools::ParseExit{
        tools::kUsageErrorStatus,
        tools::usage_error_line(app, "principal needs put-policy, delete-policy or list-policies")};
  }
  if (domain_key->parsed() && out.command == DaemonCommand::kServe) {
    return tools::ParseExit{
        tools::kUsageErrorStatus,
        tools::usage_error_line(app, "domain-key needs rotate, rewrap or list")};
  }
  // The shortcut beats the file; a --tls or --allow-plaintext-loopback flag beats the
  // shortcut (tests launch with it and add --tls true).
  if (plaintext_loopback) {
    if (!on_command_line(args, *app.get_option("--tls"))) out.config.tls = false;
    if (!on_command_line(args, *app.get_option("--allow-plaintext-loopback"))) {
      out.config.allow_plaintext_loopback = true;
    }
  }
  out.config.fill_defaults();
  return std::nullopt;
}

}  // namespace coffer::cofferd
