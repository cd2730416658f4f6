#include "server/rpc/secrets_proto_convert.h"

#include "server/rpc/proto_convert.h"

namespace coffer::server::rpc {
namespace {

SecretBytes secret_bytes_of(const std::string& s) {
  return SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

// Both messages have the same attribute fields; only the version map's name differs.
template <class Out>
void attributes_to_proto(const core::SecretDescription& d, Out* out) {
  const core::SecretRecord& s = d.secret;
  out->set_arn(s.arn);
  out->set_name(s.name);
  if (s.description) out->set_description(*s.description);
  if (s.kms_key_id) out->set_kms_key_id(*s.kms_key_id);
  out->set_rotation_enabled(s.rotation_enabled);
  if (!s.rotation_lambda_arn.empty()) out->set_rotation_lambda_arn(s.rotation_lambda_arn);
  if (s.rotation_rules.automatically_after_days || !s.rotation_rules.schedule_expression.empty())
    to_proto(s.rotation_rules, out->mutable_rotation_rules());
  if (s.last_rotated_at) to_proto(*s.last_rotated_at, out->mutable_last_rotated_date());
  to_proto(s.last_changed_at, out->mutable_last_changed_date());
  if (s.last_accessed_at) to_proto(*s.last_accessed_at, out->mutable_last_accessed_date());
  if (s.deleted_at) to_proto(*s.deleted_at, out->mutable_deleted_date());
  // As AWS: a next rotation date only while rotation is on.
  if (s.rotation_enabled && s.next_rotation_at)
    to_proto(*s.next_rotation_at, out->mutable_next_rotation_date());
  for (const auto& t : d.tags) {
    auto* tag = out->add_tags();
    tag->set_key(t.key);
    tag->set_value(t.value);
  }
  to_proto(s.created_at, out->mutable_created_date());
  out->set_primary_region(d.primary_region);
  if (!s.type.empty()) out->set_type(s.type);
}

void stages_to_proto(const core::SecretDescription& d,
                     google::protobuf::Map<std::string, sv1::VersionStages>* out) {
  for (const auto& [version, labels] : d.version_ids_to_stages) {
    auto& entry = (*out)[version];
    for (const auto& label : labels) entry.add_version_stages(label);
  }
}

template <class Out>
void value_to_proto(const core::GetSecretValueResult& r, Out* out) {
  out->set_arn(r.arn);
  out->set_name(r.name);
  out->set_version_id(r.version_id);
  put_secret_value(r.value, out);
  for (const auto& stage : r.version_stages) out->add_version_stages(stage);
  to_proto(r.created_at, out->mutable_created_date());
}

}  // namespace

core::SecretValue secret_value_of(bool has_string, const std::string& text, bool has_binary,
                                  const std::string& binary) {
  core::SecretValue value;
  if (has_string) value.string = secret_bytes_of(text);
  if (has_binary) value.binary = secret_bytes_of(binary);
  return value;
}

std::vector<core::Tag> tags_of(const google::protobuf::RepeatedPtrField<sv1::Tag>& tags) {
  std::vector<core::Tag> out;
  out.reserve(static_cast<std::size_t>(tags.size()));
  for (const auto& t : tags) out.push_back({t.key(), t.value()});
  return out;
}

std::vector<core::SecretsFilter> filters_of(
    const google::protobuf::RepeatedPtrField<sv1::Filter>& filters) {
  std::vector<core::SecretsFilter> out;
  for (const auto& f : filters) out.push_back({f.key(), strings_of(f.values())});
  return out;
}

core::RotationRules rules_of(const sv1::RotationRules& rules) {
  core::RotationRules out;
  out.automatically_after_days =
      int_of(rules.has_automatically_after_days(), rules.automatically_after_days());
  out.duration = rules.duration();
  out.schedule_expression = rules.schedule_expression();
  return out;
}

void to_proto(const core::RotationRules& rules, sv1::RotationRules* out) {
  if (rules.automatically_after_days)
    out->set_automatically_after_days(*rules.automatically_after_days);
  if (!rules.duration.empty()) out->set_duration(rules.duration);
  if (!rules.schedule_expression.empty()) out->set_schedule_expression(rules.schedule_expression);
}

std::vector<std::string> strings_of(const google::protobuf::RepeatedPtrField<std::string>& list) {
  return {list.begin(), list.end()};
}

void to_proto(const core::SecretDescription& d, sv1::DescribeSecretResponse* out) {
  attributes_to_proto(d, out);
  stages_to_proto(d, out->mutable_version_ids_to_stages());
}

void to_proto(const core::SecretDescription& d, sv1::SecretListEntry* out) {
  attributes_to_proto(d, out);
  stages_to_proto(d, out->mutable_secret_versions_to_stages());
}

void to_proto(const core::GetSecretValueResult& r, sv1::GetSecretValueResponse* out) {
  value_to_proto(r, out);
}

void to_proto(const core::GetSecretValueResult& r, sv1::SecretValueEntry* out) {
  value_to_proto(r, out);
}

}  // namespace coffer::server::rpc
