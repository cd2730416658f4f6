// "The key service" as envelope encryption sees it: whatever makes data keys and seals and
// opens them under named keys. core::KmsService (kms_data_key_service.h) and the rpc
// client (tools/coffer/kms_client_data_keys.h) implement it; the envelope code never
// depends on either, so the same stream code runs in the CLI, the server and the tests.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "common/secret_bytes.h"
#include "core/model/encryption_context.h"

namespace coffer::core::envelope {

struct DataKey {
  SecretBytes plaintext;  // 32 bytes (AES-256)
  Bytes ciphertext;       // a KMS ciphertext blob that decrypts to `plaintext`
};

class DataKeyService {
 public:
  virtual ~DataKeyService() = default;
  // GenerateDataKey(AES_256) under `key_id`, bound to `context`.
  virtual DataKey generate_data_key(const std::string& key_id,
                                    const EncryptionContext& context) = 0;
  // Encrypt: seals an existing data key under another key (one more region).
  virtual Bytes encrypt(const std::string& key_id, std::span<const std::uint8_t> plaintext,
                        const EncryptionContext& context) = 0;
  // Decrypt; with `key_id`, fails (IncorrectKeyException) unless the blob is under that key.
  virtual SecretBytes decrypt(std::span<const std::uint8_t> blob, const EncryptionContext& context,
                              const std::optional<std::string>& key_id) = 0;
};

}  // namespace coffer::core::envelope
