#include "core/envelope/materials.h"

#include <exception>

#include "common/error.h"

namespace coffer::core::envelope {

EncryptionMaterials make_encryption_materials(DataKeyService& service,
                                              const std::vector<std::string>& keys,
                                              const EncryptionContext& context) {
  if (keys.empty() || keys.size() > kMaxEncryptedKeys)
    throw Error(ErrorCode::kValidation, "give 1 to 16 keys to encrypt under");
  EncryptionMaterials materials;
  materials.context = context;
  auto first = service.generate_data_key(keys.front(), context);
  if (first.plaintext.size() != kDataKeySize)
    throw Error(ErrorCode::kInternal, "data key is not 32 bytes");
  materials.data_key = std::move(first.plaintext);
  materials.encrypted_keys.push_back(std::move(first.ciphertext));
  for (std::size_t i = 1; i < keys.size(); ++i)
    materials.encrypted_keys.push_back(service.encrypt(keys[i], materials.data_key, context));
  return materials;
}

SecretBytes decrypt_data_key(DataKeyService& service, const HeaderFields& header,
                             const std::vector<std::string>& allowed_keys) {
  std::exception_ptr last;
  auto attempt = [&](const Bytes& blob, const std::optional<std::string>& key) -> SecretBytes {
    try {
      auto key_bytes = service.decrypt(blob, header.context, key);
      if (key_bytes.size() == kDataKeySize) return key_bytes;
      last = std::make_exception_ptr(
          Error(ErrorCode::kInvalidCiphertext, "the data key is not 32 bytes"));
    } catch (const Error&) {
      // Another region's key, a key this server lacks: the next encrypted key may open.
      last = std::current_exception();
    }
    return {};
  };
  for (const auto& blob : header.encrypted_keys) {
    if (allowed_keys.empty()) {
      if (auto key = attempt(blob, std::nullopt); !key.empty()) return key;
      continue;
    }
    for (const auto& allowed : allowed_keys)
      if (auto key = attempt(blob, allowed); !key.empty()) return key;
  }
  std::rethrow_exception(last);
}

void require_context(const EncryptionContext& actual, const EncryptionContext& required) {
  for (const auto& [k, v] : required) {
    auto it = actual.find(k);
    if (it == actual.end() || it->second != v)
      throw Error(ErrorCode::kInvalidCiphertext,
                  "the envelope's encryption context does not have " + k + "=" + v);
  }
}

}  // namespace coffer::core::envelope
