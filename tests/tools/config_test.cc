// cofferd's settings: from a --config file and from flags, with their checks.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/cofferd/command_line.h"

namespace coffer::cofferd {
namespace {

// A --config file in a directory of its own, removed afterwards.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text) {
    dir_ = std::filesystem::temp_directory_path() /
           ("coffer-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(next_++));
    std::filesystem::create_directories(dir_);
    std::ofstream(path()) << text;
  }
  ~ConfigFile() { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "cofferd.conf").string(); }

 private:
  static inline int next_ = 0;
  std::filesystem::path dir_;
};

struct Parsed {
  std::optional<tools::ParseExit> exit;
  DaemonCommandLine line;
};

Parsed parse(const std::vector<std::string>& args) {
  Parsed parsed;
  parsed.exit = parse_daemon_command_line(args, parsed.line);
  return parsed;
}

Parsed parse_file(const std::string& text, std::vector<std::string> more = {}) {
  ConfigFile file(text);
  std::vector<std::string> args = {"--config", file.path()};
  args.insert(args.end(), more.begin(), more.end());
  return parse(args);
}

std::string flag_of(std::string setting) {
  std::replace(setting.begin(), setting.end(), '_', '-');
  return "--" + setting;
}

// One setting: a value other than its default, and how to read it back as text.
struct SettingCase {
  std::string name;
  std::string value;
  std::function<std::string(const DaemonConfig&)> read;
};

template <class T>
std::function<std::string(const DaemonConfig&)> field(T DaemonConfig::*member) {
  return [member](const DaemonConfig& c) {
    if constexpr (std::is_same_v<T, bool>) {
      return std::string(c.*member ? "true" : "false");
    } else if constexpr (std::is_same_v<T, std::string>) {
      return c.*member;
    } else {
      return std::to_string(c.*member);
    }
  };
}

std::vector<SettingCase> every_setting() {
  using C = DaemonConfig;
  return {
      {"state_dir", "/srv/coffer", field(&C::state_dir)},
      {"listen", "0.0.0.0:8443", field(&C::listen)},
      {"tls", "false", field(&C::tls)},
      {"tls_cert", "/etc/coffer/server.pem", field(&C::tls_cert)},
      {"tls_key", "/etc/coffer/server.key", field(&C::tls_key)},
      {"tls_client_ca", "/etc/coffer/ca.pem", field(&C::tls_client_ca)},
      {"tls_client_principal_rules", "cn=* => role/$1", field(&C::tls_client_principal_rules)},
      {"allow_plaintext_loopback", "true", field(&C::allow_plaintext_loopback)},
      {"metrics_listen", "127.0.0.1:9999", field(&C::metrics_listen)},
      {"pkcs11_module", "/opt/hsm/lib.so", field(&C::pkcs11_module)},
      {"token_uri", "pkcs11:token=other", field(&C::token_uri)},
      {"pin_file", "/run/coffer/pin", field(&C::pin_file)},
      {"token_quirks", "cloudhsm", field(&C::token_quirks)},
      {"softhsm_autoinit", "false", field(&C::softhsm_autoinit)},
      {"sessions", "7", field(&C::sessions)},
      {"database", "/var/lib/coffer/meta.db", field(&C::database)},
      {"region", "eu-west-1", field(&C::region)},
      {"account_id", "999988887777", field(&C::account_id)},
      {"network_threads", "3", field(&C::network_threads)},
      {"workers", "5", field(&C::workers)},
      {"queue_capacity", "77", field(&C::queue_capacity)},
      {"max_connections", "10", field(&C::max_connections)},
      {"max_frame_bytes", "65536", field(&C::max_frame_bytes)},
      {"read_timeout_ms", "1234", field(&C::read_timeout_ms)},
      {"idle_timeout_ms", "4321", field(&C::idle_timeout_ms)},
      {"unauthenticated_idle_timeout_ms", "555", field(&C::unauthenticated_idle_timeout_ms)},
      {"max_connections_per_source", "9", field(&C::max_connections_per_source)},
      {"max_queued_bytes", "1000000", field(&C::max_queued_bytes)},
      {"max_unsent_bytes", "2000000", field(&C::max_unsent_bytes)},
      {"scheduler_interval_ms", "250", field(&C::scheduler_interval_ms)},
      {"remove_orphans", "true", field(&C::remove_orphans)},
      {"log_level", "debug", field(&C::log_level)},
      {"aws_listen", "127.0.0.1:4599", field(&C::aws_listen)},
      {"aws_tls", "true", field(&C::aws_tls)},
      {"regions", "eu-west-1,us-east-1", field(&C::regions)},
      {"accept_any_region", "true", field(&C::accept_any_region)},
      {"aws_accept_security_token", "true", field(&C::aws_accept_security_token)},
  };
}

TEST(DaemonConfigTest, EverySettingComesFromTheFile) {
  for (const auto& setting : every_setting()) {
    SCOPED_TRACE(setting.name);
    const DaemonConfig defaults = parse({}).line.config;
    ASSERT_NE(setting.read(defaults), setting.value) << "pick a value other than the default";
    auto parsed = parse_file(setting.name + " = " + setting.value + "\n");
    ASSERT_FALSE(parsed.exit) << parsed.exit->text;
    EXPECT_EQ(setting.read(parsed.line.config), setting.value);
  }
}

TEST(DaemonConfigTest, EverySettingComesFromItsFlagInBothSpellings) {
  for (const auto& setting : every_setting()) {
    for (const auto& flag : {flag_of(setting.name), "--" + setting.name}) {
      SCOPED_TRACE(flag);
      auto parsed = parse({flag, setting.value});
      ASSERT_FALSE(parsed.exit) << parsed.exit->text;
      EXPECT_EQ(setting.read(parsed.line.config), setting.value);
    }
  }
}

TEST(DaemonConfigTest, AllowUnauthenticatedLoopbackIsABareFlagAndAFileSetting) {
  EXPECT_TRUE(
      parse({"--allow-unauthenticated-loopback"}).line.config.allow_unauthenticated_loopback);
  auto on = parse_file("allow_unauthenticated_loopback = true\n");
  ASSERT_FALSE(on.exit) << on.exit->text;
  EXPECT_TRUE(on.line.config.allow_unauthenticated_loopback);
  auto off = parse_file("allow_unauthenticated_loopback = false\n");
  ASSERT_FALSE(off.exit) << off.exit->text;
  EXPECT_FALSE(off.line.config.allow_unauthenticated_loopback);
}

TEST(DaemonConfigTest, FlagOverridesTheFile) {
  auto parsed = parse_file("listen = 10.0.0.1:1\nsessions = 2\n", {"--listen", "127.0.0.1:2"});
  ASSERT_FALSE(parsed.exit) << parsed.exit->text;
  EXPECT_EQ(parsed.line.config.listen, "127.0.0.1:2");
  EXPECT_EQ(parsed.line.config.sessions, 2u);  // not overridden: from the file
}

TEST(DaemonConfigTest, PlaintextLoopbackShortcutOverridesTheFile) {
  auto parsed = parse_file("tls = true\n", {"--plaintext-loopback"});
  ASSERT_FALSE(parsed.exit) << parsed.exit->text;
  EXPECT_FALSE(parsed.line.config.tls);
  EXPECT_TRUE(parsed.line.config.allow_plaintext_loopback);
}

TEST(DaemonConfigTest, ExplicitTlsFlagBeatsThePlaintextShortcut) {
  for (const auto& args : {std::vector<std::string>{"--plaintext-loopback", "--tls", "true"},
                           std::vector<std::string>{"--tls=true", "--plaintext-loopback"}}) {
    auto parsed = parse(args);
    ASSERT_FALSE(parsed.exit) << parsed.exit->text;
    EXPECT_TRUE(parsed.line.config.tls);
    EXPECT_TRUE(parsed.line.config.allow_plaintext_loopback);
  }
}

// run.sh passes --aws-listen "" to turn the AWS listener off.
TEST(DaemonConfigTest, EmptyValueTurnsAListenerOff) {
  auto flag = parse({"--metrics-listen", "", "--aws-listen", ""});
  ASSERT_FALSE(flag.exit) << flag.exit->text;
  EXPECT_EQ(flag.line.config.metrics_listen, "");
  EXPECT_EQ(flag.line.config.aws_listen, "");
  auto file = parse_file("metrics_listen =\n");
  ASSERT_FALSE(file.exit) << file.exit->text;
  EXPECT_EQ(file.line.config.metrics_listen, "");
}

TEST(DaemonConfigTest, CommentsAndBlankLinesAreIgnored) {
  auto parsed = parse_file(
      "# a comment\n"
      "\n"
      "   # an indented comment: listen = 1.2.3.4:5\n"
      "  \t \n"
      "region = ap-south-1\n");
  ASSERT_FALSE(parsed.exit) << parsed.exit->text;
  EXPECT_EQ(parsed.line.config.region, "ap-south-1");
  EXPECT_EQ(parsed.line.config.listen, "127.0.0.1:7443");
}

TEST(DaemonConfigTest, HashInsideAValueIsKept) {
  auto parsed = parse_file("state_dir = /tmp/a#b/state\npin_file = #pin\n");
  EXPECT_TRUE(parsed.exit) << "a value starting with # is an old trailing comment";
  parsed = parse_file("state_dir = /tmp/a#b/state\n");
  ASSERT_FALSE(parsed.exit) << parsed.exit->text;
  EXPECT_EQ(parsed.line.config.state_dir, "/tmp/a#b/state");
  EXPECT_EQ(parsed.line.config.database, "/tmp/a#b/state/coffer.db");
}

TEST(DaemonConfigTest, TrailingCommentIsRefusedNotKeptInTheValue) {
  auto parsed = parse_file("listen = 127.0.0.1:7443   # the rpc port\n");
  ASSERT_TRUE(parsed.exit);
  EXPECT_EQ(parsed.exit->status, 2);
  EXPECT_NE(parsed.exit->text.find("comment"), std::string::npos) << parsed.exit->text;
}

TEST(DaemonConfigTest, LogLevelWarningIsAcceptedAndMeansWarn) {
  auto parsed = parse_file("log_level = warning\n");
  ASSERT_FALSE(parsed.exit) << parsed.exit->text;
  EXPECT_EQ(parsed.line.config.min_log_level(), LogLevel::kWarn);
  for (const auto& [name, level] :
       std::vector<std::pair<std::string, LogLevel>>{{"debug", LogLevel::kDebug},
                                                     {"info", LogLevel::kInfo},
                                                     {"warn", LogLevel::kWarn},
                                                     {"error", LogLevel::kError}}) {
    auto each = parse({"--log-level", name});
    ASSERT_FALSE(each.exit) << each.exit->text;
    EXPECT_EQ(each.line.config.min_log_level(), level) << name;
  }
}

TEST(DaemonConfigTest, LogLevelLoudIsRefusedNamingTheSetting) {
  for (const auto& parsed : {parse_file("log_level = loud\n"), parse({"--log-level", "loud"})}) {
    ASSERT_TRUE(parsed.exit);
    EXPECT_EQ(parsed.exit->status, 2);
    EXPECT_NE(parsed.exit->text.find("log-level"), std::string::npos) << parsed.exit->text;
    EXPECT_NE(parsed.exit->text.find("loud"), std::string::npos) << parsed.exit->text;
  }
}

// A usage error: status 2 and one line on stderr that holds `words`.
void expect_usage_error(const Parsed& parsed, const std::vector<std::string>& words) {
  ASSERT_TRUE(parsed.exit);
  EXPECT_EQ(parsed.exit->status, 2);
  const std::string& text = parsed.exit->text;
  EXPECT_TRUE(text.starts_with("cofferd: ")) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  for (const auto& word : words) EXPECT_NE(text.find(word), std::string::npos) << text;
}

TEST(DaemonConfigTest, UnknownSettingInTheFileIsNamed) {
  expect_usage_error(parse_file("listen = x\nlisten_port = 7443\n"),
                     {"unknown setting 'listen_port'", "line 2"});
}

TEST(DaemonConfigTest, UnknownFlagIsNamed) {
  expect_usage_error(parse({"--listen-port", "1"}), {"--listen-port"});
}

TEST(DaemonConfigTest, LineWithoutEqualsIsRefused) {
  expect_usage_error(parse_file("tls\n"), {"line 1", "setting = value"});
}

TEST(DaemonConfigTest, SettingTwiceInTheFileIsRefused) {
  expect_usage_error(parse_file("sessions = 2\nsessions = 3\n"), {"sessions", "twice"});
}

TEST(DaemonConfigTest, BadNumbersAreRefused) {
  for (const std::string value : {"four", "1.5", "-1", "0x10", "12abc", "", "+3"}) {
    SCOPED_TRACE(value);
    expect_usage_error(parse_file("sessions = " + value + "\n"), {"sessions", "whole number"});
    expect_usage_error(parse({"--read-timeout-ms", value}), {"read-timeout-ms"});
  }
}

TEST(DaemonConfigTest, LeadingZeroIsDecimalNotOctal) {
  auto parsed = parse({"--sessions", "010"});
  ASSERT_FALSE(parsed.exit) << parsed.exit->text;
  EXPECT_EQ(parsed.line.config.sessions, 10u);
}

TEST(DaemonConfigTest, OutOfRangeIsRefused) {
  expect_usage_error(parse_file("sessions = 0\n"), {"sessions", "[1, 1024]"});
  expect_usage_error(parse({"--network-threads", "0"}), {"network-threads"});
  expect_usage_error(parse({"--read-timeout-ms", "0"}), {"read-timeout-ms"});
  expect_usage_error(parse({"--max-frame-bytes", "99999999999999999999999"}), {"max-frame-bytes"});
}

TEST(DaemonConfigTest, WorkersZeroMeansOnePerSession) {
  auto parsed = parse({"--workers", "0", "--sessions", "3"});
  ASSERT_FALSE(parsed.exit) << parsed.exit->text;
  EXPECT_EQ(parsed.line.config.workers, 3u);
  EXPECT_EQ(parsed.line.config.queue_capacity, 3u * 256);
}

TEST(DaemonConfigTest, BadBooleanAndQuirksAreRefused) {
  expect_usage_error(parse_file("tls = maybe\n"), {"tls", "maybe"});
  expect_usage_error(parse({"--token-quirks", "thales"}), {"token-quirks", "thales"});
}

TEST(DaemonConfigTest, MissingConfigFileIsAUsageError) {
  expect_usage_error(parse({"--config", "/nonexistent/cofferd.conf"}),
                     {"/nonexistent/cofferd.conf"});
}

TEST(DaemonConfigTest, TheSampleFileParses) {
  auto parsed = parse({"--config", COFFER_SOURCE_DIR "/docs/cofferd.conf.sample"});
  ASSERT_FALSE(parsed.exit) << parsed.exit->text;
  EXPECT_EQ(parsed.line.config.listen, "127.0.0.1:7443");
  EXPECT_EQ(parsed.line.config.token_quirks, "softhsm");
  EXPECT_EQ(parsed.line.config.queue_capacity, 1024u);
}

TEST(DaemonCommandLineTest, PrincipalSubcommands) {
  auto put = parse({"principal", "put-policy", "--principal", "role/App", "--policy-name", "P",
                    "--policy-document", "file://p.json"});
  ASSERT_FALSE(put.exit) << put.exit->text;
  EXPECT_EQ(put.line.command, DaemonCommand::kPutPrincipalPolicy);
  EXPECT_EQ(put.line.principal, "role/App");
  EXPECT_EQ(put.line.policy_name, "P");
  EXPECT_EQ(put.line.policy_document, "file://p.json");
  auto remove =
      parse({"principal", "delete-policy", "--principal", "user/a", "--policy-name", "P"});
  ASSERT_FALSE(remove.exit) << remove.exit->text;
  EXPECT_EQ(remove.line.command, DaemonCommand::kDeletePrincipalPolicy);
  auto list = parse({"principal", "list-policies"});
  ASSERT_FALSE(list.exit) << list.exit->text;
  EXPECT_EQ(list.line.command, DaemonCommand::kListPrincipalPolicies);
  // A policy without a document, or the group without a command, is a usage error.
  expect_usage_error(
      parse({"principal", "put-policy", "--principal", "role/App", "--policy-name", "P"}),
      {"--policy-document"});
  expect_usage_error(parse({"principal"}), {"put-policy"});
}

TEST(DaemonCommandLineTest, AccessKeySubcommands) {
  auto create = parse({"--state-dir", "s", "access-key", "create", "--principal", "alice"});
  ASSERT_FALSE(create.exit) << create.exit->text;
  EXPECT_EQ(create.line.command, DaemonCommand::kCreateAccessKey);
  EXPECT_EQ(create.line.principal, "alice");
  EXPECT_EQ(create.line.config.state_dir, "s");

  auto revoke = parse({"access-key", "revoke", "--access-key-id", "AKID1", "--state-dir", "t"});
  ASSERT_FALSE(revoke.exit) << revoke.exit->text;
  EXPECT_EQ(revoke.line.command, DaemonCommand::kRevokeAccessKey);
  EXPECT_EQ(revoke.line.access_key_id, "AKID1");
  EXPECT_EQ(revoke.line.config.state_dir, "t");

  auto list = parse({"access-key", "list"});
  ASSERT_FALSE(list.exit) << list.exit->text;
  EXPECT_EQ(list.line.command, DaemonCommand::kListAccessKeys);

  EXPECT_EQ(parse({}).line.command, DaemonCommand::kServe);
}

TEST(DaemonCommandLineTest, AccessKeyUsageErrors) {
  expect_usage_error(parse({"access-key", "create"}), {"--principal"});
  expect_usage_error(parse({"access-key", "create", "--principal", ""}), {"--principal", "empty"});
  expect_usage_error(parse({"access-key", "revoke", "--access-key-id="}), {"--access-key-id"});
  expect_usage_error(parse({"access-key", "list", "extra"}), {"extra"});
  expect_usage_error(parse({"access-key", "list", "create", "--principal", "p"}), {"create"});
  expect_usage_error(parse({"access-key"}), {"create, revoke or list"});
  expect_usage_error(parse({"access-key", "rotate"}), {"rotate"});
  expect_usage_error(parse({"serve"}), {"serve"});
}

TEST(DaemonCommandLineTest, HelpExitsZeroWithGeneratedHelp) {
  auto help = parse({"--help"});
  ASSERT_TRUE(help.exit);
  EXPECT_EQ(help.exit->status, 0);
  EXPECT_NE(help.exit->text.find("usage: cofferd"), std::string::npos) << help.exit->text;
  EXPECT_NE(help.exit->text.find("--unauthenticated-idle-timeout-ms"), std::string::npos);
  EXPECT_NE(help.exit->text.find("access-key"), std::string::npos);

  auto sub = parse({"access-key", "create", "--help"});
  ASSERT_TRUE(sub.exit);
  EXPECT_EQ(sub.exit->status, 0);
  EXPECT_NE(sub.exit->text.find("--principal"), std::string::npos) << sub.exit->text;
}

}  // namespace
}  // namespace coffer::cofferd
