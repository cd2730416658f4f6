// Key lifecycle: create-key, describe-key, list-keys, enable-key, disable-key,
// schedule-key-deletion, cancel-key-deletion, update-key-description.
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"

namespace coffer::tools::cli {
namespace {

void print_key_metadata(const v1::KeyMetadata& m) {
  Fields fields = {
      {"KeyId", m.key_id()},
      {"Arn", m.arn()},
      {"Description", or_dash(m.description())},
      {"KeyState", m.key_state()},
      {"Enabled", yes_no(m.enabled())},
      {"KeyUsage", m.key_usage()},
      {"KeySpec", m.key_spec()},
      {"Origin", m.origin()},
      {"KeyManager", m.key_manager()},
      {"CreationDate", format_time(m.creation_date(), m.has_creation_date())},
  };
  if (m.has_deletion_date())
    fields.emplace_back("DeletionDate", format_time(m.deletion_date(), true));
  if (m.has_pending_deletion_window_in_days()) {
    fields.emplace_back("PendingDeletionWindowInDays",
                        std::to_string(m.pending_deletion_window_in_days()));
  }
  if (m.encryption_algorithms_size() > 0)
    fields.emplace_back("EncryptionAlgorithms", join(m.encryption_algorithms()));
  if (m.signing_algorithms_size() > 0)
    fields.emplace_back("SigningAlgorithms", join(m.signing_algorithms()));
  if (m.mac_algorithms_size() > 0) fields.emplace_back("MacAlgorithms", join(m.mac_algorithms()));
  if (!m.current_key_material_id().empty())
    fields.emplace_back("CurrentKeyMaterialId", m.current_key_material_id());
  fields.emplace_back("MultiRegion", yes_no(m.multi_region()));
  print_fields(fields);
}

void create_key(Context& c) {
  const Args& a = c.args();
  v1::CreateKeyRequest request;
  if (auto v = a.get("description")) request.set_description(*v);
  if (auto v = a.get("key-usage")) request.set_key_usage(*v);
  if (auto v = a.get("key-spec")) request.set_key_spec(*v);
  if (auto v = a.get("origin")) request.set_origin(*v);
  if (auto v = a.get("policy")) request.set_policy(*v);
  request.set_multi_region(a.has("multi-region"));
  *request.mutable_tags() = parse_tags(a.all("tags"));
  auto response = c.client().create_key(request);
  if (c.json()) return print_json(response);
  print_key_metadata(response.key_metadata());
}

void describe_key(Context& c) {
  v1::DescribeKeyRequest request;
  request.set_key_id(c.args().required("key-id"));
  auto response = c.client().describe_key(request);
  if (c.json()) return print_json(response);
  print_key_metadata(response.key_metadata());
}

void list_keys(Context& c) {
  auto response = fetch_pages(
      c.args(), v1::ListKeysRequest{},
      [&](const v1::ListKeysRequest& r) { return c.client().list_keys(r); },
      [](v1::ListKeysResponse& into, const v1::ListKeysResponse& page) {
        into.mutable_keys()->MergeFrom(page.keys());
      });
  if (c.json()) return print_json(response);
  Table table({"KEY ID", "KEY ARN"});
  for (const auto& key : response.keys()) table.add({key.key_id(), key.key_arn()});
  table.print();
  print_next_marker(response);
}

template <class Request, class Call>
void key_only(Context& c, Call call) {
  Request request;
  request.set_key_id(key_id_or_arn(c));
  print_empty(c, (c.client().*call)(request));
}

void schedule_key_deletion(Context& c) {
  v1::ScheduleKeyDeletionRequest request;
  request.set_key_id(key_id_or_arn(c));
  if (auto days = c.args().get_int("pending-window-in-days")) {
    request.set_pending_window_in_days(static_cast<std::int32_t>(*days));
  }
  auto response = c.client().schedule_key_deletion(request);
  if (c.json()) return print_json(response);
  print_fields(
      {{"KeyId", response.key_id()},
       {"KeyState", response.key_state()},
       {"DeletionDate", format_time(response.deletion_date(), response.has_deletion_date())},
       {"PendingWindowInDays", std::to_string(response.pending_window_in_days())}});
}

void cancel_key_deletion(Context& c) {
  v1::CancelKeyDeletionRequest request;
  request.set_key_id(key_id_or_arn(c));
  auto response = c.client().cancel_key_deletion(request);
  if (c.json()) return print_json(response);
  print_fields({{"KeyId", response.key_id()}});
}

void update_key_description(Context& c) {
  v1::UpdateKeyDescriptionRequest request;
  request.set_key_id(key_id_or_arn(c));
  request.set_description(c.args().required("description"));
  print_empty(c, c.client().update_key_description(request));
}

}  // namespace

void add_key_commands(std::vector<Command>& out) {
  using client::KmsClient;
  out.push_back(
      {"create-key",
       "Create a KMS key (AES-256 symmetric unless --key-spec says otherwise)",
       {{"description", "TEXT", "What the key is for"},
        {"key-usage", "USAGE", "ENCRYPT_DECRYPT (default), SIGN_VERIFY or GENERATE_VERIFY_MAC"},
        {"key-spec", "SPEC", "SYMMETRIC_DEFAULT (default), RSA_2048, ECC_NIST_P256, HMAC_256, ..."},
        {"origin", "ORIGIN", "AWS_KMS (default) or EXTERNAL"},
        {"policy", "JSON", "Key policy document"},
        {"multi-region", "", "Create a multi-Region primary key"},
        {"tags", "KEY=VALUE", "Tag the new key", false, true}},
       create_key});
  out.push_back({"describe-key", "Show a key's metadata", {key_id_option()}, describe_key});
  out.push_back({"list-keys", "List the keys of the account", page_options(), list_keys});
  out.push_back({"enable-key", "Enable a disabled key", {key_id_option()}, [](Context& c) {
                   key_only<v1::EnableKeyRequest>(c, &KmsClient::enable_key);
                 }});
  out.push_back({"disable-key",
                 "Disable a key: it can no longer be used for cryptography",
                 {key_id_option()},
                 [](Context& c) { key_only<v1::DisableKeyRequest>(c, &KmsClient::disable_key); }});
  out.push_back(
      {"schedule-key-deletion",
       "Delete a key after a waiting period (7-30 days, default 30)",
       {key_id_option(),
        {"pending-window-in-days", "DAYS", "Days before deletion", false, false, IntRange{7, 30}}},
       schedule_key_deletion});
  out.push_back({"cancel-key-deletion",
                 "Cancel a scheduled deletion (the key becomes Disabled)",
                 {key_id_option()},
                 cancel_key_deletion});
  out.push_back({"update-key-description",
                 "Replace a key's description",
                 {key_id_option(), {"description", "TEXT", "The new description", true}},
                 update_key_description});
}

}  // namespace coffer::tools::cli
