#include "tools/coffer/command_helpers.h"

#include <cstdio>

#include "tools/coffer/output.h"

namespace coffer::tools::cli {

client::ClientConfig client_config(const Args& args) {
  auto config = client::ClientConfig::from_environment();
  if (auto v = args.get("endpoint")) config.endpoint = *v;
  if (auto v = args.get("ca-file")) config.ca_file = *v;
  if (auto v = args.get("cert")) config.cert_file = *v;
  if (auto v = args.get("key")) config.key_file = *v;
  if (auto v = args.get("api-key-file")) config.api_key = client::read_secret_line(*v);
  if (args.has("plaintext-tcp")) config.tls = false;
  if (auto seconds = args.get_int("timeout")) {
    config.request_timeout = std::chrono::seconds(*seconds);
  }
  return config;
}

std::optional<std::string> optional_key_id_or_arn(Context& context, const std::string& option) {
  auto reference = context.args().get(option);
  if (!reference) return std::nullopt;
  const bool alias =
      reference->starts_with("alias/") || reference->find(":alias/") != std::string::npos;
  if (!alias) return reference;
  v1::DescribeKeyRequest request;
  request.set_key_id(*reference);
  return context.client().describe_key(request).key_metadata().key_id();
}

std::string key_id_or_arn(Context& context, const std::string& option) {
  context.args().required(option);  // the usage error when it is missing
  return *optional_key_id_or_arn(context, option);
}

OptionSpec key_id_option(std::string help) { return {"key-id", "KEY", std::move(help), true}; }

std::vector<OptionSpec> page_options() {
  return {
      {"limit", "N", "Return at most N entries and the marker of the next page", false, false,
       IntRange{1, 1000}},
      {"marker", "TOKEN", "Start at this marker (from a previous page)"},
      {"starting-token", "TOKEN", "Same as --marker"},
  };
}

std::vector<OptionSpec> with(std::vector<OptionSpec> options, const std::vector<OptionSpec>& more) {
  options.insert(options.end(), more.begin(), more.end());
  return options;
}

google::protobuf::RepeatedPtrField<v1::Tag> parse_tags(const std::vector<std::string>& items) {
  google::protobuf::RepeatedPtrField<v1::Tag> tags;
  for (const auto& item : items) {
    v1::Tag tag;
    if (item.rfind("TagKey=", 0) == 0) {
      const auto comma = item.find(",TagValue=");
      if (comma == std::string::npos)
        throw UsageError("--tags: expected TagKey=K,TagValue=V, not '" + item + "'");
      tag.set_tag_key(item.substr(7, comma - 7));
      tag.set_tag_value(item.substr(comma + 10));
    } else {
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("--tags takes KEY=VALUE, not '" + item + "'");
      tag.set_tag_key(item.substr(0, eq));
      tag.set_tag_value(item.substr(eq + 1));
    }
    *tags.Add() = std::move(tag);
  }
  return tags;
}

void print_empty(Context& context, const google::protobuf::Message& response) {
  if (context.json()) print_json(response);
}

}  // namespace coffer::tools::cli
