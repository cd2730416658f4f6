// Key lifecycle and rotation operations.
#include "server/aws/kms_json_handlers.h"

#include "common/utf8.h"

namespace coffer::server::aws {
namespace {

core::Page page_of(const Json& in) {
  return {optional_int(in, "Limit"), optional_string(in, "Marker")};
}

void add_page(Json& out, const std::optional<std::string>& next_marker, bool truncated) {
  if (next_marker) out["NextMarker"] = *next_marker;
  out["Truncated"] = truncated;
}

std::string key_id(const Json& in) { return required_string(in, "KeyId"); }

Json create_key(core::KmsService& kms, const Json& in) {
  core::CreateKeyRequest r;
  r.policy = optional_string(in, "Policy");
  r.description = optional_string(in, "Description");
  r.key_usage = optional_string(in, "KeyUsage");
  r.key_spec = optional_string(in, "KeySpec");
  // CustomerMasterKeySpec is the deprecated name of KeySpec; AWS rejects both at once.
  if (auto legacy = optional_string(in, "CustomerMasterKeySpec")) {
    if (r.key_spec) {
      throw Error(ErrorCode::kValidation,
                  "You cannot specify KeySpec and CustomerMasterKeySpec in the same request.");
    }
    r.key_spec = legacy;
  }
  r.origin = optional_string(in, "Origin");
  if (optional_string(in, "CustomKeyStoreId")) {
    throw Error(ErrorCode::kUnsupportedOperation, "Custom key stores are not supported.");
  }
  r.bypass_policy_lockout_safety_check =
      optional_bool(in, "BypassPolicyLockoutSafetyCheck").value_or(false);
  r.tags = tags(in, "Tags");
  r.multi_region = optional_bool(in, "MultiRegion").value_or(false);
  return {{"KeyMetadata", key_metadata_json(kms.create_key(r))}};
}

Json describe_key(core::KmsService& kms, const Json& in) {
  return {{"KeyMetadata", key_metadata_json(kms.describe_key(key_id(in)))}};
}

Json list_keys(core::KmsService& kms, const Json& in) {
  auto result = kms.list_keys(page_of(in));
  Json keys = Json::array();
  for (const auto& k : result.keys) keys.push_back({{"KeyId", k.key_id}, {"KeyArn", k.key_arn}});
  Json out{{"Keys", std::move(keys)}};
  add_page(out, result.next_marker, result.truncated);
  return out;
}

Json schedule_key_deletion(core::KmsService& kms, const Json& in) {
  const auto id = key_id(in);
  auto result = kms.schedule_key_deletion(id, optional_int(in, "PendingWindowInDays"));
  return {{"KeyId", result.key_id},
          {"DeletionDate", epoch_seconds(result.deletion_date)},
          {"KeyState", std::string(core::to_string(result.key_state))},
          {"PendingWindowInDays", result.pending_window_in_days}};
}

Json get_key_rotation_status(core::KmsService& kms, const Json& in) {
  auto s = kms.get_key_rotation_status(key_id(in));
  Json out{{"KeyRotationEnabled", s.key_rotation_enabled}, {"KeyId", s.key_id}};
  if (s.rotation_period_in_days) out["RotationPeriodInDays"] = *s.rotation_period_in_days;
  if (s.next_rotation_date) out["NextRotationDate"] = epoch_seconds(*s.next_rotation_date);
  if (s.on_demand_rotation_start_date)
    out["OnDemandRotationStartDate"] = epoch_seconds(*s.on_demand_rotation_start_date);
  return out;
}

Json list_key_rotations(core::KmsService& kms, const Json& in) {
  const auto id = key_id(in);
  auto result = kms.list_key_rotations(id, page_of(in));
  Json rotations = Json::array();
  for (const auto& r : result.rotations) {
    rotations.push_back({{"KeyId", r.key_id},
                         {"KeyMaterialId", r.key_material_id},
                         {"RotationDate", epoch_seconds(r.rotation_date)},
                         {"RotationType", std::string(core::to_string(r.rotation_type))}});
  }
  Json out{{"Rotations", std::move(rotations)}};
  add_page(out, result.next_marker, result.truncated);
  return out;
}

// Key policies are not evaluated yet: there is one, the default, and only it may be put.
std::string policy_name(const Json& in) {
  const auto name = optional_string(in, "PolicyName").value_or("default");
  if (name != "default")
    throw Error(ErrorCode::kNotFound, "No such policy: " + quoted_excerpt(name));
  return name;
}

Json get_key_policy(core::KmsService& kms, const Json& in) {
  const auto id = key_id(in);
  const auto name = policy_name(in);
  return {{"Policy", kms.get_key_policy(id)}, {"PolicyName", name}};
}

Json list_key_policies(core::KmsService& kms, const Json& in) {
  return {{"PolicyNames", kms.list_key_policies(key_id(in))}, {"Truncated", false}};
}

Json put_key_policy(core::KmsService& kms, const Json& in) {
  const auto id = key_id(in);
  const auto policy = required_string(in, "Policy");
  policy_name(in);
  const bool bypass = optional_bool(in, "BypassPolicyLockoutSafetyCheck").value_or(false);
  kms.put_key_policy(id, policy, bypass);
  return Json::object();
}

}  // namespace

Json key_metadata_json(const core::KeyMetadata& m) {
  const std::string spec(core::to_string(m.key_spec));
  Json out{{"AWSAccountId", m.aws_account_id},
           {"KeyId", m.key_id},
           {"Arn", m.arn},
           {"CreationDate", epoch_seconds(m.creation_date)},
           {"Enabled", m.enabled},
           {"Description", m.description},
           {"KeyUsage", std::string(core::to_string(m.key_usage))},
           {"KeyState", std::string(core::to_string(m.key_state))},
           {"Origin", std::string(core::to_string(m.origin))},
           {"KeyManager", m.key_manager},
           {"CustomerMasterKeySpec", spec},
           {"KeySpec", spec},
           {"MultiRegion", m.multi_region}};
  if (m.deletion_date) out["DeletionDate"] = epoch_seconds(*m.deletion_date);
  if (!m.encryption_algorithms.empty()) out["EncryptionAlgorithms"] = m.encryption_algorithms;
  if (!m.signing_algorithms.empty()) out["SigningAlgorithms"] = m.signing_algorithms;
  if (!m.mac_algorithms.empty()) out["MacAlgorithms"] = m.mac_algorithms;
  if (m.multi_region_configuration) {
    const auto& c = *m.multi_region_configuration;
    out["MultiRegionConfiguration"] = {
        {"MultiRegionKeyType", c.multi_region_key_type},
        {"PrimaryKey", {{"Arn", c.primary_arn}, {"Region", c.primary_region}}},
        {"ReplicaKeys", Json::array()}};
  }
  if (m.pending_deletion_window_in_days)
    out["PendingDeletionWindowInDays"] = *m.pending_deletion_window_in_days;
  if (!m.current_key_material_id.empty()) out["CurrentKeyMaterialId"] = m.current_key_material_id;
  return out;
}

void add_key_operations(KmsOperationTable& t) {
  t[core::api::Operation::kGetKeyPolicy] = get_key_policy;
  t[core::api::Operation::kListKeyPolicies] = list_key_policies;
  t[core::api::Operation::kPutKeyPolicy] = put_key_policy;
  t[core::api::Operation::kCreateKey] = create_key;
  t[core::api::Operation::kDescribeKey] = describe_key;
  t[core::api::Operation::kListKeys] = list_keys;
  t[core::api::Operation::kEnableKey] = [](core::KmsService& kms, const Json& in) {
    kms.enable_key(key_id(in));
    return Json::object();
  };
  t[core::api::Operation::kDisableKey] = [](core::KmsService& kms, const Json& in) {
    kms.disable_key(key_id(in));
    return Json::object();
  };
  t[core::api::Operation::kScheduleKeyDeletion] = schedule_key_deletion;
  t[core::api::Operation::kCancelKeyDeletion] = [](core::KmsService& kms, const Json& in) {
    return Json{{"KeyId", kms.cancel_key_deletion(key_id(in))}};
  };
  t[core::api::Operation::kUpdateKeyDescription] = [](core::KmsService& kms, const Json& in) {
    const auto id = key_id(in);
    kms.update_key_description(id, required_string(in, "Description"));
    return Json::object();
  };
  t[core::api::Operation::kEnableKeyRotation] = [](core::KmsService& kms, const Json& in) {
    const auto id = key_id(in);
    kms.enable_key_rotation(id, optional_int(in, "RotationPeriodInDays"));
    return Json::object();
  };
  t[core::api::Operation::kDisableKeyRotation] = [](core::KmsService& kms, const Json& in) {
    kms.disable_key_rotation(key_id(in));
    return Json::object();
  };
  t[core::api::Operation::kGetKeyRotationStatus] = get_key_rotation_status;
  t[core::api::Operation::kRotateKeyOnDemand] = [](core::KmsService& kms, const Json& in) {
    return Json{{"KeyId", kms.rotate_key_on_demand(key_id(in))}};
  };
  t[core::api::Operation::kListKeyRotations] = list_key_rotations;
}

}  // namespace coffer::server::aws
