// DataKeyService over the rpc client, for coffer encrypt-file / decrypt-file. A key may
// name the server that holds it ("KEY@HOST:PORT", for a key in another region); others go
// to the command's own --endpoint. Plaintext data keys are wiped from the response
// messages as soon as they are copied into SecretBytes.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include "client/kms_client.h"
#include "core/envelope/data_key_service.h"

namespace coffer::tools::cli {

class KmsClientDataKeys final : public core::envelope::DataKeyService {
 public:
  // `connect(endpoint)` makes a client for another server with the command's TLS and
  // credentials; `home` serves keys without an "@endpoint" and every decrypt.
  KmsClientDataKeys(std::function<client::KmsClient&()> home,
                    std::function<std::unique_ptr<client::KmsClient>(const std::string&)> connect)
      : home_(std::move(home)), connect_(std::move(connect)) {}

  core::envelope::DataKey generate_data_key(const std::string& key,
                                            const core::EncryptionContext& context) override;
  core::Bytes encrypt(const std::string& key, std::span<const std::uint8_t> plaintext,
                      const core::EncryptionContext& context) override;
  SecretBytes decrypt(std::span<const std::uint8_t> blob, const core::EncryptionContext& context,
                      const std::optional<std::string>& key) override;

  // "KEY@HOST:PORT" -> (KEY, HOST:PORT); "KEY" -> (KEY, "").
  static std::pair<std::string, std::string> split_key(const std::string& spec);

 private:
  client::KmsClient& client_for(const std::string& endpoint);

  std::function<client::KmsClient&()> home_;
  std::function<std::unique_ptr<client::KmsClient>(const std::string&)> connect_;
  std::map<std::string, std::unique_ptr<client::KmsClient>> others_;
};

}  // namespace coffer::tools::cli
