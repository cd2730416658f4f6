// coffer secrets: create, get, put, update, versions, stage (values and their versions).
#include <unistd.h>

#include <set>

#include "common/hex.h"
#include "tools/coffer/blob_io.h"
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"
#include "tools/coffer/secret_io.h"

namespace coffer::tools::cli {
namespace {

void print_ref(const std::string& arn, const std::string& name, const std::string& version_id) {
  print_fields({{"ARN", arn}, {"Name", name}, {"VersionId", or_dash(version_id)}});
}

void create(Context& c) {
  const Args& a = c.args();
  sv1::CreateSecretRequest request;
  request.set_name(a.required("name"));
  if (auto v = a.get("description")) request.set_description(*v);
  if (auto v = a.get("kms-key-id")) request.set_kms_key_id(*v);
  if (auto v = a.get("client-request-token")) request.set_client_request_token(*v);
  *request.mutable_tags() = parse_secret_tags(a.all("tags"));
  set_secret_value(a, false, request);
  auto response = c.secrets().create_secret(std::move(request));
  if (c.json()) return print_json(response);
  print_ref(response.arn(), response.name(), response.version_id());
}

void get(Context& c) {
  const Args& a = c.args();
  sv1::GetSecretValueRequest request;
  request.set_secret_id(a.required("secret-id"));
  if (auto v = a.get("version-id")) request.set_version_id(*v);
  if (auto v = a.get("version-stage")) request.set_version_stage(*v);
  auto response = c.secrets().get_secret_value(request);
  // mutable_*() would mark an absent value present: take the one that is there.
  const bool binary = response.has_secret_binary();
  WipeOnExit wipe(binary ? response.mutable_secret_binary() : response.mutable_secret_string());
  const std::string& value = binary ? response.secret_binary() : response.secret_string();
  const auto out = a.get("out");
  if (out) {
    // The bare value, for scripts and files; a binary one never raw to a terminal.
    if (!writes_to_file(out) && binary && !a.has("base64") && ::isatty(STDOUT_FILENO)) {
      throw UsageError("not writing a binary secret to a terminal: use --out FILE or --base64");
    }
    write_output(out, as_bytes(value), a.has("base64"));
    if (!writes_to_file(out)) return;
  }
  if (c.json()) return print_json(response);
  Fields fields = {
      {"ARN", response.arn()},
      {"Name", response.name()},
      {"VersionId", response.version_id()},
      {"VersionStages", join(response.version_stages())},
      {"CreatedDate", format_time(response.created_date(), response.has_created_date())}};
  if (!out) {
    if (binary) {
      fields.emplace_back("SecretBinary", to_base64(as_bytes(value)) + " (base64)");
    } else {
      fields.emplace_back("SecretString", value);
    }
  }
  print_fields(fields);
  if (!out) secure_zero(fields.back().second.data(), fields.back().second.size());
}

void put(Context& c) {
  const Args& a = c.args();
  sv1::PutSecretValueRequest request;
  request.set_secret_id(a.required("secret-id"));
  if (auto v = a.get("client-request-token")) request.set_client_request_token(*v);
  for (const auto& stage : a.all("version-stages")) request.add_version_stages(stage);
  set_secret_value(a, true, request);
  auto response = c.secrets().put_secret_value(std::move(request));
  if (c.json()) return print_json(response);
  print_fields({{"ARN", response.arn()},
                {"Name", response.name()},
                {"VersionId", response.version_id()},
                {"VersionStages", join(response.version_stages())}});
}

void update(Context& c) {
  const Args& a = c.args();
  sv1::UpdateSecretRequest request;
  request.set_secret_id(a.required("secret-id"));
  if (auto v = a.get("description")) request.set_description(*v);
  if (auto v = a.get("kms-key-id")) request.set_kms_key_id(*v);
  if (auto v = a.get("client-request-token")) request.set_client_request_token(*v);
  set_secret_value(a, false, request);
  auto response = c.secrets().update_secret(std::move(request));
  if (c.json()) return print_json(response);
  print_ref(response.arn(), response.name(), response.version_id());
}

void versions(Context& c) {
  const Args& a = c.args();
  sv1::ListSecretVersionIdsRequest request;
  request.set_secret_id(a.required("secret-id"));
  if (a.has("include-deprecated")) request.set_include_deprecated(true);
  const auto max_results = a.get_int("max-results");
  if (max_results) request.set_max_results(static_cast<std::int32_t>(*max_results));
  if (auto v = a.get("next-token")) request.set_next_token(*v);
  auto response = c.secrets().list_secret_version_ids(request);
  // Without --max-results or --next-token: every page, as the aws CLI does.
  std::set<std::string> seen;
  while (!max_results && !a.has("next-token") && response.has_next_token() &&
         seen.insert(response.next_token()).second) {
    request.set_next_token(response.next_token());
    auto page = c.secrets().list_secret_version_ids(request);
    response.mutable_versions()->MergeFrom(page.versions());
    if (page.has_next_token()) {
      response.set_next_token(page.next_token());
    } else {
      response.clear_next_token();
    }
  }
  if (c.json()) return print_json(response);
  Table table({"VERSION ID", "STAGES", "CREATED", "LAST ACCESSED"});
  for (const auto& v : response.versions()) {
    table.add({v.version_id(), join(v.version_stages()),
               format_time(v.created_date(), v.has_created_date()),
               format_time(v.last_accessed_date(), v.has_last_accessed_date())});
  }
  table.print();
  if (response.has_next_token())
    std::printf("\nMore results: --next-token %s\n", response.next_token().c_str());
}

void stage(Context& c) {
  const Args& a = c.args();
  sv1::UpdateSecretVersionStageRequest request;
  request.set_secret_id(a.required("secret-id"));
  request.set_version_stage(a.required("version-stage"));
  if (auto v = a.get("move-to-version-id")) request.set_move_to_version_id(*v);
  if (auto v = a.get("remove-from-version-id")) request.set_remove_from_version_id(*v);
  if (!request.has_move_to_version_id() && !request.has_remove_from_version_id())
    throw UsageError("give --move-to-version-id, --remove-from-version-id or both");
  auto response = c.secrets().update_secret_version_stage(request);
  if (c.json()) return print_json(response);
  print_fields({{"ARN", response.arn()}, {"Name", response.name()}});
}

OptionSpec token_option() {
  return {"client-request-token", "UUID",
          "The new version's id (32-64 characters; default: a random UUID)"};
}

}  // namespace

void add_secret_value_commands(std::vector<Command>& out) {
  out.push_back({"secrets create", "Create a secret, with a first value if one is given",
                 with({{"name", "NAME", "The secret's name", true},
                       {"description", "TEXT", "What the secret is for"},
                       {"kms-key-id", "KEY",
                        "The KMS key that seals its values "
                        "(default alias/aws/secretsmanager)"},
                       {"tags", "KEY=VALUE", "Tag the secret (or Key=K,Value=V)", false, true},
                       token_option()},
                      value_options(false)),
                 create});
  out.push_back({"secrets get",
                 "Show a secret's value (AWSCURRENT unless a version is named)",
                 {secret_id_option(),
                  {"version-id", "ID", "Read this version"},
                  {"version-stage", "STAGE", "Read the version with this label (e.g. AWSPREVIOUS)"},
                  {"out", "FILE", "Write the bare value to FILE (0600; '-': stdout)"},
                  {"base64", "", "With --out: write the value as one base64 line"}},
                 get});
  out.push_back(
      {"secrets put", "Store a new value: a new version, labelled AWSCURRENT unless told otherwise",
       with({secret_id_option(),
             {"version-stages", "STAGE", "Label the new version (default AWSCURRENT)", false, true},
             token_option()},
            value_options(true)),
       put});
  out.push_back({"secrets update",
                 "Change a secret's description or KMS key, or store a new current value",
                 with({secret_id_option(),
                       {"description", "TEXT", "The new description"},
                       {"kms-key-id", "KEY", "The KMS key for new values"},
                       token_option()},
                      value_options(false)),
                 update});
  out.push_back({"secrets versions",
                 "List a secret's versions and their staging labels",
                 {secret_id_option(),
                  {"include-deprecated", "", "Include versions without a label"},
                  {"max-results", "N", "Return at most N versions and the token of the next page",
                   false, false, IntRange{1, 100}},
                  {"next-token", "TOKEN", "Start at this token (from a previous page)"}},
                 versions});
  out.push_back({"secrets stage",
                 "Move a staging label to a version, or remove it from one",
                 {secret_id_option(),
                  {"version-stage", "STAGE", "The label (e.g. AWSCURRENT)", true},
                  {"move-to-version-id", "ID", "The version that gets the label"},
                  {"remove-from-version-id", "ID", "The version that has it now"}},
                 stage});
}

}  // namespace coffer::tools::cli
