// Secrets Manager over AWS JSON: values and versions.
#include "common/error.h"
#include "server/aws/secrets_json_handlers.h"

namespace coffer::server::aws {
namespace {

using Op = core::api::Operation;

Json version_ref(const core::SecretVersionRef& r) {
  Json out{{"ARN", r.arn}, {"Name", r.name}};
  if (r.version_id) out["VersionId"] = *r.version_id;
  return out;
}

Json value_json(const core::GetSecretValueResult& r) {
  Json out{{"ARN", r.arn},
           {"Name", r.name},
           {"VersionId", r.version_id},
           {"VersionStages", r.version_stages},
           {"CreatedDate", epoch_seconds(r.created_at)}};
  put_secret_value(out, r.value);
  return out;
}

Json create_secret(core::SecretsService& s, const Json& in) {
  core::CreateSecretRequest r;
  r.name = required_string(in, "Name");
  r.client_request_token = optional_string(in, "ClientRequestToken");
  r.description = optional_string(in, "Description");
  r.kms_key_id = optional_string(in, "KmsKeyId");
  r.value = secret_value_of(in);
  r.tags = secret_tags_of(in, "Tags");
  r.type = optional_string(in, "Type").value_or("");
  if (in.contains("AddReplicaRegions")) {
    throw Error(ErrorCode::kInvalidRequest,
                "Replication to other regions is not supported by this server yet.");
  }
  return version_ref(s.create_secret(r));
}

Json get_secret_value(core::SecretsService& s, const Json& in) {
  return value_json(
      s.get_secret_value({required_string(in, "SecretId"), optional_string(in, "VersionId"),
                          optional_string(in, "VersionStage")}));
}

Json batch_get_secret_value(core::SecretsService& s, const Json& in) {
  core::BatchGetSecretValueRequest r;
  r.secret_ids = string_list(in, "SecretIdList");
  r.filters = filters_of(in);
  r.max_results = optional_int(in, "MaxResults");
  r.next_token = optional_string(in, "NextToken");
  auto result = s.batch_get_secret_value(r);
  Json values = Json::array();
  for (const auto& v : result.values) values.push_back(value_json(v));
  Json errors = Json::array();
  for (const auto& e : result.errors)
    errors.push_back(
        {{"SecretId", e.secret_id}, {"ErrorCode", e.error_code}, {"Message", e.message}});
  Json out{{"SecretValues", std::move(values)}, {"Errors", std::move(errors)}};
  if (result.next_token) out["NextToken"] = *result.next_token;
  return out;
}

Json put_secret_value_op(core::SecretsService& s, const Json& in) {
  core::PutSecretValueRequest r;
  r.secret_id = required_string(in, "SecretId");
  r.client_request_token = optional_string(in, "ClientRequestToken");
  r.value = secret_value_of(in);
  if (in.contains("VersionStages")) r.version_stages = string_list(in, "VersionStages");
  auto result = s.put_secret_value(r);
  return {{"ARN", result.arn},
          {"Name", result.name},
          {"VersionId", result.version_id},
          {"VersionStages", result.version_stages}};
}

Json update_secret(core::SecretsService& s, const Json& in) {
  core::UpdateSecretRequest r;
  r.secret_id = required_string(in, "SecretId");
  r.client_request_token = optional_string(in, "ClientRequestToken");
  r.description = optional_string(in, "Description");
  r.kms_key_id = optional_string(in, "KmsKeyId");
  r.value = secret_value_of(in);
  return version_ref(s.update_secret(r));
}

Json update_secret_version_stage(core::SecretsService& s, const Json& in) {
  auto ref = s.update_secret_version_stage(
      {required_string(in, "SecretId"), required_string(in, "VersionStage"),
       optional_string(in, "RemoveFromVersionId"), optional_string(in, "MoveToVersionId")});
  return {{"ARN", ref.arn}, {"Name", ref.name}};
}

}  // namespace

core::SecretsService& secrets_of(RegionServices& services) {
  if (!services.secrets) throw Error(ErrorCode::kUnknownOperation, "");
  return *services.secrets;
}

core::SecretValue secret_value_of(const Json& in) {
  core::SecretValue value;
  if (auto text = in.find("SecretString"); text != in.end() && text->is_string()) {
    const auto& s = text->get_ref<const std::string&>();
    value.string =
        SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  if (auto blob = optional_blob(in, "SecretBinary")) {
    value.binary = SecretBytes(*blob);
    secure_zero(blob->data(), blob->size());
  }
  return value;
}

void put_secret_value(Json& out, const core::SecretValue& value) {
  if (value.string) {
    out["SecretString"] =
        std::string(reinterpret_cast<const char*>(value.string->data()), value.string->size());
  } else if (value.binary) {
    out["SecretBinary"] = base64(value.binary->span());
  }
}

std::vector<core::Tag> secret_tags_of(const Json& in, const char* member) {
  std::vector<core::Tag> out;
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return out;
  if (!it->is_array())
    throw Error(ErrorCode::kSerialization, std::string(member) + ": list expected");
  for (const auto& item : *it) {
    if (!item.is_object())
      throw Error(ErrorCode::kSerialization, std::string(member) + ": structure expected");
    out.push_back(
        {optional_string(item, "Key").value_or(""), optional_string(item, "Value").value_or("")});
  }
  return out;
}

std::vector<core::SecretsFilter> filters_of(const Json& in) {
  std::vector<core::SecretsFilter> filters;
  auto it = in.find("Filters");
  if (it == in.end() || !it->is_array()) return filters;
  for (const auto& f : *it) {
    if (!f.is_object()) throw Error(ErrorCode::kSerialization, "Filters: structure expected");
    core::SecretsFilter filter;
    filter.key = optional_string(f, "Key").value_or("");
    filter.values = string_list(f, "Values");
    filters.push_back(std::move(filter));
  }
  return filters;
}

void add_secret_value_operations(AwsOperationTable& t) {
  t[Op::kCreateSecret] = secrets_codec<create_secret>();
  t[Op::kGetSecretValue] = secrets_codec<get_secret_value>();
  t[Op::kBatchGetSecretValue] = secrets_codec<batch_get_secret_value>();
  t[Op::kPutSecretValue] = secrets_codec<put_secret_value_op>();
  t[Op::kUpdateSecret] = secrets_codec<update_secret>();
  t[Op::kUpdateSecretVersionStage] = secrets_codec<update_secret_version_stage>();
}

void add_secrets_operations(AwsOperationTable& t) {
  add_secret_value_operations(t);
  add_secret_management_operations(t);
}

}  // namespace coffer::server::aws
