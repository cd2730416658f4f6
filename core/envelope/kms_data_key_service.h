// DataKeyService over a core::KmsService in the same process (tests, benchmarks, and any
// server-side user of envelope encryption).
#pragma once

#include "core/envelope/data_key_service.h"
#include "core/service/kms_service.h"

namespace coffer::core::envelope {

class KmsDataKeyService final : public DataKeyService {
 public:
  explicit KmsDataKeyService(KmsService& kms) : kms_(kms) {}

  DataKey generate_data_key(const std::string& key_id, const EncryptionContext& context) override;
  Bytes encrypt(const std::string& key_id, std::span<const std::uint8_t> plaintext,
                const EncryptionContext& context) override;
  SecretBytes decrypt(std::span<const std::uint8_t> blob, const EncryptionContext& context,
                      const std::optional<std::string>& key_id) override;

 private:
  KmsService& kms_;
};

}  // namespace coffer::core::envelope
