// KmsService: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom.
#include "common/error.h"
#include "core/format/ciphertext_format.h"
#include "core/model/key_reference.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

// kms:EncryptionAlgorithm: what the request asked for, SYMMETRIC_DEFAULT when it did not say.
std::string_view algorithm_of(const std::optional<std::string>& requested) {
  return requested ? std::string_view(*requested) : std::string_view("SYMMETRIC_DEFAULT");
}

}  // namespace

namespace {

void check_symmetric_algorithm(const std::optional<std::string>& algorithm, const char* field) {
  if (!algorithm || *algorithm == "SYMMETRIC_DEFAULT") return;
  if (*algorithm == "RSAES_OAEP_SHA_1" || *algorithm == "RSAES_OAEP_SHA_256" ||
      *algorithm == "SM2PKE") {
    throw Error(ErrorCode::kInvalidKeyUsage,
                "EncryptionAlgorithm " + *algorithm + " is not supported by a symmetric key");
  }
  throw Error(ErrorCode::kValidation,
              std::string("1 validation error detected: Value '") + *algorithm + "' at '" + field +
                  "' failed to satisfy constraint: Member must satisfy enum value set: "
                  "[SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]");
}

// Unknown names are ValidationException before any key is looked at.
void check_known_algorithm(const std::optional<std::string>& algorithm, const char* field) {
  if (!algorithm || *algorithm == "SYMMETRIC_DEFAULT" || *algorithm == "RSAES_OAEP_SHA_1" ||
      *algorithm == "RSAES_OAEP_SHA_256" || *algorithm == "SM2PKE") {
    return;
  }
  check_symmetric_algorithm(algorithm, field);
}

void check_plaintext(std::size_t size) {
  if (size < 1 || size > 4096) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value at 'plaintext' failed to satisfy "
                "constraint: Member must have length between 1 and 4096");
  }
}

void check_ciphertext(std::size_t size) {
  if (size < 1 || size > kMaxCiphertextBlob) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy "
                "constraint: Member must have length between 1 and 6144");
  }
}

}  // namespace

Bytes KmsService::seal(const CachedKey& key, std::span<const std::uint8_t> plaintext,
                       const EncryptionContext& context) {
  const std::uint32_t version = key.record.current_version;
  const std::string& key_id = key.record.key_id;
  const std::uint64_t n = key.counter->take(
      config_.encryption_reservation_block,
      [&](std::uint64_t reserved) { store_.reserve_encryptions(key_id, version, reserved); });
  const Bytes header = encode_header({key_id, version});
  const Bytes aad = additional_data(header, context);
  auto sealed = with_current(
      key, [&](const std::string& object) { return token_.gcm_encrypt(object, aad, plaintext); });
  if (n >= config_.max_encryptions_per_version) rotate_if_worn(key_id, version);
  return assemble_blob(header, sealed.iv, sealed.ciphertext);
}

KmsService::Opened KmsService::open(std::span<const std::uint8_t> blob,
                                    const EncryptionContext& context,
                                    const std::optional<std::string>& expected_key,
                                    api::Operation operation, RequestFacts facts) {
  check_ciphertext(blob.size());
  validate_context(context, "encryptionContext");
  ParsedCiphertext parsed = parse_blob(blob);
  if (expected_key) {
    const std::string expected_id = resolve_key_id(*expected_key, operation);
    if (expected_id != parsed.header.key_id) {
      throw Error(
          ErrorCode::kIncorrectKey,
          "The key ID in the request does not identify a CMK that can perform this operation.");
    }
  }
  auto key = cached_key(parsed.header.key_id);
  // A blob naming no key of ours is as invalid as one with a broken tag.
  if (!key || parsed.header.key_version > key->record.current_version) {
    throw Error(ErrorCode::kInvalidCiphertext, "The ciphertext is invalid.");
  }
  if (expected_key) facts.request_alias = request_alias_of(*expected_key);
  authorize(operation, *key, "SourceKeyId", &context, nullptr, &facts);
  require_symmetric_encrypt(key->record);
  require_state(operation, key->record);
  const Bytes aad = additional_data(parsed.header_bytes, context);
  SecretBytes plaintext =
      with_version(key->record, parsed.header.key_version,
                   token_object_id(parsed.header.key_id, parsed.header.key_version),
                   [&](const std::string& object) {
                     return token_.gcm_decrypt(object, parsed.iv, aad, parsed.sealed);
                   });
  return {std::move(key), std::move(plaintext), parsed.header.key_version};
}

EncryptResult KmsService::encrypt(const EncryptRequest& request) {
  check_plaintext(request.plaintext.size());
  validate_context(request.encryption_context, "encryptionContext");
  check_known_algorithm(request.encryption_algorithm, "encryptionAlgorithm");
  auto key = key_for(api::Operation::kEncrypt, request.key_id, "KeyId", /*fresh=*/false,
                     &request.encryption_context,
                     {.encryption_algorithm = algorithm_of(request.encryption_algorithm)});
  if (is_rsa(key->record.key_spec) && key->record.key_usage == KeyUsage::kEncryptDecrypt) {
    return rsa_encrypt(*key, request);
  }
  check_symmetric_algorithm(request.encryption_algorithm, "encryptionAlgorithm");
  require_symmetric_encrypt(key->record);
  EncryptResult result;
  result.ciphertext_blob = seal(*key, request.plaintext, request.encryption_context);
  result.key_id = key->arn;
  return result;
}

DecryptResult KmsService::decrypt(const DecryptRequest& request) {
  check_known_algorithm(request.encryption_algorithm, "encryptionAlgorithm");
  // An RSA ciphertext names no key: the caller's KeyId says which key and path to take.
  if (request.key_id) {
    auto key = cached_key(resolve_key_id(*request.key_id, api::Operation::kDecrypt));
    if (key && is_rsa(key->record.key_spec)) {
      const RequestFacts facts{.request_alias = request_alias_of(*request.key_id),
                               .encryption_algorithm = algorithm_of(request.encryption_algorithm)};
      authorize(api::Operation::kDecrypt, *key, "KeyId", &request.encryption_context, nullptr,
                &facts);
      return rsa_decrypt(*key, request);
    }
  }
  check_symmetric_algorithm(request.encryption_algorithm, "encryptionAlgorithm");
  Opened opened = open(request.ciphertext_blob, request.encryption_context, request.key_id,
                       api::Operation::kDecrypt,
                       {.encryption_algorithm = algorithm_of(request.encryption_algorithm)});
  DecryptResult result;
  result.key_id = opened.key->arn;
  result.plaintext = std::move(opened.plaintext);
  result.key_material_id = token_object_id(opened.key->record.key_id, opened.version);
  return result;
}

ReEncryptResult KmsService::re_encrypt(const ReEncryptRequest& request) {
  check_known_algorithm(request.source_encryption_algorithm, "sourceEncryptionAlgorithm");
  check_known_algorithm(request.destination_encryption_algorithm, "destinationEncryptionAlgorithm");
  validate_context(request.destination_encryption_context, "destinationEncryptionContext");
  // The destination is checked before anything is decrypted.
  auto destination =
      key_for(api::Operation::kReEncrypt, request.destination_key_id, "DestinationKeyId",
              /*fresh=*/false, &request.destination_encryption_context,
              {.encryption_algorithm = algorithm_of(request.destination_encryption_algorithm)});
  if (destination->record.key_usage != KeyUsage::kEncryptDecrypt)
    require_symmetric_encrypt(destination->record);
  // kms:ReEncryptFrom on the source key (AWS asks for it, not kms:Decrypt): the key the
  // caller names, or the one the blob names.
  {
    CachedKeyPtr source;
    if (request.source_key_id) {
      source = cached_key(
          resolve_key_id(*request.source_key_id, api::Operation::kReEncrypt, "SourceKeyId"));
    } else if (current_caller()) {
      source = cached_key(parse_blob(request.ciphertext_blob).header.key_id);
    }
    const RequestFacts facts{
        .request_alias = request.source_key_id ? request_alias_of(*request.source_key_id) : "",
        .encryption_algorithm = algorithm_of(request.source_encryption_algorithm)};
    if (source)
      authorize(api::Operation::kReEncrypt, *source, "SourceKeyId",
                &request.source_encryption_context, nullptr, &facts);
  }
  // Decrypt and Encrypt below are ReEncrypt's own steps, authorized above.
  const CallerScope as_re_encrypt(nullptr);
  DecryptResult opened = decrypt({.ciphertext_blob = request.ciphertext_blob,
                                  .encryption_context = request.source_encryption_context,
                                  .key_id = request.source_key_id,
                                  .encryption_algorithm = request.source_encryption_algorithm});
  EncryptResult sealed =
      encrypt({.key_id = destination->record.key_id,
               .plaintext = opened.plaintext,
               .encryption_context = request.destination_encryption_context,
               .encryption_algorithm = request.destination_encryption_algorithm});
  ReEncryptResult result;
  result.ciphertext_blob = std::move(sealed.ciphertext_blob);
  result.source_key_id = opened.key_id;
  result.key_id = sealed.key_id;
  result.source_encryption_algorithm = opened.encryption_algorithm;
  result.destination_encryption_algorithm = sealed.encryption_algorithm;
  return result;
}

GenerateDataKeyResult KmsService::make_data_key(const GenerateDataKeyRequest& request,
                                                bool with_plaintext) {
  validate_context(request.encryption_context, "encryptionContext");
  if (request.number_of_bytes && request.key_spec) {
    throw Error(ErrorCode::kValidation,
                "Please specify either number of bytes or key spec, not both");
  }
  if (!request.number_of_bytes && !request.key_spec) {
    throw Error(ErrorCode::kValidation, "Please specify either number of bytes or key spec");
  }
  std::size_t size = 0;
  if (request.number_of_bytes) {
    if (*request.number_of_bytes < 1 || *request.number_of_bytes > 1024) {
      throw Error(ErrorCode::kValidation,
                  "1 validation error detected: Value at 'numberOfBytes' failed to satisfy "
                  "constraint: Member must have value between 1 and 1024");
    }
    size = static_cast<std::size_t>(*request.number_of_bytes);
  } else {
    size = parse_data_key_spec(*request.key_spec, "keySpec") == DataKeySpec::kAes128 ? 16 : 32;
  }
  auto key = key_for(with_plaintext ? api::Operation::kGenerateDataKey
                                    : api::Operation::kGenerateDataKeyWithoutPlaintext,
                     request.key_id, "KeyId", /*fresh=*/false, &request.encryption_context,
                     {.encryption_algorithm = "SYMMETRIC_DEFAULT"});
  require_symmetric_encrypt(key->record);
  // The data key comes from the token's generator and is sealed inside the token.
  SecretBytes plaintext = token_.random(size);
  GenerateDataKeyResult result;
  result.ciphertext_blob = seal(*key, plaintext, request.encryption_context);
  result.key_id = key->arn;
  result.key_material_id = key->current_object;
  if (with_plaintext) result.plaintext = std::move(plaintext);
  return result;
}

GenerateDataKeyResult KmsService::generate_data_key(const GenerateDataKeyRequest& request) {
  return make_data_key(request, true);
}

GenerateDataKeyResult KmsService::generate_data_key_without_plaintext(
    const GenerateDataKeyRequest& request) {
  return make_data_key(request, false);
}

SecretBytes KmsService::generate_random(std::optional<int> number_of_bytes) {
  authorize_account(api::Operation::kGenerateRandom);
  const int size = number_of_bytes.value_or(0);
  if (size < 1 || size > 1024) {
    throw Error(ErrorCode::kValidation,
                "1 validation error detected: Value at 'numberOfBytes' failed to satisfy "
                "constraint: Member must have value between 1 and 1024");
  }
  return token_.random(static_cast<std::size_t>(size));
}

}  // namespace coffer::core
