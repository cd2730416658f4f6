#include "client/secrets_client.h"

#include "client/methods.h"
#include "client/request_token.h"
#include "common/secret_bytes.h"

namespace coffer::client {
namespace {

template <class Request>
void ensure_token(Request& request) {
  if (!request.has_client_request_token())
    request.set_client_request_token(new_client_request_token());
}

// The value fields of the client's copy of a request, wiped when the call returns or throws.
template <class Request>
class WipeValue {
 public:
  explicit WipeValue(Request& request) : request_(request) {}
  ~WipeValue() {
    if (request_.has_secret_string()) wipe(*request_.mutable_secret_string());
    if (request_.has_secret_binary()) wipe(*request_.mutable_secret_binary());
  }
  WipeValue(const WipeValue&) = delete;
  WipeValue& operator=(const WipeValue&) = delete;

 private:
  static void wipe(std::string& s) { secure_zero(s.data(), s.size()); }
  Request& request_;
};

}  // namespace

SecretsClient::SecretsClient(ClientConfig config)
    : rpc_(std::make_shared<RpcClient>(std::move(config))) {}
SecretsClient::SecretsClient(std::shared_ptr<RpcClient> rpc) : rpc_(std::move(rpc)) {}

sv1::CreateSecretResponse SecretsClient::create_secret(sv1::CreateSecretRequest request) {
  WipeValue wipe(request);
  ensure_token(request);
  return rpc_->call<sv1::CreateSecretResponse>(method::kCreateSecret, request);
}

sv1::GetSecretValueResponse SecretsClient::get_secret_value(
    const sv1::GetSecretValueRequest& request) {
  return rpc_->call<sv1::GetSecretValueResponse>(method::kGetSecretValue, request);
}

sv1::BatchGetSecretValueResponse SecretsClient::batch_get_secret_value(
    const sv1::BatchGetSecretValueRequest& request) {
  return rpc_->call<sv1::BatchGetSecretValueResponse>(method::kBatchGetSecretValue, request);
}

sv1::PutSecretValueResponse SecretsClient::put_secret_value(sv1::PutSecretValueRequest request) {
  WipeValue wipe(request);
  ensure_token(request);
  return rpc_->call<sv1::PutSecretValueResponse>(method::kPutSecretValue, request);
}

sv1::UpdateSecretResponse SecretsClient::update_secret(sv1::UpdateSecretRequest request) {
  WipeValue wipe(request);
  ensure_token(request);
  return rpc_->call<sv1::UpdateSecretResponse>(method::kUpdateSecret, request);
}

sv1::UpdateSecretVersionStageResponse SecretsClient::update_secret_version_stage(
    const sv1::UpdateSecretVersionStageRequest& request) {
  return rpc_->call<sv1::UpdateSecretVersionStageResponse>(method::kUpdateSecretVersionStage,
                                                           request);
}

sv1::DescribeSecretResponse SecretsClient::describe_secret(
    const sv1::DescribeSecretRequest& request) {
  return rpc_->call<sv1::DescribeSecretResponse>(method::kDescribeSecret, request);
}

sv1::ListSecretsResponse SecretsClient::list_secrets(const sv1::ListSecretsRequest& request) {
  return rpc_->call<sv1::ListSecretsResponse>(method::kListSecrets, request);
}

sv1::ListSecretVersionIdsResponse SecretsClient::list_secret_version_ids(
    const sv1::ListSecretVersionIdsRequest& request) {
  return rpc_->call<sv1::ListSecretVersionIdsResponse>(method::kListSecretVersionIds, request);
}

sv1::DeleteSecretResponse SecretsClient::delete_secret(const sv1::DeleteSecretRequest& request) {
  return rpc_->call<sv1::DeleteSecretResponse>(method::kDeleteSecret, request);
}

sv1::RestoreSecretResponse SecretsClient::restore_secret(const sv1::RestoreSecretRequest& request) {
  return rpc_->call<sv1::RestoreSecretResponse>(method::kRestoreSecret, request);
}

sv1::TagResourceResponse SecretsClient::tag_resource(const sv1::TagResourceRequest& request) {
  return rpc_->call<sv1::TagResourceResponse>(method::kSecretsTagResource, request);
}

sv1::UntagResourceResponse SecretsClient::untag_resource(const sv1::UntagResourceRequest& request) {
  return rpc_->call<sv1::UntagResourceResponse>(method::kSecretsUntagResource, request);
}

sv1::GetRandomPasswordResponse SecretsClient::get_random_password(
    const sv1::GetRandomPasswordRequest& request) {
  return rpc_->call<sv1::GetRandomPasswordResponse>(method::kGetRandomPassword, request);
}

sv1::RotateSecretResponse SecretsClient::rotate_secret(sv1::RotateSecretRequest request) {
  ensure_token(request);
  return rpc_->call<sv1::RotateSecretResponse>(method::kRotateSecret, request);
}

sv1::CancelRotateSecretResponse SecretsClient::cancel_rotate_secret(
    const sv1::CancelRotateSecretRequest& request) {
  return rpc_->call<sv1::CancelRotateSecretResponse>(method::kCancelRotateSecret, request);
}

sv1::PutResourcePolicyResponse SecretsClient::put_resource_policy(
    const sv1::PutResourcePolicyRequest& request) {
  return rpc_->call<sv1::PutResourcePolicyResponse>(method::kPutResourcePolicy, request);
}

sv1::GetResourcePolicyResponse SecretsClient::get_resource_policy(
    const sv1::GetResourcePolicyRequest& request) {
  return rpc_->call<sv1::GetResourcePolicyResponse>(method::kGetResourcePolicy, request);
}

sv1::DeleteResourcePolicyResponse SecretsClient::delete_resource_policy(
    const sv1::DeleteResourcePolicyRequest& request) {
  return rpc_->call<sv1::DeleteResourcePolicyResponse>(method::kDeleteResourcePolicy, request);
}

sv1::ValidateResourcePolicyResponse SecretsClient::validate_resource_policy(
    const sv1::ValidateResourcePolicyRequest& request) {
  return rpc_->call<sv1::ValidateResourcePolicyResponse>(method::kValidateResourcePolicy, request);
}

}  // namespace coffer::client
