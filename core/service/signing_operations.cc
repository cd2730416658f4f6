// KmsService: Sign, Verify and GetPublicKey with asymmetric keys; GenerateMac and
// VerifyMac with HMAC keys. Messages are hashed on the host; the token signs the digest.
#include <algorithm>
#include <initializer_list>

#include "common/error.h"
#include "core/model/key_algorithms.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

void check_length(std::size_t size, std::size_t max, const char* field) {
  if (size < 1 || size > max) {
    throw Error(ErrorCode::kValidation,
                std::string("1 validation error detected: Value at '") + field +
                    "' failed to satisfy constraint: Member must have length between 1 "
                    "and " +
                    std::to_string(max));
  }
}

void require_private_half(const KeyRecord& key, const char* operation) {
  if (key.origin == Origin::kExternal && !is_hmac(key.key_spec)) {
    throw Error(ErrorCode::kUnsupportedOperation, std::string(operation) +
                                                      " needs the private key; key '" + key.key_id +
                                                      "' holds only imported public key material.");
  }
}

// AWS checks enum values before it looks at the key: an unknown name is ValidationException
// even when the key is missing or disabled.
void check_known_signing_algorithm(std::string_view name) {
  for (KeySpec spec :
       {KeySpec::kRsa2048, KeySpec::kEccNistP256, KeySpec::kEccNistP384, KeySpec::kEccNistP521}) {
    const auto names = signing_algorithms(spec, KeyUsage::kSignVerify);
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
  }
  if (name == "SM2DSA" || name == "ML_DSA_SHAKE_256" || name == "ED25519_SHA_512" ||
      name == "ED25519_PH_SHA_512") {
    return;  // AWS names for specs Coffer does not make: InvalidKeyUsageException once the key is
             // known
  }
  signing_algorithm_for(KeySpec::kRsa2048, name, false);  // throws ValidationException
}

void check_known_mac_algorithm(std::string_view name) {
  for (KeySpec spec :
       {KeySpec::kHmac224, KeySpec::kHmac256, KeySpec::kHmac384, KeySpec::kHmac512}) {
    const auto names = mac_algorithms(spec, KeyUsage::kGenerateVerifyMac);
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
  }
  mac_digest_for(KeySpec::kHmac224, name);  // throws ValidationException
}

}  // namespace

KmsService::CachedKeyPtr KmsService::usable_key(const std::string& reference, KeyUsage usage,
                                                api::Operation operation, RequestFacts facts) {
  auto key = key_for(operation, reference, "KeyId", /*fresh=*/false, nullptr, facts);
  if (key->record.key_usage != usage) {
    throw Error(ErrorCode::kInvalidKeyUsage, "Key '" + key->arn + "' has KeyUsage " +
                                                 std::string(to_string(key->record.key_usage)) +
                                                 ", not " + std::string(to_string(usage)) + ".");
  }
  return key;
}

SignResult KmsService::sign(const SignRequest& request) {
  check_length(request.message.size(), 4096, "message");
  const bool digest = is_digest_message(request.message_type);
  check_known_signing_algorithm(request.signing_algorithm);
  auto key = usable_key(request.key_id, KeyUsage::kSignVerify, api::Operation::kSign,
                        {.signing_algorithm = request.signing_algorithm});
  const auto algorithm =
      signing_algorithm_for(key->record.key_spec, request.signing_algorithm, digest);
  require_private_half(key->record, "Sign");
  SignResult result;
  result.signature = with_current(*key, [&](const std::string& object) {
    return token_.sign(object, algorithm, request.message);
  });
  result.key_id = key->arn;
  result.signing_algorithm = request.signing_algorithm;
  return result;
}

VerifyResult KmsService::verify(const VerifyRequest& request) {
  check_length(request.message.size(), 4096, "message");
  check_length(request.signature.size(), 6144, "signature");
  const bool digest = is_digest_message(request.message_type);
  check_known_signing_algorithm(request.signing_algorithm);
  auto key = usable_key(request.key_id, KeyUsage::kSignVerify, api::Operation::kVerify,
                        {.signing_algorithm = request.signing_algorithm});
  const auto algorithm =
      signing_algorithm_for(key->record.key_spec, request.signing_algorithm, digest);
  if (!with_current(*key, [&](const std::string& object) {
        return token_.verify(object, algorithm, request.message, request.signature);
      })) {
    throw Error(ErrorCode::kInvalidSignature,
                "The signature is not valid for the message and key.");
  }
  return {key->arn, true, request.signing_algorithm};
}

GetPublicKeyResult KmsService::get_public_key(const std::string& reference) {
  auto key = key_for(api::Operation::kGetPublicKey, reference);
  const KeyRecord& record = key->record;
  if (is_symmetric(record.key_spec) || is_hmac(record.key_spec)) {
    throw Error(ErrorCode::kUnsupportedOperation, "Key '" + key->arn + "' with KeySpec " +
                                                      std::string(to_string(record.key_spec)) +
                                                      " has no public key.");
  }
  GetPublicKeyResult result;
  result.key_id = key->arn;
  result.public_key =
      with_current(*key, [&](const std::string& object) { return token_.public_key_der(object); });
  result.key_spec = record.key_spec;
  result.key_usage = record.key_usage;
  result.encryption_algorithms = encryption_algorithms(record.key_spec, record.key_usage);
  result.signing_algorithms = signing_algorithms(record.key_spec, record.key_usage);
  return result;
}

GenerateMacResult KmsService::generate_mac(const GenerateMacRequest& request) {
  check_length(request.message.size(), 4096, "message");
  check_known_mac_algorithm(request.mac_algorithm);
  auto key = usable_key(request.key_id, KeyUsage::kGenerateVerifyMac, api::Operation::kGenerateMac);
  const pkcs11::SignAlgorithm algorithm{
      .scheme = pkcs11::SignScheme::kHmac,
      .digest = mac_digest_for(key->record.key_spec, request.mac_algorithm)};
  GenerateMacResult result;
  result.mac = with_current(*key, [&](const std::string& object) {
    return token_.sign(object, algorithm, request.message);
  });
  result.key_id = key->arn;
  result.mac_algorithm = request.mac_algorithm;
  return result;
}

VerifyMacResult KmsService::verify_mac(const VerifyMacRequest& request) {
  check_length(request.message.size(), 4096, "message");
  check_length(request.mac.size(), 6144, "mac");
  check_known_mac_algorithm(request.mac_algorithm);
  auto key = usable_key(request.key_id, KeyUsage::kGenerateVerifyMac, api::Operation::kVerifyMac);
  const pkcs11::SignAlgorithm algorithm{
      .scheme = pkcs11::SignScheme::kHmac,
      .digest = mac_digest_for(key->record.key_spec, request.mac_algorithm)};
  // The token compares the MAC (C_Verify), so the comparison is the token's constant-time one.
  if (!with_current(*key, [&](const std::string& object) {
        return token_.verify(object, algorithm, request.message, request.mac);
      })) {
    throw Error(ErrorCode::kInvalidMac, "The MAC is not valid for the message and key.");
  }
  return {key->arn, true, request.mac_algorithm};
}

}  // namespace coffer::core
