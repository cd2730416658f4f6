// coffer.v1.Secrets: values and versions.
#include "server/rpc/secrets_handlers.h"

#include "server/rpc/proto_convert.h"
#include "server/rpc/secrets_proto_convert.h"

namespace coffer::server::rpc {
namespace {

using Ctx = RequestContext;
using Op = core::api::Operation;

template <class Response>
Response version_ref(const core::SecretVersionRef& ref) {
  Response out;
  out.set_arn(ref.arn);
  out.set_name(ref.name);
  if (ref.version_id) out.set_version_id(*ref.version_id);
  return out;
}

}  // namespace

void register_secret_value_handlers(Dispatcher& d, core::SecretsService& secrets) {
  d.add_typed<sv1::CreateSecretRequest, sv1::CreateSecretResponse>(
      Op::kCreateSecret, [&secrets](const Ctx&, const auto& r) {
        core::CreateSecretRequest req;
        req.name = r.name();
        req.client_request_token =
            optional_of(r.has_client_request_token(), r.client_request_token());
        req.description = optional_of(r.has_description(), r.description());
        req.kms_key_id = optional_of(r.has_kms_key_id(), r.kms_key_id());
        req.value = secret_value_from(r);
        req.tags = tags_of(r.tags());
        req.type = r.type();
        return version_ref<sv1::CreateSecretResponse>(secrets.create_secret(req));
      });
  d.add_typed<sv1::GetSecretValueRequest, sv1::GetSecretValueResponse>(
      Op::kGetSecretValue, [&secrets](const Ctx&, const auto& r) {
        sv1::GetSecretValueResponse out;
        to_proto(secrets.get_secret_value({r.secret_id(),
                                           optional_of(r.has_version_id(), r.version_id()),
                                           optional_of(r.has_version_stage(), r.version_stage())}),
                 &out);
        return out;
      });
  d.add_typed<sv1::BatchGetSecretValueRequest, sv1::BatchGetSecretValueResponse>(
      Op::kBatchGetSecretValue, [&secrets](const Ctx&, const auto& r) {
        core::BatchGetSecretValueRequest req;
        req.secret_ids = strings_of(r.secret_id_list());
        req.filters = filters_of(r.filters());
        req.max_results = optional_of(r.has_max_results(), r.max_results());
        req.next_token = optional_of(r.has_next_token(), r.next_token());
        auto result = secrets.batch_get_secret_value(req);
        sv1::BatchGetSecretValueResponse out;
        for (const auto& v : result.values) to_proto(v, out.add_secret_values());
        for (const auto& e : result.errors) {
          auto* error = out.add_errors();
          error->set_secret_id(e.secret_id);
          error->set_error_code(e.error_code);
          error->set_message(e.message);
        }
        if (result.next_token) out.set_next_token(*result.next_token);
        return out;
      });
  d.add_typed<sv1::PutSecretValueRequest, sv1::PutSecretValueResponse>(
      Op::kPutSecretValue, [&secrets](const Ctx&, const auto& r) {
        core::PutSecretValueRequest req;
        req.secret_id = r.secret_id();
        req.client_request_token =
            optional_of(r.has_client_request_token(), r.client_request_token());
        req.value = secret_value_from(r);
        // proto3 cannot tell an empty list from none: none given means core's default.
        if (r.version_stages_size() > 0) req.version_stages = strings_of(r.version_stages());
        auto result = secrets.put_secret_value(req);
        sv1::PutSecretValueResponse out;
        out.set_arn(result.arn);
        out.set_name(result.name);
        out.set_version_id(result.version_id);
        for (const auto& stage : result.version_stages) out.add_version_stages(stage);
        return out;
      });
  d.add_typed<sv1::UpdateSecretRequest, sv1::UpdateSecretResponse>(
      Op::kUpdateSecret, [&secrets](const Ctx&, const auto& r) {
        core::UpdateSecretRequest req;
        req.secret_id = r.secret_id();
        req.client_request_token =
            optional_of(r.has_client_request_token(), r.client_request_token());
        req.description = optional_of(r.has_description(), r.description());
        req.kms_key_id = optional_of(r.has_kms_key_id(), r.kms_key_id());
        req.value = secret_value_from(r);
        return version_ref<sv1::UpdateSecretResponse>(secrets.update_secret(req));
      });
  d.add_typed<sv1::UpdateSecretVersionStageRequest, sv1::UpdateSecretVersionStageResponse>(
      Op::kUpdateSecretVersionStage, [&secrets](const Ctx&, const auto& r) {
        auto ref = secrets.update_secret_version_stage(
            {r.secret_id(), r.version_stage(),
             optional_of(r.has_remove_from_version_id(), r.remove_from_version_id()),
             optional_of(r.has_move_to_version_id(), r.move_to_version_id())});
        sv1::UpdateSecretVersionStageResponse out;
        out.set_arn(ref.arn);
        out.set_name(ref.name);
        return out;
      });
}

void register_secrets_handlers(Dispatcher& dispatcher, core::SecretsService& secrets) {
  register_secret_value_handlers(dispatcher, secrets);
  register_secret_management_handlers(dispatcher, secrets);
}

}  // namespace coffer::server::rpc
