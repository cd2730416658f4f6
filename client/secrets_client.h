// Typed access to every coffer.v1.Secrets method (docs/PROTOCOL.md, "Secrets"): one blocking
// call per method, returning the response message and throwing coffer::Error with Secrets
// Manager's exception names. Thread-safe; shares an RpcClient (and its one pipelined
// connection) with a KmsClient when given the same one.
//
// CreateSecret, PutSecretValue, UpdateSecret and RotateSecret get a fresh UUID as their
// ClientRequestToken when the caller sets none, as AWS's SDKs do: the RpcClient re-sends a
// call after a lost connection, and the server recognises the token instead of making a
// second version.
#pragma once

#include <memory>

#include "client/client_config.h"
#include "client/rpc_client.h"
#include "coffer/v1/secrets.pb.h"

namespace coffer::client {

namespace sv1 = ::coffer::v1::secrets;

class SecretsClient {
 public:
  explicit SecretsClient(ClientConfig config);
  explicit SecretsClient(std::shared_ptr<RpcClient> rpc);

  RpcClient& rpc() noexcept { return *rpc_; }

  // Requests that carry a value are taken by value: the client's copy (its token filled
  // in) is wiped after the call.
  sv1::CreateSecretResponse create_secret(sv1::CreateSecretRequest request);
  sv1::GetSecretValueResponse get_secret_value(const sv1::GetSecretValueRequest& request);
  sv1::BatchGetSecretValueResponse batch_get_secret_value(
      const sv1::BatchGetSecretValueRequest& request);
  sv1::PutSecretValueResponse put_secret_value(sv1::PutSecretValueRequest request);
  sv1::UpdateSecretResponse update_secret(sv1::UpdateSecretRequest request);
  sv1::UpdateSecretVersionStageResponse update_secret_version_stage(
      const sv1::UpdateSecretVersionStageRequest& request);
  sv1::DescribeSecretResponse describe_secret(const sv1::DescribeSecretRequest& request);
  sv1::ListSecretsResponse list_secrets(const sv1::ListSecretsRequest& request);
  sv1::ListSecretVersionIdsResponse list_secret_version_ids(
      const sv1::ListSecretVersionIdsRequest& request);
  sv1::DeleteSecretResponse delete_secret(const sv1::DeleteSecretRequest& request);
  sv1::RestoreSecretResponse restore_secret(const sv1::RestoreSecretRequest& request);
  sv1::TagResourceResponse tag_resource(const sv1::TagResourceRequest& request);
  sv1::UntagResourceResponse untag_resource(const sv1::UntagResourceRequest& request);
  sv1::GetRandomPasswordResponse get_random_password(const sv1::GetRandomPasswordRequest& request);
  sv1::RotateSecretResponse rotate_secret(sv1::RotateSecretRequest request);
  sv1::CancelRotateSecretResponse cancel_rotate_secret(
      const sv1::CancelRotateSecretRequest& request);
  sv1::PutResourcePolicyResponse put_resource_policy(const sv1::PutResourcePolicyRequest& request);
  sv1::GetResourcePolicyResponse get_resource_policy(const sv1::GetResourcePolicyRequest& request);
  sv1::DeleteResourcePolicyResponse delete_resource_policy(
      const sv1::DeleteResourcePolicyRequest& request);
  sv1::ValidateResourcePolicyResponse validate_resource_policy(
      const sv1::ValidateResourcePolicyRequest& request);

 private:
  std::shared_ptr<RpcClient> rpc_;
};

}  // namespace coffer::client
