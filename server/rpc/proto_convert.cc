#include "server/rpc/proto_convert.h"

namespace coffer::server::rpc {

namespace v1 = ::coffer::v1;

void to_proto(core::Timestamp t, google::protobuf::Timestamp* out) {
  const std::int64_t ms = core::to_millis(t);
  out->set_seconds(ms / 1000);
  out->set_nanos(static_cast<std::int32_t>(ms % 1000) * 1000000);
}

void to_proto(const core::KeyMetadata& m, v1::KeyMetadata* out) {
  out->set_aws_account_id(m.aws_account_id);
  out->set_key_id(m.key_id);
  out->set_arn(m.arn);
  to_proto(m.creation_date, out->mutable_creation_date());
  out->set_enabled(m.enabled);
  out->set_description(m.description);
  out->set_key_usage(std::string(core::to_string(m.key_usage)));
  out->set_key_state(std::string(core::to_string(m.key_state)));
  if (m.deletion_date) to_proto(*m.deletion_date, out->mutable_deletion_date());
  out->set_origin(std::string(core::to_string(m.origin)));
  out->set_key_manager(m.key_manager);
  out->set_key_spec(std::string(core::to_string(m.key_spec)));
  for (const auto& a : m.encryption_algorithms) out->add_encryption_algorithms(a);
  for (const auto& a : m.signing_algorithms) out->add_signing_algorithms(a);
  for (const auto& a : m.mac_algorithms) out->add_mac_algorithms(a);
  out->set_multi_region(m.multi_region);
  if (m.multi_region_configuration) {
    auto* mr = out->mutable_multi_region_configuration();
    mr->set_multi_region_key_type(m.multi_region_configuration->multi_region_key_type);
    mr->set_primary_key_arn(m.multi_region_configuration->primary_arn);
    mr->set_primary_key_region(m.multi_region_configuration->primary_region);
  }
  if (m.pending_deletion_window_in_days)
    out->set_pending_deletion_window_in_days(*m.pending_deletion_window_in_days);
  out->set_current_key_material_id(m.current_key_material_id);
}

core::EncryptionContext from_proto(const google::protobuf::Map<std::string, std::string>& map) {
  return core::EncryptionContext(map.begin(), map.end());
}

std::vector<core::Tag> from_proto(const google::protobuf::RepeatedPtrField<v1::Tag>& tags) {
  std::vector<core::Tag> out;
  for (const auto& t : tags) out.push_back({t.tag_key(), t.tag_value()});
  return out;
}

core::Page page_of(bool has_limit, int limit, bool has_marker, const std::string& marker) {
  return {optional_of(has_limit, limit), optional_of(has_marker, marker)};
}

}  // namespace coffer::server::rpc
