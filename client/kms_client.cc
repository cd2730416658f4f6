#include "client/kms_client.h"

#include "client/methods.h"

namespace coffer::client {

KmsClient::KmsClient(ClientConfig config) : rpc_(std::make_shared<RpcClient>(std::move(config))) {}
KmsClient::KmsClient(std::shared_ptr<RpcClient> rpc) : rpc_(std::move(rpc)) {}

v1::CreateKeyResponse KmsClient::create_key(const v1::CreateKeyRequest& request) {
  return rpc_->call<v1::CreateKeyResponse>(method::kCreateKey, request);
}

v1::DescribeKeyResponse KmsClient::describe_key(const v1::DescribeKeyRequest& request) {
  return rpc_->call<v1::DescribeKeyResponse>(method::kDescribeKey, request);
}

v1::ListKeysResponse KmsClient::list_keys(const v1::ListKeysRequest& request) {
  return rpc_->call<v1::ListKeysResponse>(method::kListKeys, request);
}

v1::EnableKeyResponse KmsClient::enable_key(const v1::EnableKeyRequest& request) {
  return rpc_->call<v1::EnableKeyResponse>(method::kEnableKey, request);
}

v1::DisableKeyResponse KmsClient::disable_key(const v1::DisableKeyRequest& request) {
  return rpc_->call<v1::DisableKeyResponse>(method::kDisableKey, request);
}

v1::ScheduleKeyDeletionResponse KmsClient::schedule_key_deletion(
    const v1::ScheduleKeyDeletionRequest& request) {
  return rpc_->call<v1::ScheduleKeyDeletionResponse>(method::kScheduleKeyDeletion, request);
}

v1::CancelKeyDeletionResponse KmsClient::cancel_key_deletion(
    const v1::CancelKeyDeletionRequest& request) {
  return rpc_->call<v1::CancelKeyDeletionResponse>(method::kCancelKeyDeletion, request);
}

v1::UpdateKeyDescriptionResponse KmsClient::update_key_description(
    const v1::UpdateKeyDescriptionRequest& request) {
  return rpc_->call<v1::UpdateKeyDescriptionResponse>(method::kUpdateKeyDescription, request);
}

v1::EnableKeyRotationResponse KmsClient::enable_key_rotation(
    const v1::EnableKeyRotationRequest& request) {
  return rpc_->call<v1::EnableKeyRotationResponse>(method::kEnableKeyRotation, request);
}

v1::DisableKeyRotationResponse KmsClient::disable_key_rotation(
    const v1::DisableKeyRotationRequest& request) {
  return rpc_->call<v1::DisableKeyRotationResponse>(method::kDisableKeyRotation, request);
}

v1::GetKeyRotationStatusResponse KmsClient::get_key_rotation_status(
    const v1::GetKeyRotationStatusRequest& request) {
  return rpc_->call<v1::GetKeyRotationStatusResponse>(method::kGetKeyRotationStatus, request);
}

v1::RotateKeyOnDemandResponse KmsClient::rotate_key_on_demand(
    const v1::RotateKeyOnDemandRequest& request) {
  return rpc_->call<v1::RotateKeyOnDemandResponse>(method::kRotateKeyOnDemand, request);
}

v1::ListKeyRotationsResponse KmsClient::list_key_rotations(
    const v1::ListKeyRotationsRequest& request) {
  return rpc_->call<v1::ListKeyRotationsResponse>(method::kListKeyRotations, request);
}

v1::CreateAliasResponse KmsClient::create_alias(const v1::CreateAliasRequest& request) {
  return rpc_->call<v1::CreateAliasResponse>(method::kCreateAlias, request);
}

v1::UpdateAliasResponse KmsClient::update_alias(const v1::UpdateAliasRequest& request) {
  return rpc_->call<v1::UpdateAliasResponse>(method::kUpdateAlias, request);
}

v1::DeleteAliasResponse KmsClient::delete_alias(const v1::DeleteAliasRequest& request) {
  return rpc_->call<v1::DeleteAliasResponse>(method::kDeleteAlias, request);
}

v1::ListAliasesResponse KmsClient::list_aliases(const v1::ListAliasesRequest& request) {
  return rpc_->call<v1::ListAliasesResponse>(method::kListAliases, request);
}

v1::TagResourceResponse KmsClient::tag_resource(const v1::TagResourceRequest& request) {
  return rpc_->call<v1::TagResourceResponse>(method::kTagResource, request);
}

v1::UntagResourceResponse KmsClient::untag_resource(const v1::UntagResourceRequest& request) {
  return rpc_->call<v1::UntagResourceResponse>(method::kUntagResource, request);
}

v1::ListResourceTagsResponse KmsClient::list_resource_tags(
    const v1::ListResourceTagsRequest& request) {
  return rpc_->call<v1::ListResourceTagsResponse>(method::kListResourceTags, request);
}

v1::EncryptResponse KmsClient::encrypt(const v1::EncryptRequest& request) {
  return rpc_->call<v1::EncryptResponse>(method::kEncrypt, request);
}

v1::DecryptResponse KmsClient::decrypt(const v1::DecryptRequest& request) {
  return rpc_->call<v1::DecryptResponse>(method::kDecrypt, request);
}

v1::ReEncryptResponse KmsClient::re_encrypt(const v1::ReEncryptRequest& request) {
  return rpc_->call<v1::ReEncryptResponse>(method::kReEncrypt, request);
}

v1::GenerateDataKeyResponse KmsClient::generate_data_key(
    const v1::GenerateDataKeyRequest& request) {
  return rpc_->call<v1::GenerateDataKeyResponse>(method::kGenerateDataKey, request);
}

v1::GenerateDataKeyWithoutPlaintextResponse KmsClient::generate_data_key_without_plaintext(
    const v1::GenerateDataKeyWithoutPlaintextRequest& request) {
  return rpc_->call<v1::GenerateDataKeyWithoutPlaintextResponse>(
      method::kGenerateDataKeyWithoutPlaintext, request);
}

v1::GenerateRandomResponse KmsClient::generate_random(const v1::GenerateRandomRequest& request) {
  return rpc_->call<v1::GenerateRandomResponse>(method::kGenerateRandom, request);
}

v1::SignResponse KmsClient::sign(const v1::SignRequest& request) {
  return rpc_->call<v1::SignResponse>(method::kSign, request);
}

v1::VerifyResponse KmsClient::verify(const v1::VerifyRequest& request) {
  return rpc_->call<v1::VerifyResponse>(method::kVerify, request);
}

v1::GetPublicKeyResponse KmsClient::get_public_key(const v1::GetPublicKeyRequest& request) {
  return rpc_->call<v1::GetPublicKeyResponse>(method::kGetPublicKey, request);
}

v1::GenerateMacResponse KmsClient::generate_mac(const v1::GenerateMacRequest& request) {
  return rpc_->call<v1::GenerateMacResponse>(method::kGenerateMac, request);
}

v1::VerifyMacResponse KmsClient::verify_mac(const v1::VerifyMacRequest& request) {
  return rpc_->call<v1::VerifyMacResponse>(method::kVerifyMac, request);
}

v1::GenerateDataKeyPairResponse KmsClient::generate_data_key_pair(
    const v1::GenerateDataKeyPairRequest& request) {
  return rpc_->call<v1::GenerateDataKeyPairResponse>(method::kGenerateDataKeyPair, request);
}

v1::GenerateDataKeyPairWithoutPlaintextResponse KmsClient::generate_data_key_pair_without_plaintext(
    const v1::GenerateDataKeyPairWithoutPlaintextRequest& request) {
  return rpc_->call<v1::GenerateDataKeyPairWithoutPlaintextResponse>(
      method::kGenerateDataKeyPairWithoutPlaintext, request);
}

}  // namespace coffer::client
