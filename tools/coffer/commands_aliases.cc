// Aliases: create-alias, update-alias, delete-alias, list-aliases.
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"

namespace coffer::tools::cli {
namespace {

OptionSpec alias_name_option() {
  return {"alias-name", "alias/NAME", "The alias, starting with alias/", true};
}
OptionSpec target_key_option() {
  return {"target-key-id", "KEY", "Key id, key ARN, or an alias of the key the alias points to",
          true};
}

void create_alias(Context& c) {
  v1::CreateAliasRequest request;
  request.set_alias_name(c.args().required("alias-name"));
  request.set_target_key_id(key_id_or_arn(c, "target-key-id"));
  print_empty(c, c.client().create_alias(request));
}

void update_alias(Context& c) {
  v1::UpdateAliasRequest request;
  request.set_alias_name(c.args().required("alias-name"));
  request.set_target_key_id(key_id_or_arn(c, "target-key-id"));
  print_empty(c, c.client().update_alias(request));
}

void delete_alias(Context& c) {
  v1::DeleteAliasRequest request;
  request.set_alias_name(c.args().required("alias-name"));
  print_empty(c, c.client().delete_alias(request));
}

void list_aliases(Context& c) {
  v1::ListAliasesRequest request;
  if (auto key = optional_key_id_or_arn(c)) request.set_key_id(*key);
  auto response = fetch_pages(
      c.args(), request,
      [&](const v1::ListAliasesRequest& r) { return c.client().list_aliases(r); },
      [](v1::ListAliasesResponse& into, const v1::ListAliasesResponse& page) {
        into.mutable_aliases()->MergeFrom(page.aliases());
      });
  if (c.json()) return print_json(response);
  Table table({"ALIAS NAME", "TARGET KEY ID", "CREATED", "LAST UPDATED"});
  for (const auto& a : response.aliases()) {
    table.add({a.alias_name(), or_dash(a.target_key_id()),
               format_time(a.creation_date(), a.has_creation_date()),
               format_time(a.last_updated_date(), a.has_last_updated_date())});
  }
  table.print();
  print_next_marker(response);
}

}  // namespace

void add_alias_commands(std::vector<Command>& out) {
  out.push_back({"create-alias",
                 "Give a key a friendly name",
                 {alias_name_option(), target_key_option()},
                 create_alias});
  out.push_back({"update-alias",
                 "Point an alias at another key",
                 {alias_name_option(), target_key_option()},
                 update_alias});
  out.push_back(
      {"delete-alias", "Delete an alias (the key stays)", {alias_name_option()}, delete_alias});
  out.push_back({"list-aliases", "List aliases, of one key or all",
                 with({key_id_option("Only the aliases of this key")}, page_options()),
                 list_aliases});
  out.back().options.front().required = false;
}

}  // namespace coffer::tools::cli
