// Alias and tag operations.
#include "server/aws/kms_json_handlers.h"

namespace coffer::server::aws {
namespace {

std::string alias_name(const Json& in) { return required_string(in, "AliasName"); }

Json list_aliases(core::KmsService& kms, const Json& in) {
  auto key = optional_string(in, "KeyId");
  auto result = kms.list_aliases(key, {optional_int(in, "Limit"), optional_string(in, "Marker")});
  Json aliases = Json::array();
  for (const auto& a : result.aliases) {
    aliases.push_back({{"AliasName", a.alias_name},
                       {"AliasArn", a.alias_arn},
                       {"TargetKeyId", a.target_key_id},
                       {"CreationDate", epoch_seconds(a.creation_date)},
                       {"LastUpdatedDate", epoch_seconds(a.last_updated_date)}});
  }
  Json out{{"Aliases", std::move(aliases)}};
  if (result.next_marker) out["NextMarker"] = *result.next_marker;
  out["Truncated"] = result.truncated;
  return out;
}

Json list_resource_tags(core::KmsService& kms, const Json& in) {
  const auto key = required_string(in, "KeyId");
  auto result =
      kms.list_resource_tags(key, {optional_int(in, "Limit"), optional_string(in, "Marker")});
  Json list = Json::array();
  for (const auto& t : result.tags) list.push_back({{"TagKey", t.key}, {"TagValue", t.value}});
  Json out{{"Tags", std::move(list)}};
  if (result.next_marker) out["NextMarker"] = *result.next_marker;
  out["Truncated"] = result.truncated;
  return out;
}

}  // namespace

void add_alias_and_tag_operations(KmsOperationTable& t) {
  t[core::api::Operation::kCreateAlias] = [](core::KmsService& kms, const Json& in) {
    const auto name = alias_name(in);
    kms.create_alias(name, required_string(in, "TargetKeyId"));
    return Json::object();
  };
  t[core::api::Operation::kUpdateAlias] = [](core::KmsService& kms, const Json& in) {
    const auto name = alias_name(in);
    kms.update_alias(name, required_string(in, "TargetKeyId"));
    return Json::object();
  };
  t[core::api::Operation::kDeleteAlias] = [](core::KmsService& kms, const Json& in) {
    kms.delete_alias(alias_name(in));
    return Json::object();
  };
  t[core::api::Operation::kListAliases] = list_aliases;
  t[core::api::Operation::kTagResource] = [](core::KmsService& kms, const Json& in) {
    const auto key = required_string(in, "KeyId");
    if (!in.contains("Tags") || in["Tags"].is_null()) {
      throw Error(ErrorCode::kValidation,
                  "1 validation error detected: Value null at 'tags' failed to satisfy constraint: "
                  "Member must not be null");
    }
    kms.tag_resource(key, tags(in, "Tags"));
    return Json::object();
  };
  t[core::api::Operation::kUntagResource] = [](core::KmsService& kms, const Json& in) {
    const auto key = required_string(in, "KeyId");
    if (!in.contains("TagKeys") || in["TagKeys"].is_null()) {
      throw Error(ErrorCode::kValidation,
                  "1 validation error detected: Value null at 'tagKeys' failed to satisfy "
                  "constraint: Member must not be "
                  "null");
    }
    kms.untag_resource(key, string_list(in, "TagKeys"));
    return Json::object();
  };
  t[core::api::Operation::kListResourceTags] = list_resource_tags;
}

}  // namespace coffer::server::aws
