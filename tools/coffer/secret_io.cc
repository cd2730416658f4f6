#include "tools/coffer/secret_io.h"

#include <algorithm>

#include "common/hex.h"
#include "common/utf8.h"
#include "tools/coffer/blob_io.h"
#include "tools/coffer/output.h"

namespace coffer::tools::cli {

OptionSpec secret_id_option() { return {"secret-id", "ID", "The secret's name or ARN", true}; }

std::vector<OptionSpec> value_options(bool stdin_default) {
  const std::string file_help = stdin_default ? "Read the value from FILE ('-': stdin, the default)"
                                              : "Read the value from FILE ('-': stdin)";
  return {
      {"value", "TEXT", "The value as text (SecretString); visible to ps: prefer --value-file"},
      {"value-file", "FILE", file_help},
      {"binary", "", "Send the value as SecretBinary (from --value-file or stdin)"},
  };
}

std::optional<SecretInput> read_secret_input(const Args& args, bool stdin_default) {
  const bool binary = args.has("binary");
  if (args.has("value") && args.has("value-file"))
    throw UsageError("give either --value or --value-file, not both");
  if (args.has("value") && binary) {
    throw UsageError(
        "a binary value comes from --value-file FILE or stdin, never from the command line");
  }
  SecretInput input;
  input.binary = binary;
  if (auto text = args.get("value")) {
    input.bytes = SecretBytes(as_bytes(*text));
  } else if (auto file = args.get("value-file")) {
    input.bytes = read_file(*file);
  } else if (stdin_default || binary) {
    input.bytes = read_file("-");
  } else {
    return std::nullopt;
  }
  const std::string_view text(reinterpret_cast<const char*>(input.bytes.data()),
                              input.bytes.size());
  if (!binary && !is_valid_utf8(text))
    throw UsageError("the value is not UTF-8 text: send it with --binary");
  return input;
}

google::protobuf::RepeatedPtrField<sv1::Tag> parse_secret_tags(
    const std::vector<std::string>& items) {
  google::protobuf::RepeatedPtrField<sv1::Tag> tags;
  for (const auto& item : items) {
    sv1::Tag tag;
    if (item.starts_with("Key=")) {
      const auto comma = item.find(",Value=");
      if (comma == std::string::npos)
        throw UsageError("--tags: expected Key=K,Value=V, not '" + item + "'");
      tag.set_key(item.substr(4, comma - 4));
      tag.set_value(item.substr(comma + 7));
    } else {
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("--tags takes KEY=VALUE, not '" + item + "'");
      tag.set_key(item.substr(0, eq));
      tag.set_value(item.substr(eq + 1));
    }
    *tags.Add() = std::move(tag);
  }
  return tags;
}

std::string format_stages(const google::protobuf::Map<std::string, sv1::VersionStages>& map) {
  std::vector<std::string> items;
  for (const auto& [version, stages] : map)
    items.push_back(version + " (" + join(stages.version_stages()) + ")");
  std::sort(items.begin(), items.end());  // protobuf maps have no order
  return join(items);
}

std::string format_rules(const sv1::RotationRules& rules) {
  std::vector<std::string> parts;
  if (rules.has_automatically_after_days())
    parts.push_back("every " + std::to_string(rules.automatically_after_days()) + " days");
  if (rules.has_schedule_expression()) parts.push_back(rules.schedule_expression());
  if (rules.has_duration()) parts.push_back("window " + rules.duration());
  return join(parts);
}

}  // namespace coffer::tools::cli
