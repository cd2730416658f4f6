#include "server/rpc/kms_handlers.h"

#include "coffer/v1/crypto.pb.h"
#include "coffer/v1/keys.pb.h"
#include "server/rpc/proto_convert.h"

namespace coffer::server::rpc {
namespace {

namespace v1 = ::coffer::v1;
using Ctx = RequestContext;
using Op = core::api::Operation;

void register_keys(Dispatcher& d, core::KmsService& kms) {
  d.add_typed<v1::CreateKeyRequest, v1::CreateKeyResponse>(
      Op::kCreateKey, [&kms](const Ctx&, const auto& r) {
        core::CreateKeyRequest req;
        req.description = optional_of(r.has_description(), r.description());
        req.key_usage = optional_of(r.has_key_usage(), r.key_usage());
        req.key_spec = optional_of(r.has_key_spec(), r.key_spec());
        req.origin = optional_of(r.has_origin(), r.origin());
        req.tags = from_proto(r.tags());
        req.multi_region = r.multi_region();
        req.policy = optional_of(r.has_policy(), r.policy());
        v1::CreateKeyResponse out;
        to_proto(kms.create_key(req), out.mutable_key_metadata());
        return out;
      });
  d.add_typed<v1::DescribeKeyRequest, v1::DescribeKeyResponse>(
      Op::kDescribeKey, [&kms](const Ctx&, const auto& r) {
        v1::DescribeKeyResponse out;
        to_proto(kms.describe_key(r.key_id()), out.mutable_key_metadata());
        return out;
      });
  d.add_typed<v1::ListKeysRequest, v1::ListKeysResponse>(
      Op::kListKeys, [&kms](const Ctx&, const auto& r) {
        auto result = kms.list_keys(page_from(r));
        v1::ListKeysResponse out;
        for (const auto& k : result.keys) {
          auto* e = out.add_keys();
          e->set_key_id(k.key_id);
          e->set_key_arn(k.key_arn);
        }
        if (result.next_marker) out.set_next_marker(*result.next_marker);
        out.set_truncated(result.truncated);
        return out;
      });
  d.add_typed<v1::EnableKeyRequest, v1::EnableKeyResponse>(Op::kEnableKey,
                                                           [&kms](const Ctx&, const auto& r) {
                                                             kms.enable_key(r.key_id());
                                                             return v1::EnableKeyResponse();
                                                           });
  d.add_typed<v1::DisableKeyRequest, v1::DisableKeyResponse>(Op::kDisableKey,
                                                             [&kms](const Ctx&, const auto& r) {
                                                               kms.disable_key(r.key_id());
                                                               return v1::DisableKeyResponse();
                                                             });
  d.add_typed<v1::ScheduleKeyDeletionRequest, v1::ScheduleKeyDeletionResponse>(
      Op::kScheduleKeyDeletion, [&kms](const Ctx&, const auto& r) {
        auto result = kms.schedule_key_deletion(
            r.key_id(), optional_of(r.has_pending_window_in_days(), r.pending_window_in_days()));
        v1::ScheduleKeyDeletionResponse out;
        out.set_key_id(result.key_id);
        to_proto(result.deletion_date, out.mutable_deletion_date());
        out.set_key_state(std::string(core::to_string(result.key_state)));
        out.set_pending_window_in_days(result.pending_window_in_days);
        return out;
      });
  d.add_typed<v1::CancelKeyDeletionRequest, v1::CancelKeyDeletionResponse>(
      Op::kCancelKeyDeletion, [&kms](const Ctx&, const auto& r) {
        v1::CancelKeyDeletionResponse out;
        out.set_key_id(kms.cancel_key_deletion(r.key_id()));
        return out;
      });
  d.add_typed<v1::UpdateKeyDescriptionRequest, v1::UpdateKeyDescriptionResponse>(
      Op::kUpdateKeyDescription, [&kms](const Ctx&, const auto& r) {
        kms.update_key_description(r.key_id(), r.description());
        return v1::UpdateKeyDescriptionResponse();
      });
  d.add_typed<v1::EnableKeyRotationRequest, v1::EnableKeyRotationResponse>(
      Op::kEnableKeyRotation, [&kms](const Ctx&, const auto& r) {
        kms.enable_key_rotation(
            r.key_id(), optional_of(r.has_rotation_period_in_days(), r.rotation_period_in_days()));
        return v1::EnableKeyRotationResponse();
      });
  d.add_typed<v1::DisableKeyRotationRequest, v1::DisableKeyRotationResponse>(
      Op::kDisableKeyRotation, [&kms](const Ctx&, const auto& r) {
        kms.disable_key_rotation(r.key_id());
        return v1::DisableKeyRotationResponse();
      });
  d.add_typed<v1::GetKeyRotationStatusRequest, v1::GetKeyRotationStatusResponse>(
      Op::kGetKeyRotationStatus, [&kms](const Ctx&, const auto& r) {
        auto s = kms.get_key_rotation_status(r.key_id());
        v1::GetKeyRotationStatusResponse out;
        out.set_key_rotation_enabled(s.key_rotation_enabled);
        out.set_key_id(s.key_id);
        if (s.rotation_period_in_days) out.set_rotation_period_in_days(*s.rotation_period_in_days);
        if (s.next_rotation_date) to_proto(*s.next_rotation_date, out.mutable_next_rotation_date());
        if (s.on_demand_rotation_start_date)
          to_proto(*s.on_demand_rotation_start_date, out.mutable_on_demand_rotation_start_date());
        return out;
      });
  d.add_typed<v1::RotateKeyOnDemandRequest, v1::RotateKeyOnDemandResponse>(
      Op::kRotateKeyOnDemand, [&kms](const Ctx&, const auto& r) {
        v1::RotateKeyOnDemandResponse out;
        out.set_key_id(kms.rotate_key_on_demand(r.key_id()));
        return out;
      });
  d.add_typed<v1::ListKeyRotationsRequest, v1::ListKeyRotationsResponse>(
      Op::kListKeyRotations, [&kms](const Ctx&, const auto& r) {
        auto result = kms.list_key_rotations(r.key_id(), page_from(r));
        v1::ListKeyRotationsResponse out;
        for (const auto& rot : result.rotations) {
          auto* e = out.add_rotations();
          e->set_key_id(rot.key_id);
          e->set_key_material_id(rot.key_material_id);
          to_proto(rot.rotation_date, e->mutable_rotation_date());
          e->set_rotation_type(std::string(core::to_string(rot.rotation_type)));
        }
        if (result.next_marker) out.set_next_marker(*result.next_marker);
        out.set_truncated(result.truncated);
        return out;
      });
  d.add_typed<v1::CreateAliasRequest, v1::CreateAliasResponse>(
      Op::kCreateAlias, [&kms](const Ctx&, const auto& r) {
        kms.create_alias(r.alias_name(), r.target_key_id());
        return v1::CreateAliasResponse();
      });
  d.add_typed<v1::UpdateAliasRequest, v1::UpdateAliasResponse>(
      Op::kUpdateAlias, [&kms](const Ctx&, const auto& r) {
        kms.update_alias(r.alias_name(), r.target_key_id());
        return v1::UpdateAliasResponse();
      });
  d.add_typed<v1::DeleteAliasRequest, v1::DeleteAliasResponse>(Op::kDeleteAlias,
                                                               [&kms](const Ctx&, const auto& r) {
                                                                 kms.delete_alias(r.alias_name());
                                                                 return v1::DeleteAliasResponse();
                                                               });
  d.add_typed<v1::ListAliasesRequest, v1::ListAliasesResponse>(
      Op::kListAliases, [&kms](const Ctx&, const auto& r) {
        auto result = kms.list_aliases(optional_of(r.has_key_id(), r.key_id()), page_from(r));
        v1::ListAliasesResponse out;
        for (const auto& a : result.aliases) {
          auto* e = out.add_aliases();
          e->set_alias_name(a.alias_name);
          e->set_alias_arn(a.alias_arn);
          e->set_target_key_id(a.target_key_id);
          to_proto(a.creation_date, e->mutable_creation_date());
          to_proto(a.last_updated_date, e->mutable_last_updated_date());
        }
        if (result.next_marker) out.set_next_marker(*result.next_marker);
        out.set_truncated(result.truncated);
        return out;
      });
  d.add_typed<v1::TagResourceRequest, v1::TagResourceResponse>(
      Op::kTagResource, [&kms](const Ctx&, const auto& r) {
        kms.tag_resource(r.key_id(), from_proto(r.tags()));
        return v1::TagResourceResponse();
      });
  d.add_typed<v1::UntagResourceRequest, v1::UntagResourceResponse>(
      Op::kUntagResource, [&kms](const Ctx&, const auto& r) {
        kms.untag_resource(r.key_id(),
                           std::vector<std::string>(r.tag_keys().begin(), r.tag_keys().end()));
        return v1::UntagResourceResponse();
      });
  d.add_typed<v1::ListResourceTagsRequest, v1::ListResourceTagsResponse>(
      Op::kListResourceTags, [&kms](const Ctx&, const auto& r) {
        auto result = kms.list_resource_tags(r.key_id(), page_from(r));
        v1::ListResourceTagsResponse out;
        for (const auto& t : result.tags) {
          auto* e = out.add_tags();
          e->set_tag_key(t.key);
          e->set_tag_value(t.value);
        }
        if (result.next_marker) out.set_next_marker(*result.next_marker);
        out.set_truncated(result.truncated);
        return out;
      });
}

void register_crypto(Dispatcher& d, core::KmsService& kms) {
  d.add_typed<v1::EncryptRequest, v1::EncryptResponse>(
      Op::kEncrypt, [&kms](const Ctx&, const auto& r) {
        auto result =
            kms.encrypt({r.key_id(), span_of(r.plaintext()), from_proto(r.encryption_context()),
                         optional_of(r.has_encryption_algorithm(), r.encryption_algorithm())});
        v1::EncryptResponse out;
        out.set_ciphertext_blob(bytes_of(result.ciphertext_blob));
        out.set_key_id(result.key_id);
        out.set_encryption_algorithm(result.encryption_algorithm);
        return out;
      });
  d.add_typed<v1::DecryptRequest, v1::DecryptResponse>(
      Op::kDecrypt, [&kms](const Ctx&, const auto& r) {
        auto result =
            kms.decrypt({span_of(r.ciphertext_blob()), from_proto(r.encryption_context()),
                         optional_of(r.has_key_id(), r.key_id()),
                         optional_of(r.has_encryption_algorithm(), r.encryption_algorithm())});
        v1::DecryptResponse out;
        out.set_key_id(result.key_id);
        out.set_plaintext(bytes_of(result.plaintext));
        out.set_encryption_algorithm(result.encryption_algorithm);
        out.set_key_material_id(result.key_material_id);
        return out;
      });
  d.add_typed<v1::ReEncryptRequest, v1::ReEncryptResponse>(
      Op::kReEncrypt, [&kms](const Ctx&, const auto& r) {
        core::ReEncryptRequest req;
        req.ciphertext_blob = span_of(r.ciphertext_blob());
        req.source_encryption_context = from_proto(r.source_encryption_context());
        req.source_key_id = optional_of(r.has_source_key_id(), r.source_key_id());
        req.destination_key_id = r.destination_key_id();
        req.destination_encryption_context = from_proto(r.destination_encryption_context());
        req.source_encryption_algorithm =
            optional_of(r.has_source_encryption_algorithm(), r.source_encryption_algorithm());
        req.destination_encryption_algorithm = optional_of(r.has_destination_encryption_algorithm(),
                                                           r.destination_encryption_algorithm());
        auto result = kms.re_encrypt(req);
        v1::ReEncryptResponse out;
        out.set_ciphertext_blob(bytes_of(result.ciphertext_blob));
        out.set_source_key_id(result.source_key_id);
        out.set_key_id(result.key_id);
        out.set_source_encryption_algorithm(result.source_encryption_algorithm);
        out.set_destination_encryption_algorithm(result.destination_encryption_algorithm);
        return out;
      });
  d.add_typed<v1::GenerateDataKeyRequest, v1::GenerateDataKeyResponse>(
      Op::kGenerateDataKey, [&kms](const Ctx&, const auto& r) {
        auto result =
            kms.generate_data_key({r.key_id(), from_proto(r.encryption_context()),
                                   optional_of(r.has_number_of_bytes(), r.number_of_bytes()),
                                   optional_of(r.has_key_spec(), r.key_spec())});
        v1::GenerateDataKeyResponse out;
        out.set_ciphertext_blob(bytes_of(result.ciphertext_blob));
        out.set_plaintext(bytes_of(result.plaintext));
        out.set_key_id(result.key_id);
        out.set_key_material_id(result.key_material_id);
        return out;
      });
  d.add_typed<v1::GenerateDataKeyWithoutPlaintextRequest,
              v1::GenerateDataKeyWithoutPlaintextResponse>(
      Op::kGenerateDataKeyWithoutPlaintext, [&kms](const Ctx&, const auto& r) {
        auto result = kms.generate_data_key_without_plaintext(
            {r.key_id(), from_proto(r.encryption_context()),
             optional_of(r.has_number_of_bytes(), r.number_of_bytes()),
             optional_of(r.has_key_spec(), r.key_spec())});
        v1::GenerateDataKeyWithoutPlaintextResponse out;
        out.set_ciphertext_blob(bytes_of(result.ciphertext_blob));
        out.set_key_id(result.key_id);
        out.set_key_material_id(result.key_material_id);
        return out;
      });
  d.add_typed<v1::GenerateRandomRequest, v1::GenerateRandomResponse>(
      Op::kGenerateRandom, [&kms](const Ctx&, const auto& r) {
        v1::GenerateRandomResponse out;
        out.set_plaintext(bytes_of(
            kms.generate_random(optional_of(r.has_number_of_bytes(), r.number_of_bytes()))));
        return out;
      });
}

}  // namespace

void register_kms_handlers(Dispatcher& dispatcher, core::KmsService& kms) {
  register_keys(dispatcher, kms);
  register_crypto(dispatcher, kms);
  register_signing_handlers(dispatcher, kms);
  register_grant_handlers(dispatcher, kms);
  register_principal_handlers(dispatcher, kms);
}

}  // namespace coffer::server::rpc
