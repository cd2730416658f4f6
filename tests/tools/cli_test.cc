// The coffer and coffer-load command lines: parsed in-process with the real option tables.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/coffer-load/key_id_list.h"
#include "tools/coffer-load/load_command_line.h"
#include "tools/coffer/command_line.h"

namespace coffer::tools {
namespace {

// A usage error: status 2 and one line on stderr, "PROGRAM: ..." holding `words`.
void expect_usage_error(const std::optional<ParseExit>& exit, const std::string& program,
                        const std::vector<std::string>& words) {
  ASSERT_TRUE(exit) << "parsed without error";
  EXPECT_EQ(exit->status, 2);
  EXPECT_TRUE(exit->text.starts_with(program + ": ")) << exit->text;
  EXPECT_EQ(std::count(exit->text.begin(), exit->text.end(), '\n'), 1) << exit->text;
  for (const auto& word : words) EXPECT_NE(exit->text.find(word), std::string::npos) << exit->text;
}

class CofferCliTest : public ::testing::Test {
 protected:
  std::optional<ParseExit> parse(const std::vector<std::string>& args) { return line_.parse(args); }

  const std::vector<cli::Command> commands_ = cli::all_commands();
  cli::CommandLine line_{commands_};
};

TEST_F(CofferCliTest, CommandOptionsAndGlobalOptionsOnEitherSide) {
  auto exit = parse({"--endpoint", "h:1", "describe-key", "--key-id", "k1", "--json"});
  ASSERT_FALSE(exit) << exit->text;
  EXPECT_EQ(line_.command().name, "describe-key");
  const cli::Args args = line_.args();
  EXPECT_EQ(args.get("key-id"), "k1");
  EXPECT_EQ(args.get("endpoint"), "h:1");
  EXPECT_TRUE(args.has("json"));
  EXPECT_FALSE(args.has("plaintext-tcp"));
}

TEST_F(CofferCliTest, EqualsFormAndRepeatableOptions) {
  auto exit = parse({"create-key", "--description=a b", "--tags", "team=x", "--tags=env=prod"});
  ASSERT_FALSE(exit) << exit->text;
  const cli::Args args = line_.args();
  EXPECT_EQ(args.get("description"), "a b");
  EXPECT_EQ(args.all("tags"), (std::vector<std::string>{"team=x", "env=prod"}));
}

TEST_F(CofferCliTest, DashIsAValue) {
  auto exit = parse({"decrypt", "--in", "-", "--out", "-"});
  ASSERT_FALSE(exit) << exit->text;
  EXPECT_EQ(line_.args().get("in"), "-");
}

TEST_F(CofferCliTest, MissingRequiredOption) {
  expect_usage_error(parse({"encrypt", "--plaintext", "x"}), "coffer", {"key-id is required"});
}

TEST_F(CofferCliTest, UnknownOption) {
  expect_usage_error(parse({"list-keys", "--nope"}), "coffer", {"unknown option --nope"});
  expect_usage_error(parse({"list-keys", "--nope=1"}), "coffer", {"unknown option --nope"});
}

TEST_F(CofferCliTest, UnknownCommandAndNoCommand) {
  expect_usage_error(parse({"nope"}), "coffer", {"unknown command 'nope'"});
  expect_usage_error(parse({}), "coffer", {"no command given"});
  expect_usage_error(parse({"help", "nope"}), "coffer", {"unknown command 'nope'"});
}

TEST_F(CofferCliTest, UnexpectedWordAfterACommand) {
  expect_usage_error(parse({"list-keys", "extra"}), "coffer", {"unexpected argument 'extra'"});
}

TEST_F(CofferCliTest, OneCommandAtATime) {
  expect_usage_error(parse({"list-keys", "list-aliases"}), "coffer", {"list-aliases"});
}

TEST_F(CofferCliTest, SingleOptionGivenTwice) {
  expect_usage_error(parse({"describe-key", "--key-id", "a", "--key-id", "b"}), "coffer",
                     {"key-id"});
}

TEST_F(CofferCliTest, OptionNeedsAValue) {
  expect_usage_error(parse({"describe-key", "--key-id"}), "coffer", {"key-id"});
}

TEST_F(CofferCliTest, NumbersAreCheckedAgainstTheirDeclaredRange) {
  expect_usage_error(parse({"list-keys", "--limit", "0"}), "coffer", {"--limit", "[1, 1000]"});
  expect_usage_error(parse({"generate-random", "--number-of-bytes", "2k"}), "coffer",
                     {"--number-of-bytes", "whole number"});
  expect_usage_error(parse({"--timeout", "-5", "list-keys"}), "coffer", {"--timeout"});
  auto exit = parse({"enable-key-rotation", "--key-id", "k", "--rotation-period-in-days", "0100"});
  ASSERT_FALSE(exit) << exit->text;
  EXPECT_EQ(line_.args().get_int("rotation-period-in-days"), 100);
}

// "secrets get" -> {"secrets", "get"}.
std::vector<std::string> words_of(const std::string& name) {
  std::vector<std::string> words;
  std::size_t start = 0;
  for (auto space = name.find(' '); space != std::string::npos; space = name.find(' ', start)) {
    words.push_back(name.substr(start, space - start));
    start = space + 1;
  }
  words.push_back(name.substr(start));
  return words;
}

TEST_F(CofferCliTest, HelpListsEveryCommandAndExitsZero) {
  auto exit = parse({"--help"});
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->status, 0);
  EXPECT_NE(exit->text.find("\nusage: coffer"), std::string::npos) << exit->text;
  for (const auto& command : commands_) {
    const auto words = words_of(command.name);
    EXPECT_NE(exit->text.find("\n  " + words.front() + "  "), std::string::npos) << command.name;
    if (words.size() == 1) continue;
    // A grouped command is listed by its group's help.
    cli::CommandLine line(commands_);
    auto group = line.parse({words.front(), "--help"});
    ASSERT_TRUE(group);
    EXPECT_EQ(group->status, 0);
    EXPECT_NE(group->text.find("usage: coffer " + words.front() + " "), std::string::npos)
        << group->text;
    EXPECT_NE(group->text.find("\n  " + words.back() + "  "), std::string::npos) << command.name;
  }
}

TEST_F(CofferCliTest, GroupedCommandsTakeTheirOptionsAndTheGlobalOnes) {
  auto exit = parse({"secrets", "get", "--secret-id", "app/db", "--json", "--endpoint", "h:1"});
  ASSERT_FALSE(exit) << exit->text;
  EXPECT_EQ(line_.command().name, "secrets get");
  const cli::Args args = line_.args();
  EXPECT_EQ(args.get("secret-id"), "app/db");
  EXPECT_EQ(args.get("endpoint"), "h:1");
  EXPECT_TRUE(args.has("json"));
}

TEST_F(CofferCliTest, GroupWithoutOrWithAnUnknownCommand) {
  expect_usage_error(parse({"secrets"}), "coffer", {"'secrets' needs a command"});
  cli::CommandLine line(commands_);
  expect_usage_error(line.parse({"secrets", "nope"}), "coffer", {"unknown command 'secrets nope'"});
  cli::CommandLine help(commands_);
  expect_usage_error(help.parse({"help", "secrets", "nope"}), "coffer",
                     {"unknown command 'secrets nope'"});
  cli::CommandLine option(commands_);
  expect_usage_error(option.parse({"secrets", "get", "--secret-id", "x", "--nope"}), "coffer",
                     {"unknown option --nope"});
  cli::CommandLine range(commands_);
  expect_usage_error(
      range.parse({"secrets", "delete", "--secret-id", "x", "--recovery-window-in-days", "31"}),
      "coffer", {"--recovery-window-in-days", "[7, 30]"});
}

TEST_F(CofferCliTest, HelpCommandHasHelpToo) {
  for (const auto& args : {std::vector<std::string>{"help", "--help"}, {"help"}}) {
    cli::CommandLine line(commands_);
    auto exit = line.parse(args);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->status, 0);
    EXPECT_NE(exit->text.find("usage: coffer"), std::string::npos) << exit->text;
  }
}

TEST_F(CofferCliTest, EveryCommandHasGeneratedHelp) {
  for (const auto& command : commands_) {
    std::vector<std::string> with_flag = words_of(command.name);
    with_flag.push_back("--help");
    std::vector<std::string> with_help{"help"};
    for (const auto& word : words_of(command.name)) with_help.push_back(word);
    for (const auto& args : {with_flag, with_help}) {
      cli::CommandLine line(commands_);
      auto exit = line.parse(args);
      ASSERT_TRUE(exit) << command.name;
      EXPECT_EQ(exit->status, 0);
      EXPECT_NE(exit->text.find("usage: coffer " + command.name + " "), std::string::npos)
          << exit->text;
      for (const auto& option : command.options) {
        EXPECT_NE(exit->text.find("--" + option.name), std::string::npos) << option.name;
      }
    }
  }
}

// coffer-load

std::optional<ParseExit> parse_load(const std::vector<std::string>& args,
                                    load::LoadOptions& options) {
  return load::parse_load_command_line(args, options);
}

// A file for --key-ids-file or --write-key-ids in a directory of its own, removed afterwards.
class KeyIdFile {
 public:
  explicit KeyIdFile(const std::string& text) {
    dir_ = std::filesystem::temp_directory_path() /
           ("coffer-load-test-" + std::to_string(::getpid()) + "-" + std::to_string(next_++));
    std::filesystem::create_directories(dir_);
    std::ofstream(path()) << text;
  }
  ~KeyIdFile() { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "key-ids").string(); }

 private:
  static inline int next_ = 0;
  std::filesystem::path dir_;
};

TEST(CofferLoadCliTest, EveryOptionRoundTrips) {
  load::LoadOptions o;
  auto exit = parse_load({"--endpoint",
                          "h:9",
                          "--plaintext-tcp",
                          "--connections",
                          "4",
                          "--in-flight",
                          "16",
                          "--threads",
                          "2",
                          "--rate",
                          "5000",
                          "--duration",
                          "2.5",
                          "--warmup",
                          "0.5",
                          "--mix",
                          "encrypt=3,describe-key=1",
                          "--key-id",
                          "k",
                          "--payload-bytes",
                          "100",
                          "--json"},
                         o);
  ASSERT_FALSE(exit) << exit->text;
  EXPECT_EQ(o.client.endpoint, "h:9");
  EXPECT_FALSE(o.client.tls);
  EXPECT_EQ(o.connections, 4u);
  EXPECT_EQ(o.in_flight, 16u);
  EXPECT_EQ(o.threads, 2u);
  EXPECT_EQ(o.rate, 5000u);
  EXPECT_DOUBLE_EQ(o.duration.count(), 2.5);
  EXPECT_DOUBLE_EQ(o.warmup.count(), 0.5);
  ASSERT_EQ(o.mix.size(), 2u);
  EXPECT_EQ(o.mix[0].operation, "encrypt");
  EXPECT_EQ(o.mix[0].weight, 3u);
  EXPECT_EQ(o.mix[1].operation, "describe-key");
  EXPECT_EQ(o.key_id, "k");
  EXPECT_FALSE(o.create_key);
  EXPECT_EQ(o.payload_bytes, 100u);
  EXPECT_TRUE(o.json);
}

TEST(CofferLoadCliTest, Defaults) {
  load::LoadOptions o;
  auto exit = parse_load({"--create-key"}, o);
  ASSERT_FALSE(exit) << exit->text;
  EXPECT_TRUE(o.create_key);
  EXPECT_EQ(o.connections, 1u);
  EXPECT_EQ(o.in_flight, 64u);
  EXPECT_EQ(o.rate, 0u);  // closed loop
  EXPECT_DOUBLE_EQ(o.duration.count(), 10.0);
  ASSERT_EQ(o.mix.size(), 1u);
  EXPECT_EQ(o.mix[0].operation, "encrypt");
}

TEST(CofferLoadCliTest, ThreadsAreCappedByConnections) {
  load::LoadOptions o;
  ASSERT_FALSE(parse_load({"--create-key", "--threads", "8", "--connections", "3"}, o));
  EXPECT_EQ(o.threads, 3u);
}

TEST(CofferLoadCliTest, UsageErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--key-id", "x", "--mix", "bogus=1"}, "unknown operation 'bogus'"},
      {{"--key-id", "x", "--mix", "encrypt=x"}, "bad weight"},
      {{"--key-id", "x", "--create-key"}, "create-key"},
      {{}, "exactly one of --key-id, --key-ids-file, --create-key and --create-keys"},
      {{"--key-ids-file", "/nonexistent/coffer-load-keys"}, "key-ids-file"},
      {{"--create-keys", "10", "--key-id", "x"}, "create-keys"},
      {{"--create-keys", "10", "--create-key"}, "create-key"},
      {{"--create-keys", "10", "--mix", "encrypt=1"}, "mix"},
      {{"--create-keys", "10", "--duration", "5"}, "duration"},
      {{"--create-keys", "10", "--warmup", "1"}, "warmup"},
      {{"--create-keys", "10", "--rate", "100"}, "rate"},
      {{"--create-key", "--rate", "-5"}, "rate"},
      {{"--create-key", "--rate", "20000000"}, "rate"},
      {{"--create-keys", "0"}, "create-keys"},
      {{"--create-key", "--write-key-ids", "out"}, "create-keys"},
      {{"--create-key", "--duration", "0"}, "above 0"},
      {{"--create-key", "--duration", "nan"}, "duration"},
      {{"--create-key", "--warmup", "soon"}, "seconds"},
      {{"--create-key", "--connections", "0"}, "connections"},
      {{"--create-key", "--in-flight", "1.5"}, "whole number"},
      {{"--create-key", "--payload-bytes", "5000"}, "payload-bytes"},
      {{"--create-key", "--bogus"}, "--bogus"},
      {{"--create-key", "stray"}, "stray"},
  };
  for (const auto& [args, word] : cases) {
    SCOPED_TRACE(word);
    load::LoadOptions o;
    expect_usage_error(parse_load(args, o), "coffer-load", {word});
  }
}

TEST(CofferLoadCliTest, KeyIdsFileIsReadSkippingBlanks) {
  KeyIdFile file("k1\n\n  k2 \r\nk3");
  load::LoadOptions o;
  auto exit = parse_load({"--key-ids-file", file.path()}, o);
  ASSERT_FALSE(exit) << exit->text;
  EXPECT_EQ(o.key_ids, (std::vector<std::string>{"k1", "k2", "k3"}));
  EXPECT_TRUE(o.key_id.empty());
  EXPECT_FALSE(o.create_key);
  EXPECT_EQ(o.create_keys, 0u);
}

TEST(CofferLoadCliTest, KeyIdsFileExcludesTheOtherKeySources) {
  KeyIdFile file("k1\n");
  for (const std::string other : {"--key-id", "--create-key"}) {
    SCOPED_TRACE(other);
    std::vector<std::string> args = {"--key-ids-file", file.path(), other};
    if (other == "--key-id") args.push_back("k");
    load::LoadOptions o;
    expect_usage_error(parse_load(args, o), "coffer-load", {"--key-ids-file"});
  }
}

TEST(CofferLoadCliTest, KeyIdsFileWithNoIdIsAUsageError) {
  KeyIdFile file(" \n\n");
  load::LoadOptions o;
  expect_usage_error(parse_load({"--key-ids-file", file.path()}, o), "coffer-load", {"no key id"});
}

TEST(CofferLoadCliTest, CreateKeysIsACountWithItsOwnMix) {
  load::LoadOptions o;
  auto exit =
      parse_load({"--create-keys", "1000", "--write-key-ids", "ids.txt", "--in-flight", "32"}, o);
  ASSERT_FALSE(exit) << exit->text;
  EXPECT_EQ(o.create_keys, 1000u);
  EXPECT_EQ(o.write_key_ids, "ids.txt");
  EXPECT_EQ(o.in_flight, 32u);
  ASSERT_EQ(o.mix.size(), 1u);
  EXPECT_EQ(o.mix[0].operation, "create-key");
  EXPECT_DOUBLE_EQ(o.warmup.count(), 0.0);
}

TEST(CofferLoadCliTest, KeyIdListRoundTrips) {
  KeyIdFile file("");
  const std::vector<std::string> ids = {"a", "b-1", "c"};
  load::write_key_ids(file.path(), ids);
  EXPECT_EQ(load::read_key_ids(file.path()), ids);
  EXPECT_THROW(load::read_key_ids(file.path() + ".missing"), std::runtime_error);
}

TEST(CofferLoadCliTest, HelpExitsZero) {
  load::LoadOptions o;
  auto exit = parse_load({"--help"}, o);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->status, 0);
  EXPECT_NE(exit->text.find("usage: coffer-load"), std::string::npos);
  EXPECT_NE(exit->text.find("--payload-bytes"), std::string::npos);
  EXPECT_NE(exit->text.find("--key-ids-file"), std::string::npos);
  EXPECT_NE(exit->text.find("--create-keys"), std::string::npos);
}

}  // namespace
}  // namespace coffer::tools
