#include "core/envelope/kms_data_key_service.h"

namespace coffer::core::envelope {

DataKey KmsDataKeyService::generate_data_key(const std::string& key_id,
                                             const EncryptionContext& context) {
  auto result = kms_.generate_data_key({key_id, context, std::nullopt, std::string("AES_256")});
  return {std::move(result.plaintext), std::move(result.ciphertext_blob)};
}

Bytes KmsDataKeyService::encrypt(const std::string& key_id, std::span<const std::uint8_t> plaintext,
                                 const EncryptionContext& context) {
  return kms_.encrypt({key_id, plaintext, context, std::nullopt}).ciphertext_blob;
}

SecretBytes KmsDataKeyService::decrypt(std::span<const std::uint8_t> blob,
                                       const EncryptionContext& context,
                                       const std::optional<std::string>& key_id) {
  return kms_.decrypt({blob, context, key_id, std::nullopt}).plaintext;
}

}  // namespace coffer::core::envelope
