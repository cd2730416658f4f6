// cofferd's command line: the settings (flags and the --config file, tools/cofferd/config.h),
// the development shortcuts, and the offline `access-key`, `principal`, `domain-key` and
// `backup` subcommands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/cofferd/config.h"
#include "tools/command_line/parse.h"

namespace coffer::cofferd {

enum class DaemonCommand {
  kServe,
  kCreateAccessKey,
  kRevokeAccessKey,
  kListAccessKeys,
  kRotateDomainKey,
  kRewrapDomainKeys,
  kListDomainKeys,
  kBackup,
  kPutPrincipalPolicy,
  kDeletePrincipalPolicy,
  kListPrincipalPolicies,
};

struct DaemonCommandLine {
  DaemonConfig config;  // with fill_defaults() applied
  DaemonCommand command = DaemonCommand::kServe;
  std::string principal;      // access-key create
  std::string access_key_id;  // access-key revoke
  std::string backup_dir;     // backup --out
  // principal put-policy|delete-policy|list-policies (principal is shared with access-key)
  std::string policy_name;
  std::string policy_document;
};

// Parses `args` (without the program name) into `out`. Returns what to print and the exit
// status when cofferd should stop at once (--help, or a usage error: status 2).
std::optional<tools::ParseExit> parse_daemon_command_line(const std::vector<std::string>& args,
                                                          DaemonCommandLine& out);

}  // namespace coffer::cofferd
