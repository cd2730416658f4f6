// Typed access to every coffer.v1 method (docs/PROTOCOL.md, "Methods"): one blocking call
// per method, returning the response message and throwing coffer::Error. Thread-safe;
// calls from several threads share one pipelined connection.
#pragma once

#include <memory>

#include "client/client_config.h"
#include "client/rpc_client.h"
#include "coffer/v1/crypto.pb.h"
#include "coffer/v1/keys.pb.h"

namespace coffer::client {

class KmsClient {
 public:
  explicit KmsClient(ClientConfig config);
  explicit KmsClient(std::shared_ptr<RpcClient> rpc);

  RpcClient& rpc() noexcept { return *rpc_; }
  // For a SecretsClient on the same connection.
  const std::shared_ptr<RpcClient>& shared_rpc() const noexcept { return rpc_; }

  // coffer.v1.Keys
  v1::CreateKeyResponse create_key(const v1::CreateKeyRequest& request);
  v1::DescribeKeyResponse describe_key(const v1::DescribeKeyRequest& request);
  v1::ListKeysResponse list_keys(const v1::ListKeysRequest& request);
  v1::EnableKeyResponse enable_key(const v1::EnableKeyRequest& request);
  v1::DisableKeyResponse disable_key(const v1::DisableKeyRequest& request);
  v1::ScheduleKeyDeletionResponse schedule_key_deletion(
      const v1::ScheduleKeyDeletionRequest& request);
  v1::CancelKeyDeletionResponse cancel_key_deletion(const v1::CancelKeyDeletionRequest& request);
  v1::UpdateKeyDescriptionResponse update_key_description(
      const v1::UpdateKeyDescriptionRequest& request);
  v1::EnableKeyRotationResponse enable_key_rotation(const v1::EnableKeyRotationRequest& request);
  v1::DisableKeyRotationResponse disable_key_rotation(const v1::DisableKeyRotationRequest& request);
  v1::GetKeyRotationStatusResponse get_key_rotation_status(
      const v1::GetKeyRotationStatusRequest& request);
  v1::RotateKeyOnDemandResponse rotate_key_on_demand(const v1::RotateKeyOnDemandRequest& request);
  v1::ListKeyRotationsResponse list_key_rotations(const v1::ListKeyRotationsRequest& request);
  v1::CreateAliasResponse create_alias(const v1::CreateAliasRequest& request);
  v1::UpdateAliasResponse update_alias(const v1::UpdateAliasRequest& request);
  v1::DeleteAliasResponse delete_alias(const v1::DeleteAliasRequest& request);
  v1::ListAliasesResponse list_aliases(const v1::ListAliasesRequest& request);
  v1::TagResourceResponse tag_resource(const v1::TagResourceRequest& request);
  v1::UntagResourceResponse untag_resource(const v1::UntagResourceRequest& request);
  v1::ListResourceTagsResponse list_resource_tags(const v1::ListResourceTagsRequest& request);

  // coffer.v1.Crypto
  v1::EncryptResponse encrypt(const v1::EncryptRequest& request);
  v1::DecryptResponse decrypt(const v1::DecryptRequest& request);
  v1::ReEncryptResponse re_encrypt(const v1::ReEncryptRequest& request);
  v1::GenerateDataKeyResponse generate_data_key(const v1::GenerateDataKeyRequest& request);
  v1::GenerateDataKeyWithoutPlaintextResponse generate_data_key_without_plaintext(
      const v1::GenerateDataKeyWithoutPlaintextRequest& request);
  v1::GenerateRandomResponse generate_random(const v1::GenerateRandomRequest& request);
  v1::SignResponse sign(const v1::SignRequest& request);
  v1::VerifyResponse verify(const v1::VerifyRequest& request);
  v1::GetPublicKeyResponse get_public_key(const v1::GetPublicKeyRequest& request);
  v1::GenerateMacResponse generate_mac(const v1::GenerateMacRequest& request);
  v1::VerifyMacResponse verify_mac(const v1::VerifyMacRequest& request);
  v1::GenerateDataKeyPairResponse generate_data_key_pair(
      const v1::GenerateDataKeyPairRequest& request);
  v1::GenerateDataKeyPairWithoutPlaintextResponse generate_data_key_pair_without_plaintext(
      const v1::GenerateDataKeyPairWithoutPlaintextRequest& request);

 private:
  std::shared_ptr<RpcClient> rpc_;
};

}  // namespace coffer::client
