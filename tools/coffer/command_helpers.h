// Pieces several subcommands share: the common options, tags, paging through list
// results, and printing a response that has no fields.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_ptr_field.h>

#include "coffer/v1/keys.pb.h"
#include "tools/coffer/command.h"

namespace coffer::tools::cli {

// The client settings: the global options (--endpoint, --ca-file, ...) over $COFFER_*.
client::ClientConfig client_config(const Args& args);

OptionSpec key_id_option(std::string help = "Key id, key ARN, alias name (alias/...) or alias ARN");

// The key id or key ARN an option names. The server takes only those where AWS does
// (EnableKeyRotation, TagResource...: docs/PROTOCOL.md); as a convenience the CLI accepts an
// alias name or alias ARN there too and resolves it first with DescribeKey.
std::string key_id_or_arn(Context& context, const std::string& option = "key-id");
std::optional<std::string> optional_key_id_or_arn(Context& context,
                                                  const std::string& option = "key-id");
// --limit, --marker and its aws-CLI spelling --starting-token.
std::vector<OptionSpec> page_options();
std::vector<OptionSpec> with(std::vector<OptionSpec> options, const std::vector<OptionSpec>& more);

// "--tags Key=Value" or the aws CLI's "TagKey=k,TagValue=v".
google::protobuf::RepeatedPtrField<v1::Tag> parse_tags(const std::vector<std::string>& items);

// Prints nothing for people (success is the exit status), "{}" for scripts.
void print_empty(Context& context, const google::protobuf::Message& response);

// After a single page: where the next one starts.
template <class Response>
void print_next_marker(const Response& response) {
  if (response.truncated() && response.has_next_marker()) {
    std::printf("\nMore results: --marker %s\n", response.next_marker().c_str());
  }
}

// With --limit or --marker: the one page asked for. Otherwise every page, merged into the
// first response by `append(first, page)`, as the aws CLI does.
template <class Request, class Fetch, class Append>
auto fetch_pages(const Args& args, Request request, Fetch fetch, Append append) {
  const auto limit = args.get_int("limit");
  const auto marker = args.has("marker") ? args.get("marker") : args.get("starting-token");
  if (limit) request.set_limit(static_cast<std::int32_t>(*limit));
  if (marker) request.set_marker(*marker);
  auto response = fetch(request);
  if (limit || marker) return response;
  std::set<std::string> seen;  // a server handing back an old marker must not loop us forever
  while (response.truncated() && response.has_next_marker() &&
         seen.insert(response.next_marker()).second) {
    request.set_marker(response.next_marker());
    auto page = fetch(request);
    append(response, page);
    response.set_truncated(page.truncated());
    if (page.has_next_marker())
      response.set_next_marker(page.next_marker());
    else
      response.clear_next_marker();
  }
  return response;
}

}  // namespace coffer::tools::cli
