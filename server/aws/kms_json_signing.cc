// Operations of asymmetric and HMAC keys, with botocore's member names and bounds.
#include "common/secret_bytes.h"
#include "server/aws/kms_json_handlers.h"

namespace coffer::server::aws {
namespace {

Json sign(core::KmsService& kms, const Json& in) {
  const auto message = required_blob(in, "Message");
  core::SignRequest r{required_string(in, "KeyId"), message, optional_string(in, "MessageType"),
                      required_string(in, "SigningAlgorithm")};
  refuse_dry_run(in);
  auto result = kms.sign(r);
  return {{"KeyId", result.key_id},
          {"Signature", base64(result.signature)},
          {"SigningAlgorithm", result.signing_algorithm}};
}

Json verify(core::KmsService& kms, const Json& in) {
  const auto message = required_blob(in, "Message");
  const auto signature = required_blob(in, "Signature");
  core::VerifyRequest r{required_string(in, "KeyId"), message, optional_string(in, "MessageType"),
                        signature, required_string(in, "SigningAlgorithm")};
  refuse_dry_run(in);
  auto result = kms.verify(r);
  return {{"KeyId", result.key_id},
          {"SignatureValid", result.signature_valid},
          {"SigningAlgorithm", result.signing_algorithm}};
}

Json get_public_key(core::KmsService& kms, const Json& in) {
  const auto key = required_string(in, "KeyId");
  auto result = kms.get_public_key(key);
  const std::string spec(core::to_string(result.key_spec));
  Json out{{"KeyId", result.key_id},
           {"PublicKey", base64(result.public_key)},
           {"KeySpec", spec},
           {"CustomerMasterKeySpec", spec},
           {"KeyUsage", std::string(core::to_string(result.key_usage))}};
  if (!result.encryption_algorithms.empty())
    out["EncryptionAlgorithms"] = result.encryption_algorithms;
  if (!result.signing_algorithms.empty()) out["SigningAlgorithms"] = result.signing_algorithms;
  return out;
}

Json generate_mac(core::KmsService& kms, const Json& in) {
  const SecretBytes secret_message = secret_blob(in, "Message");  // often a secret
  core::GenerateMacRequest r{required_string(in, "KeyId"), secret_message.span(),
                             required_string(in, "MacAlgorithm")};
  refuse_dry_run(in);
  auto result = kms.generate_mac(r);
  return {{"KeyId", result.key_id},
          {"Mac", base64(result.mac)},
          {"MacAlgorithm", result.mac_algorithm}};
}

Json verify_mac(core::KmsService& kms, const Json& in) {
  const SecretBytes secret_message = secret_blob(in, "Message");
  const auto mac = required_blob(in, "Mac");
  core::VerifyMacRequest r{required_string(in, "KeyId"), secret_message.span(),
                           required_string(in, "MacAlgorithm"), mac};
  refuse_dry_run(in);
  auto result = kms.verify_mac(r);
  return {{"KeyId", result.key_id},
          {"MacValid", result.mac_valid},
          {"MacAlgorithm", result.mac_algorithm}};
}

core::GenerateDataKeyPairRequest pair_request(const Json& in) {
  core::GenerateDataKeyPairRequest r{required_string(in, "KeyId"), context(in, "EncryptionContext"),
                                     required_string(in, "KeyPairSpec")};
  refuse_dry_run(in);
  if (in.contains("Recipient") && !in["Recipient"].is_null()) {
    throw Error(ErrorCode::kUnsupportedOperation,
                "Recipient (Nitro Enclaves attestation) is not supported.");
  }
  return r;
}

Json pair_json(const core::GenerateDataKeyPairResult& result) {
  return {{"PrivateKeyCiphertextBlob", base64(result.private_key_ciphertext_blob)},
          {"PublicKey", base64(result.public_key)},
          {"KeyId", result.key_id},
          {"KeyPairSpec", result.key_pair_spec}};
}

Json generate_data_key_pair(core::KmsService& kms, const Json& in) {
  auto result = kms.generate_data_key_pair(pair_request(in));
  Json out = pair_json(result);
  out["PrivateKeyPlaintext"] = base64(result.private_key_plaintext);
  return out;
}

Json generate_data_key_pair_without_plaintext(core::KmsService& kms, const Json& in) {
  return pair_json(kms.generate_data_key_pair_without_plaintext(pair_request(in)));
}

}  // namespace

void add_signing_operations(KmsOperationTable& t) {
  t[core::api::Operation::kSign] = sign;
  t[core::api::Operation::kVerify] = verify;
  t[core::api::Operation::kGetPublicKey] = get_public_key;
  t[core::api::Operation::kGenerateMac] = generate_mac;
  t[core::api::Operation::kVerifyMac] = verify_mac;
  t[core::api::Operation::kGenerateDataKeyPair] = generate_data_key_pair;
  t[core::api::Operation::kGenerateDataKeyPairWithoutPlaintext] =
      generate_data_key_pair_without_plaintext;
}

}  // namespace coffer::server::aws
