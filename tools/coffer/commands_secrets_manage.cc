// coffer secrets: describe, list, delete, restore, tag, untag.
#include <set>

#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"
#include "tools/coffer/secret_io.h"

namespace coffer::tools::cli {
namespace {

void describe(Context& c) {
  sv1::DescribeSecretRequest request;
  request.set_secret_id(c.args().required("secret-id"));
  auto r = c.secrets().describe_secret(request);
  if (c.json()) return print_json(r);
  Fields fields = {
      {"ARN", r.arn()},
      {"Name", r.name()},
      {"Description", or_dash(r.description())},
      {"KmsKeyId", r.has_kms_key_id() ? r.kms_key_id() : "- (alias/aws/secretsmanager)"},
      {"CreatedDate", format_time(r.created_date(), r.has_created_date())},
      {"LastChangedDate", format_time(r.last_changed_date(), r.has_last_changed_date())},
      {"LastAccessedDate", format_time(r.last_accessed_date(), r.has_last_accessed_date())},
      {"RotationEnabled", yes_no(r.rotation_enabled())},
  };
  if (r.has_rotation_lambda_arn())
    fields.emplace_back("RotationLambdaARN", r.rotation_lambda_arn());
  if (r.has_rotation_rules())
    fields.emplace_back("RotationRules", format_rules(r.rotation_rules()));
  if (r.has_last_rotated_date())
    fields.emplace_back("LastRotatedDate", format_time(r.last_rotated_date(), true));
  if (r.has_next_rotation_date())
    fields.emplace_back("NextRotationDate", format_time(r.next_rotation_date(), true));
  if (r.has_deleted_date()) fields.emplace_back("DeletedDate", format_time(r.deleted_date(), true));
  std::vector<std::string> tags;
  for (const auto& t : r.tags()) tags.push_back(t.key() + "=" + t.value());
  fields.emplace_back("Tags", join(tags));
  fields.emplace_back("Versions", format_stages(r.version_ids_to_stages()));
  fields.emplace_back("PrimaryRegion", or_dash(r.primary_region()));
  if (r.has_type()) fields.emplace_back("Type", r.type());
  print_fields(fields);
}

// "--filter name=prod" or "--filter tag-key=team,owner": a key and its values.
sv1::Filter parse_filter(const std::string& item) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--filter takes KEY=VALUE[,VALUE...], not '" + item + "'");
  sv1::Filter filter;
  filter.set_key(item.substr(0, eq));
  std::string rest = item.substr(eq + 1);
  for (std::size_t start = 0;;) {
    const auto comma = rest.find(',', start);
    filter.add_values(rest.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return filter;
}

void list(Context& c) {
  const Args& a = c.args();
  sv1::ListSecretsRequest request;
  if (a.has("include-planned-deletion")) request.set_include_planned_deletion(true);
  for (const auto& f : a.all("filter")) *request.add_filters() = parse_filter(f);
  if (auto v = a.get("sort-order")) request.set_sort_order(*v);
  if (auto v = a.get("sort-by")) request.set_sort_by(*v);
  const auto max_results = a.get_int("max-results");
  if (max_results) request.set_max_results(static_cast<std::int32_t>(*max_results));
  if (auto v = a.get("next-token")) request.set_next_token(*v);
  auto response = c.secrets().list_secrets(request);
  // Without --max-results or --next-token: every page, as the aws CLI does.
  std::set<std::string> seen;
  while (!max_results && !a.has("next-token") && response.has_next_token() &&
         seen.insert(response.next_token()).second) {
    request.set_next_token(response.next_token());
    auto page = c.secrets().list_secrets(request);
    response.mutable_secret_list()->MergeFrom(page.secret_list());
    if (page.has_next_token()) {
      response.set_next_token(page.next_token());
    } else {
      response.clear_next_token();
    }
  }
  if (c.json()) return print_json(response);
  Table table({"NAME", "DESCRIPTION", "LAST CHANGED", "ROTATION", "DELETED"});
  for (const auto& s : response.secret_list()) {
    table.add({s.name(), or_dash(s.description()),
               format_time(s.last_changed_date(), s.has_last_changed_date()),
               s.rotation_enabled() ? format_rules(s.rotation_rules()) : "off",
               format_time(s.deleted_date(), s.has_deleted_date())});
  }
  table.print();
  if (response.has_next_token())
    std::printf("\nMore results: --next-token %s\n", response.next_token().c_str());
}

void remove(Context& c) {
  const Args& a = c.args();
  sv1::DeleteSecretRequest request;
  request.set_secret_id(a.required("secret-id"));
  if (auto days = a.get_int("recovery-window-in-days")) request.set_recovery_window_in_days(*days);
  if (a.has("force-delete-without-recovery")) request.set_force_delete_without_recovery(true);
  auto response = c.secrets().delete_secret(request);
  if (c.json()) return print_json(response);
  print_fields(
      {{"ARN", response.arn()},
       {"Name", response.name()},
       {"DeletionDate", format_time(response.deletion_date(), response.has_deletion_date())}});
}

void restore(Context& c) {
  sv1::RestoreSecretRequest request;
  request.set_secret_id(c.args().required("secret-id"));
  auto response = c.secrets().restore_secret(request);
  if (c.json()) return print_json(response);
  print_fields({{"ARN", response.arn()}, {"Name", response.name()}});
}

void tag(Context& c) {
  sv1::TagResourceRequest request;
  request.set_secret_id(c.args().required("secret-id"));
  *request.mutable_tags() = parse_secret_tags(c.args().all("tags"));
  print_empty(c, c.secrets().tag_resource(request));
}

void untag(Context& c) {
  sv1::UntagResourceRequest request;
  request.set_secret_id(c.args().required("secret-id"));
  for (const auto& key : c.args().all("tag-keys")) request.add_tag_keys(key);
  print_empty(c, c.secrets().untag_resource(request));
}

}  // namespace

void add_secret_management_commands(std::vector<Command>& out) {
  out.push_back({"secrets describe",
                 "Show a secret's attributes, tags and versions (never its value)",
                 {secret_id_option()},
                 describe});
  out.push_back(
      {"secrets list",
       "List the secrets of the account",
       {{"filter", "KEY=VALUE",
         "name, description, tag-key, tag-value, primary-region or all "
         "(values comma-separated)",
         false, true},
        {"include-planned-deletion", "", "Include secrets marked for deletion"},
        {"sort-order", "ORDER", "asc (default) or desc"},
        {"sort-by", "FIELD", "created-date (default), last-accessed-date, last-changed-date, name"},
        {"max-results", "N", "Return at most N secrets and the token of the next page", false,
         false, IntRange{1, 100}},
        {"next-token", "TOKEN", "Start at this token (from a previous page)"}},
       list});
  out.push_back({"secrets delete",
                 "Mark a secret for deletion after a recovery window (7-30 days, default 30)",
                 {secret_id_option(),
                  {"recovery-window-in-days", "DAYS", "Days before it is deleted", false, false,
                   IntRange{7, 30}},
                  {"force-delete-without-recovery", "", "Delete it now, beyond recovery"}},
                 remove});
  out.push_back(
      {"secrets restore", "Cancel a secret's scheduled deletion", {secret_id_option()}, restore});
  out.push_back(
      {"secrets tag",
       "Add or overwrite tags of a secret",
       {secret_id_option(), {"tags", "KEY=VALUE", "A tag (or Key=K,Value=V)", true, true}},
       tag});
  out.push_back(
      {"secrets untag",
       "Remove tags from a secret",
       {secret_id_option(), {"tag-keys", "KEY", "The key of a tag to remove", true, true}},
       untag});
}

}  // namespace coffer::tools::cli
