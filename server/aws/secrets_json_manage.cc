// Secrets Manager over AWS JSON: describe, list, delete and restore, tags, passwords,
// rotation and resource policies.
#include "common/error.h"
#include "server/aws/secrets_json_handlers.h"

namespace coffer::server::aws {
namespace {

using Op = core::api::Operation;

Json ref_json(const std::string& arn, const std::string& name) {
  return {{"ARN", arn}, {"Name", name}};
}

Json rules_json(const core::RotationRules& r) {
  Json out = Json::object();
  if (r.automatically_after_days) out["AutomaticallyAfterDays"] = *r.automatically_after_days;
  if (!r.duration.empty()) out["Duration"] = r.duration;
  if (!r.schedule_expression.empty()) out["ScheduleExpression"] = r.schedule_expression;
  return out;
}

Json describe_secret(core::SecretsService& s, const Json& in) {
  return secret_json(s.describe_secret(required_string(in, "SecretId")), /*list_entry=*/false);
}

Json list_secrets(core::SecretsService& s, const Json& in) {
  core::ListSecretsRequest r;
  r.include_planned_deletion = optional_bool(in, "IncludePlannedDeletion").value_or(false);
  r.max_results = optional_int(in, "MaxResults");
  r.next_token = optional_string(in, "NextToken");
  r.filters = filters_of(in);
  r.sort_order = optional_string(in, "SortOrder").value_or("asc");
  r.sort_by = optional_string(in, "SortBy").value_or("created-date");
  auto result = s.list_secrets(r);
  Json list = Json::array();
  for (const auto& d : result.secrets) list.push_back(secret_json(d, /*list_entry=*/true));
  Json out{{"SecretList", std::move(list)}};
  if (result.next_token) out["NextToken"] = *result.next_token;
  return out;
}

Json list_secret_version_ids(core::SecretsService& s, const Json& in) {
  core::ListSecretVersionIdsRequest r;
  r.secret_id = required_string(in, "SecretId");
  r.max_results = optional_int(in, "MaxResults");
  r.next_token = optional_string(in, "NextToken");
  r.include_deprecated = optional_bool(in, "IncludeDeprecated").value_or(false);
  auto result = s.list_secret_version_ids(r);
  Json versions = Json::array();
  for (const auto& v : result.versions) {
    // VersionStages even when empty (deprecated): queries like contains(VersionStages, ..)
    // need a list.
    Json e{{"VersionId", v.version_id},
           {"VersionStages", v.version_stages},
           {"CreatedDate", epoch_seconds(v.created_at)}};
    if (!v.kms_key_arn.empty()) e["KmsKeyIds"] = Json::array({v.kms_key_arn});
    if (v.last_accessed_at) e["LastAccessedDate"] = epoch_seconds(*v.last_accessed_at);
    versions.push_back(std::move(e));
  }
  Json out{{"Versions", std::move(versions)}, {"ARN", result.arn}, {"Name", result.name}};
  if (result.next_token) out["NextToken"] = *result.next_token;
  return out;
}

Json delete_secret(core::SecretsService& s, const Json& in) {
  auto result =
      s.delete_secret({required_string(in, "SecretId"), optional_int(in, "RecoveryWindowInDays"),
                       optional_bool(in, "ForceDeleteWithoutRecovery")});
  Json out = ref_json(result.arn, result.name);
  out["DeletionDate"] = epoch_seconds(result.deletion_date);
  return out;
}

Json restore_secret(core::SecretsService& s, const Json& in) {
  auto ref = s.restore_secret(required_string(in, "SecretId"));
  return ref_json(ref.arn, ref.name);
}

Json tag_resource(core::SecretsService& s, const Json& in) {
  s.tag_resource(required_string(in, "SecretId"), secret_tags_of(in, "Tags"));
  return Json::object();
}

Json untag_resource(core::SecretsService& s, const Json& in) {
  s.untag_resource(required_string(in, "SecretId"), string_list(in, "TagKeys"));
  return Json::object();
}

Json get_random_password(core::SecretsService& s, const Json& in) {
  core::RandomPasswordRequest r;
  if (auto length = in.find("PasswordLength"); length != in.end() && length->is_number_integer())
    r.password_length = length->get<std::int64_t>();
  r.exclude_characters = optional_string(in, "ExcludeCharacters").value_or("");
  r.exclude_numbers = optional_bool(in, "ExcludeNumbers").value_or(false);
  r.exclude_punctuation = optional_bool(in, "ExcludePunctuation").value_or(false);
  r.exclude_uppercase = optional_bool(in, "ExcludeUppercase").value_or(false);
  r.exclude_lowercase = optional_bool(in, "ExcludeLowercase").value_or(false);
  r.include_space = optional_bool(in, "IncludeSpace").value_or(false);
  r.require_each_included_type = optional_bool(in, "RequireEachIncludedType").value_or(true);
  const SecretBytes password = s.get_random_password(r);
  return {{"RandomPassword",
           std::string(reinterpret_cast<const char*>(password.data()), password.size())}};
}

Json rotate_secret(core::SecretsService& s, const Json& in) {
  core::RotateSecretRequest r;
  r.secret_id = required_string(in, "SecretId");
  r.client_request_token = optional_string(in, "ClientRequestToken");
  r.rotation_lambda_arn = optional_string(in, "RotationLambdaARN");
  if (auto rules = in.find("RotationRules"); rules != in.end() && rules->is_object()) {
    core::RotationRules rr;
    if (auto days = rules->find("AutomaticallyAfterDays");
        days != rules->end() && days->is_number_integer()) {
      rr.automatically_after_days = days->get<int>();
    }
    rr.duration = optional_string(*rules, "Duration").value_or("");
    rr.schedule_expression = optional_string(*rules, "ScheduleExpression").value_or("");
    r.rotation_rules = rr;
  }
  r.rotate_immediately = optional_bool(in, "RotateImmediately").value_or(true);
  auto ref = s.rotate_secret(r);
  Json out = ref_json(ref.arn, ref.name);
  if (ref.version_id) out["VersionId"] = *ref.version_id;
  return out;
}

Json cancel_rotate_secret(core::SecretsService& s, const Json& in) {
  auto ref = s.cancel_rotate_secret(required_string(in, "SecretId"));
  Json out = ref_json(ref.arn, ref.name);
  if (ref.version_id) out["VersionId"] = *ref.version_id;
  return out;
}

Json put_resource_policy(core::SecretsService& s, const Json& in) {
  auto r =
      s.put_resource_policy(required_string(in, "SecretId"), required_string(in, "ResourcePolicy"),
                            optional_bool(in, "BlockPublicPolicy").value_or(true));
  return ref_json(r.arn, r.name);
}

Json get_resource_policy(core::SecretsService& s, const Json& in) {
  auto r = s.get_resource_policy(required_string(in, "SecretId"));
  Json out = ref_json(r.arn, r.name);
  if (r.resource_policy) out["ResourcePolicy"] = *r.resource_policy;
  return out;
}

Json delete_resource_policy(core::SecretsService& s, const Json& in) {
  auto r = s.delete_resource_policy(required_string(in, "SecretId"));
  return ref_json(r.arn, r.name);
}

Json validate_resource_policy(core::SecretsService& s, const Json& in) {
  auto r = s.validate_resource_policy(optional_string(in, "SecretId"),
                                      required_string(in, "ResourcePolicy"));
  Json errors = Json::array();
  for (const auto& [check, message] : r.errors)
    errors.push_back({{"CheckName", check}, {"ErrorMessage", message}});
  return {{"PolicyValidationPassed", r.passed}, {"ValidationErrors", std::move(errors)}};
}

}  // namespace

Json secret_json(const core::SecretDescription& d, bool list_entry) {
  const core::SecretRecord& s = d.secret;
  Json out{{"ARN", s.arn},
           {"Name", s.name},
           {"LastChangedDate", epoch_seconds(s.last_changed_at)},
           {"CreatedDate", epoch_seconds(s.created_at)}};
  if (s.description) out["Description"] = *s.description;
  if (s.kms_key_id) out["KmsKeyId"] = *s.kms_key_id;
  out["RotationEnabled"] = s.rotation_enabled;
  if (!s.rotation_lambda_arn.empty()) out["RotationLambdaARN"] = s.rotation_lambda_arn;
  if (s.rotation_rules.automatically_after_days || !s.rotation_rules.schedule_expression.empty())
    out["RotationRules"] = rules_json(s.rotation_rules);
  if (s.last_rotated_at) out["LastRotatedDate"] = epoch_seconds(*s.last_rotated_at);
  if (s.last_accessed_at) out["LastAccessedDate"] = epoch_seconds(*s.last_accessed_at);
  if (s.deleted_at) out["DeletedDate"] = epoch_seconds(*s.deleted_at);
  if (s.rotation_enabled && s.next_rotation_at)
    out["NextRotationDate"] = epoch_seconds(*s.next_rotation_at);
  if (!d.tags.empty()) {
    Json tags = Json::array();
    for (const auto& t : d.tags) tags.push_back({{"Key", t.key}, {"Value", t.value}});
    out["Tags"] = std::move(tags);
  }
  Json stages = Json::object();
  for (const auto& [version, labels] : d.version_ids_to_stages) stages[version] = labels;
  out[list_entry ? "SecretVersionsToStages" : "VersionIdsToStages"] = std::move(stages);
  return out;
}

void add_secret_management_operations(AwsOperationTable& t) {
  t[Op::kDescribeSecret] = secrets_codec<describe_secret>();
  t[Op::kListSecrets] = secrets_codec<list_secrets>();
  t[Op::kListSecretVersionIds] = secrets_codec<list_secret_version_ids>();
  t[Op::kDeleteSecret] = secrets_codec<delete_secret>();
  t[Op::kRestoreSecret] = secrets_codec<restore_secret>();
  t[Op::kSecretsTagResource] = secrets_codec<tag_resource>();
  t[Op::kSecretsUntagResource] = secrets_codec<untag_resource>();
  t[Op::kGetRandomPassword] = secrets_codec<get_random_password>();
  t[Op::kRotateSecret] = secrets_codec<rotate_secret>();
  t[Op::kCancelRotateSecret] = secrets_codec<cancel_rotate_secret>();
  t[Op::kPutResourcePolicy] = secrets_codec<put_resource_policy>();
  t[Op::kGetResourcePolicy] = secrets_codec<get_resource_policy>();
  t[Op::kDeleteResourcePolicy] = secrets_codec<delete_resource_policy>();
  t[Op::kValidateResourcePolicy] = secrets_codec<validate_resource_policy>();
}

}  // namespace coffer::server::aws
