// coffer.v1.Secrets: describe and list, deletion, tags, passwords, rotation and resource
// policies.
#include "server/rpc/proto_convert.h"
#include "server/rpc/secrets_handlers.h"
#include "server/rpc/secrets_proto_convert.h"

namespace coffer::server::rpc {
namespace {

using Ctx = RequestContext;
using Op = core::api::Operation;

template <class Response>
Response arn_and_name(const std::string& arn, const std::string& name) {
  Response out;
  out.set_arn(arn);
  out.set_name(name);
  return out;
}

template <class Response>
Response version_ref(const core::SecretVersionRef& ref) {
  auto out = arn_and_name<Response>(ref.arn, ref.name);
  if (ref.version_id) out.set_version_id(*ref.version_id);
  return out;
}

void register_describe_and_list(Dispatcher& d, core::SecretsService& secrets) {
  d.add_typed<sv1::DescribeSecretRequest, sv1::DescribeSecretResponse>(
      Op::kDescribeSecret, [&secrets](const Ctx&, const auto& r) {
        sv1::DescribeSecretResponse out;
        to_proto(secrets.describe_secret(r.secret_id()), &out);
        return out;
      });
  d.add_typed<sv1::ListSecretsRequest, sv1::ListSecretsResponse>(
      Op::kListSecrets, [&secrets](const Ctx&, const auto& r) {
        core::ListSecretsRequest req;
        req.include_planned_deletion = r.include_planned_deletion();
        req.max_results = optional_of(r.has_max_results(), r.max_results());
        req.next_token = optional_of(r.has_next_token(), r.next_token());
        req.filters = filters_of(r.filters());
        if (r.has_sort_order()) req.sort_order = r.sort_order();
        if (r.has_sort_by()) req.sort_by = r.sort_by();
        auto result = secrets.list_secrets(req);
        sv1::ListSecretsResponse out;
        for (const auto& s : result.secrets) to_proto(s, out.add_secret_list());
        if (result.next_token) out.set_next_token(*result.next_token);
        return out;
      });
  d.add_typed<sv1::ListSecretVersionIdsRequest, sv1::ListSecretVersionIdsResponse>(
      Op::kListSecretVersionIds, [&secrets](const Ctx&, const auto& r) {
        core::ListSecretVersionIdsRequest req;
        req.secret_id = r.secret_id();
        req.max_results = optional_of(r.has_max_results(), r.max_results());
        req.next_token = optional_of(r.has_next_token(), r.next_token());
        req.include_deprecated = r.include_deprecated();
        auto result = secrets.list_secret_version_ids(req);
        sv1::ListSecretVersionIdsResponse out;
        for (const auto& v : result.versions) {
          auto* e = out.add_versions();
          e->set_version_id(v.version_id);
          for (const auto& stage : v.version_stages) e->add_version_stages(stage);
          if (v.last_accessed_at) to_proto(*v.last_accessed_at, e->mutable_last_accessed_date());
          to_proto(v.created_at, e->mutable_created_date());
          if (!v.kms_key_arn.empty()) e->add_kms_key_ids(v.kms_key_arn);
        }
        if (result.next_token) out.set_next_token(*result.next_token);
        out.set_arn(result.arn);
        out.set_name(result.name);
        return out;
      });
}

void register_deletion_and_tags(Dispatcher& d, core::SecretsService& secrets) {
  d.add_typed<sv1::DeleteSecretRequest, sv1::DeleteSecretResponse>(
      Op::kDeleteSecret, [&secrets](const Ctx&, const auto& r) {
        auto result = secrets.delete_secret(
            {r.secret_id(), int_of(r.has_recovery_window_in_days(), r.recovery_window_in_days()),
             optional_of(r.has_force_delete_without_recovery(),
                         r.force_delete_without_recovery())});
        auto out = arn_and_name<sv1::DeleteSecretResponse>(result.arn, result.name);
        to_proto(result.deletion_date, out.mutable_deletion_date());
        return out;
      });
  d.add_typed<sv1::RestoreSecretRequest, sv1::RestoreSecretResponse>(
      Op::kRestoreSecret, [&secrets](const Ctx&, const auto& r) {
        auto ref = secrets.restore_secret(r.secret_id());
        return arn_and_name<sv1::RestoreSecretResponse>(ref.arn, ref.name);
      });
  d.add_typed<sv1::TagResourceRequest, sv1::TagResourceResponse>(
      Op::kSecretsTagResource, [&secrets](const Ctx&, const auto& r) {
        secrets.tag_resource(r.secret_id(), tags_of(r.tags()));
        return sv1::TagResourceResponse();
      });
  d.add_typed<sv1::UntagResourceRequest, sv1::UntagResourceResponse>(
      Op::kSecretsUntagResource, [&secrets](const Ctx&, const auto& r) {
        secrets.untag_resource(r.secret_id(), strings_of(r.tag_keys()));
        return sv1::UntagResourceResponse();
      });
}

void register_passwords_and_rotation(Dispatcher& d, core::SecretsService& secrets) {
  d.add_typed<sv1::GetRandomPasswordRequest, sv1::GetRandomPasswordResponse>(
      Op::kGetRandomPassword, [&secrets](const Ctx&, const auto& r) {
        core::RandomPasswordRequest req;
        if (r.has_password_length()) req.password_length = r.password_length();
        req.exclude_characters = r.exclude_characters();
        req.exclude_numbers = r.exclude_numbers();
        req.exclude_punctuation = r.exclude_punctuation();
        req.exclude_uppercase = r.exclude_uppercase();
        req.exclude_lowercase = r.exclude_lowercase();
        req.include_space = r.include_space();
        req.require_each_included_type =
            !r.has_require_each_included_type() || r.require_each_included_type();
        const SecretBytes password = secrets.get_random_password(req);
        sv1::GetRandomPasswordResponse out;
        out.set_random_password(reinterpret_cast<const char*>(password.data()), password.size());
        return out;
      });
  d.add_typed<sv1::RotateSecretRequest, sv1::RotateSecretResponse>(
      Op::kRotateSecret, [&secrets](const Ctx&, const auto& r) {
        core::RotateSecretRequest req;
        req.secret_id = r.secret_id();
        req.client_request_token =
            optional_of(r.has_client_request_token(), r.client_request_token());
        req.rotation_lambda_arn = optional_of(r.has_rotation_lambda_arn(), r.rotation_lambda_arn());
        if (r.has_rotation_rules()) req.rotation_rules = rules_of(r.rotation_rules());
        req.rotate_immediately = !r.has_rotate_immediately() || r.rotate_immediately();
        return version_ref<sv1::RotateSecretResponse>(secrets.rotate_secret(req));
      });
  d.add_typed<sv1::CancelRotateSecretRequest, sv1::CancelRotateSecretResponse>(
      Op::kCancelRotateSecret, [&secrets](const Ctx&, const auto& r) {
        return version_ref<sv1::CancelRotateSecretResponse>(
            secrets.cancel_rotate_secret(r.secret_id()));
      });
}

void register_policies(Dispatcher& d, core::SecretsService& secrets) {
  d.add_typed<sv1::PutResourcePolicyRequest, sv1::PutResourcePolicyResponse>(
      Op::kPutResourcePolicy, [&secrets](const Ctx&, const auto& r) {
        auto result =
            secrets.put_resource_policy(r.secret_id(), r.resource_policy(),
                                        !r.has_block_public_policy() || r.block_public_policy());
        return arn_and_name<sv1::PutResourcePolicyResponse>(result.arn, result.name);
      });
  d.add_typed<sv1::GetResourcePolicyRequest, sv1::GetResourcePolicyResponse>(
      Op::kGetResourcePolicy, [&secrets](const Ctx&, const auto& r) {
        auto result = secrets.get_resource_policy(r.secret_id());
        auto out = arn_and_name<sv1::GetResourcePolicyResponse>(result.arn, result.name);
        if (result.resource_policy) out.set_resource_policy(*result.resource_policy);
        return out;
      });
  d.add_typed<sv1::DeleteResourcePolicyRequest, sv1::DeleteResourcePolicyResponse>(
      Op::kDeleteResourcePolicy, [&secrets](const Ctx&, const auto& r) {
        auto ref = secrets.delete_resource_policy(r.secret_id());
        return arn_and_name<sv1::DeleteResourcePolicyResponse>(ref.arn, ref.name);
      });
  d.add_typed<sv1::ValidateResourcePolicyRequest, sv1::ValidateResourcePolicyResponse>(
      Op::kValidateResourcePolicy, [&secrets](const Ctx&, const auto& r) {
        auto result = secrets.validate_resource_policy(
            optional_of(r.has_secret_id(), r.secret_id()), r.resource_policy());
        sv1::ValidateResourcePolicyResponse out;
        out.set_policy_validation_passed(result.passed);
        for (const auto& [check, message] : result.errors) {
          auto* e = out.add_validation_errors();
          e->set_check_name(check);
          e->set_error_message(message);
        }
        return out;
      });
}

}  // namespace

void register_secret_management_handlers(Dispatcher& d, core::SecretsService& secrets) {
  register_describe_and_list(d, secrets);
  register_deletion_and_tags(d, secrets);
  register_passwords_and_rotation(d, secrets);
  register_policies(d, secrets);
}

}  // namespace coffer::server::rpc
