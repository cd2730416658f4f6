// Cryptographic operations. Decoded plaintexts move into SecretBytes at once and the
// decoding buffer is wiped.
#include "server/aws/kms_json_handlers.h"

#include "common/secret_bytes.h"

namespace coffer::server::aws {

SecretBytes secret_blob(const Json& in, const char* member) {
  auto bytes = required_blob(in, member);
  SecretBytes secret(bytes);
  secure_zero(bytes.data(), bytes.size());
  return secret;
}

// DryRun asks only for a permission check; Coffer has no policies yet, so it refuses
// rather than answer "would succeed" without having checked anything.
void refuse_dry_run(const Json& in) {
  if (optional_bool(in, "DryRun").value_or(false)) {
    throw Error(ErrorCode::kUnsupportedOperation, "DryRun is not supported.");
  }
}

namespace {

Json encrypt(core::KmsService& kms, const Json& in) {
  const auto key = required_string(in, "KeyId");
  const auto plaintext = secret_blob(in, "Plaintext");
  auto ctx = context(in, "EncryptionContext");
  auto algorithm = optional_string(in, "EncryptionAlgorithm");
  refuse_dry_run(in);
  auto r = kms.encrypt({key, plaintext.span(), std::move(ctx), std::move(algorithm)});
  return {{"CiphertextBlob", base64(r.ciphertext_blob)},
          {"KeyId", r.key_id},
          {"EncryptionAlgorithm", r.encryption_algorithm}};
}

Json decrypt(core::KmsService& kms, const Json& in) {
  const auto blob = required_blob(in, "CiphertextBlob");
  core::DecryptRequest r{blob, context(in, "EncryptionContext"), optional_string(in, "KeyId"),
                         optional_string(in, "EncryptionAlgorithm")};
  refuse_dry_run(in);
  if (in.contains("Recipient") && !in["Recipient"].is_null()) {
    throw Error(ErrorCode::kUnsupportedOperation,
                "Recipient (Nitro Enclaves attestation) is not supported.");
  }
  auto result = kms.decrypt(r);
  Json out{{"KeyId", result.key_id},
           {"Plaintext", base64(result.plaintext)},
           {"EncryptionAlgorithm", result.encryption_algorithm}};
  if (!result.key_material_id.empty()) out["KeyMaterialId"] = result.key_material_id;
  return out;
}

Json re_encrypt(core::KmsService& kms, const Json& in) {
  const auto blob = required_blob(in, "CiphertextBlob");
  core::ReEncryptRequest r;
  r.ciphertext_blob = blob;
  r.source_encryption_context = context(in, "SourceEncryptionContext");
  r.source_key_id = optional_string(in, "SourceKeyId");
  r.destination_key_id = required_string(in, "DestinationKeyId");
  r.destination_encryption_context = context(in, "DestinationEncryptionContext");
  r.source_encryption_algorithm = optional_string(in, "SourceEncryptionAlgorithm");
  r.destination_encryption_algorithm = optional_string(in, "DestinationEncryptionAlgorithm");
  refuse_dry_run(in);
  auto result = kms.re_encrypt(r);
  return {{"CiphertextBlob", base64(result.ciphertext_blob)},
          {"SourceKeyId", result.source_key_id},
          {"KeyId", result.key_id},
          {"SourceEncryptionAlgorithm", result.source_encryption_algorithm},
          {"DestinationEncryptionAlgorithm", result.destination_encryption_algorithm}};
}

core::GenerateDataKeyRequest data_key_request(const Json& in) {
  core::GenerateDataKeyRequest r;
  r.key_id = required_string(in, "KeyId");
  r.encryption_context = context(in, "EncryptionContext");
  r.number_of_bytes = optional_int(in, "NumberOfBytes");
  r.key_spec = optional_string(in, "KeySpec");
  refuse_dry_run(in);
  return r;
}

Json generate_data_key(core::KmsService& kms, const Json& in) {
  auto result = kms.generate_data_key(data_key_request(in));
  Json out{{"CiphertextBlob", base64(result.ciphertext_blob)},
           {"Plaintext", base64(result.plaintext)},
           {"KeyId", result.key_id}};
  if (!result.key_material_id.empty()) out["KeyMaterialId"] = result.key_material_id;
  return out;
}

Json generate_data_key_without_plaintext(core::KmsService& kms, const Json& in) {
  auto result = kms.generate_data_key_without_plaintext(data_key_request(in));
  Json out{{"CiphertextBlob", base64(result.ciphertext_blob)}, {"KeyId", result.key_id}};
  if (!result.key_material_id.empty()) out["KeyMaterialId"] = result.key_material_id;
  return out;
}

Json generate_random(core::KmsService& kms, const Json& in) {
  const auto size = optional_int(in, "NumberOfBytes");
  if (optional_string(in, "CustomKeyStoreId")) {
    throw Error(ErrorCode::kUnsupportedOperation, "Custom key stores are not supported.");
  }
  return {{"Plaintext", base64(kms.generate_random(size))}};
}

}  // namespace

void add_crypto_operations(KmsOperationTable& t) {
  t[core::api::Operation::kEncrypt] = encrypt;
  t[core::api::Operation::kDecrypt] = decrypt;
  t[core::api::Operation::kReEncrypt] = re_encrypt;
  t[core::api::Operation::kGenerateDataKey] = generate_data_key;
  t[core::api::Operation::kGenerateDataKeyWithoutPlaintext] = generate_data_key_without_plaintext;
  t[core::api::Operation::kGenerateRandom] = generate_random;
}

}  // namespace coffer::server::aws
