// KmsService: Encrypt and Decrypt with RSA keys of KeyUsage ENCRYPT_DECRYPT (RSAES-OAEP).
// The ciphertext is the bare OAEP output, as AWS returns it: it names no key, so Decrypt
// needs the KeyId and the algorithm.
#include "common/error.h"
#include "core/model/key_algorithms.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

void refuse_context(const EncryptionContext& context) {
  if (!context.empty()) {
    throw Error(ErrorCode::kValidation, "EncryptionContext is not supported with asymmetric keys.");
  }
}

// CiphertextBlob's bounds (botocore: 1..6144), checked before the key, as for Encrypt's.
void check_ciphertext_length(std::size_t size) {
  if (size < 1 || size > 6144) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy "
                "constraint: Member must have length between 1 and 6144");
  }
}

}  // namespace

EncryptResult KmsService::rsa_encrypt(const CachedKey& key, const EncryptRequest& request) {
  const auto algorithm = request.encryption_algorithm.value_or("SYMMETRIC_DEFAULT");
  const pkcs11::Digest digest = oaep_digest_for(key.record.key_spec, algorithm);
  refuse_context(request.encryption_context);
  const std::size_t max = oaep_max_plaintext(key.record.key_spec, digest);
  if (request.plaintext.size() > max) {
    throw Error(ErrorCode::kValidation, "Plaintext of " + std::to_string(request.plaintext.size()) +
                                            " bytes is longer than the " + std::to_string(max) +
                                            " bytes " + algorithm + " allows with a " +
                                            std::string(to_string(key.record.key_spec)) + " key.");
  }
  EncryptResult result;
  result.ciphertext_blob = with_current(key, [&](const std::string& object) {
    return token_.rsa_oaep_encrypt(object, digest, request.plaintext);
  });
  result.key_id = key.arn;
  result.encryption_algorithm = algorithm;
  return result;
}

DecryptResult KmsService::rsa_decrypt(const CachedKey& key, const DecryptRequest& request) {
  check_ciphertext_length(request.ciphertext_blob.size());
  require_state(api::Operation::kDecrypt, key.record);
  if (key.record.key_usage != KeyUsage::kEncryptDecrypt) {
    throw Error(ErrorCode::kInvalidKeyUsage, "Key '" + key.arn + "' has KeyUsage " +
                                                 std::string(to_string(key.record.key_usage)) +
                                                 " and cannot decrypt.");
  }
  const auto algorithm = request.encryption_algorithm.value_or("SYMMETRIC_DEFAULT");
  const pkcs11::Digest digest = oaep_digest_for(key.record.key_spec, algorithm);
  refuse_context(request.encryption_context);
  if (key.record.origin == Origin::kExternal) {
    throw Error(
        ErrorCode::kUnsupportedOperation,
        "Key '" + key.arn + "' holds only imported public key material and cannot decrypt.");
  }
  if (request.ciphertext_blob.size() != rsa_modulus_bytes(key.record.key_spec)) {
    throw Error(ErrorCode::kInvalidCiphertext, "The ciphertext is invalid.");
  }
  DecryptResult result;
  result.plaintext = with_current(key, [&](const std::string& object) {
    return token_.rsa_oaep_decrypt(object, digest, request.ciphertext_blob);
  });
  result.key_id = key.arn;
  result.encryption_algorithm = algorithm;
  // No KeyMaterialId: AWS returns it only for symmetric encryption keys.
  return result;
}

}  // namespace coffer::core
