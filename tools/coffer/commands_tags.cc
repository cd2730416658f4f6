// Tags: tag-resource, untag-resource, list-resource-tags.
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"

namespace coffer::tools::cli {
namespace {

void tag_resource(Context& c) {
  v1::TagResourceRequest request;
  request.set_key_id(key_id_or_arn(c));
  *request.mutable_tags() = parse_tags(c.args().all("tags"));
  print_empty(c, c.client().tag_resource(request));
}

void untag_resource(Context& c) {
  v1::UntagResourceRequest request;
  request.set_key_id(key_id_or_arn(c));
  for (const auto& key : c.args().all("tag-keys")) request.add_tag_keys(key);
  print_empty(c, c.client().untag_resource(request));
}

void list_resource_tags(Context& c) {
  v1::ListResourceTagsRequest request;
  request.set_key_id(key_id_or_arn(c));
  auto response = fetch_pages(
      c.args(), request,
      [&](const v1::ListResourceTagsRequest& r) { return c.client().list_resource_tags(r); },
      [](v1::ListResourceTagsResponse& into, const v1::ListResourceTagsResponse& page) {
        into.mutable_tags()->MergeFrom(page.tags());
      });
  if (c.json()) return print_json(response);
  Table table({"KEY", "VALUE"});
  for (const auto& tag : response.tags()) table.add({tag.tag_key(), tag.tag_value()});
  table.print();
  print_next_marker(response);
}

}  // namespace

void add_tag_commands(std::vector<Command>& out) {
  out.push_back(
      {"tag-resource",
       "Add or overwrite tags of a key",
       {key_id_option(), {"tags", "KEY=VALUE", "A tag (or TagKey=K,TagValue=V)", true, true}},
       tag_resource});
  out.push_back({"untag-resource",
                 "Remove tags from a key",
                 {key_id_option(), {"tag-keys", "KEY", "The key of a tag to remove", true, true}},
                 untag_resource});
  out.push_back({"list-resource-tags", "List the tags of a key",
                 with({key_id_option()}, page_options()), list_resource_tags});
}

}  // namespace coffer::tools::cli
