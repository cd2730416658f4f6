// A coffer subcommand: its name, one-line summary, options and what it does. Each
// commands_*.cc file contributes one group to the table; command_line.cc turns the table
// into CLI11 subcommands.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/kms_client.h"
#include "client/principals_client.h"
#include "client/secrets_client.h"
#include "tools/coffer/cli_args.h"

namespace coffer::tools::cli {

// What a subcommand runs with: its parsed options and a client made on first use (so
// usage errors are reported before any connection is tried).
class Context {
 public:
  Context(Args args, std::function<std::unique_ptr<client::KmsClient>()> connect)
      : args_(std::move(args)), connect_(std::move(connect)) {}

  const Args& args() const noexcept { return args_; }
  bool json() const { return args_.has("json"); }
  client::KmsClient& client() {
    if (!client_) client_ = connect_();
    return *client_;
  }
  // Secrets Manager, over the same connection as client().
  client::SecretsClient& secrets() {
    if (!secrets_) secrets_ = std::make_unique<client::SecretsClient>(client().shared_rpc());
    return *secrets_;
  }
  // Identity policies and the caller's identity, over the same connection as client().
  client::PrincipalsClient& principals() {
    if (!principals_)
      principals_ = std::make_unique<client::PrincipalsClient>(client().shared_rpc());
    return *principals_;
  }

 private:
  Args args_;
  std::function<std::unique_ptr<client::KmsClient>()> connect_;
  std::unique_ptr<client::KmsClient> client_;
  std::unique_ptr<client::SecretsClient> secrets_;
  std::unique_ptr<client::PrincipalsClient> principals_;
};

struct Command {
  std::string name;  // "list-keys", or "GROUP COMMAND" run as "coffer secrets create"
  std::string summary;
  std::vector<OptionSpec> options;
  std::function<void(Context&)> run;
};

void add_key_commands(std::vector<Command>& out);
void add_rotation_commands(std::vector<Command>& out);
void add_alias_commands(std::vector<Command>& out);
void add_tag_commands(std::vector<Command>& out);
void add_crypto_commands(std::vector<Command>& out);
void add_data_key_commands(std::vector<Command>& out);
void add_signing_commands(std::vector<Command>& out);
void add_file_commands(std::vector<Command>& out);
// coffer secrets ...: values and versions; describe, list, delete, tags; rotation and
// passwords; resource policies.
void add_secret_value_commands(std::vector<Command>& out);
void add_secret_management_commands(std::vector<Command>& out);
void add_secret_rotation_commands(std::vector<Command>& out);
void add_secret_policy_commands(std::vector<Command>& out);
// coffer principal put-policy|get-policy|delete-policy|list-policies, coffer whoami.
void add_principal_commands(std::vector<Command>& out);
// coffer audit verify|query: the audit trail's files, offline.
void add_audit_commands(std::vector<Command>& out);

}  // namespace coffer::tools::cli
