#include "core/model/encryption_context.h"

#include "common/byte_writer.h"
#include "common/error.h"

namespace coffer::core {
void append_canonical(const EncryptionContext& context, pkcs11::Bytes& out) {
  ByteWriter writer(out);
  writer.write_u32(static_cast<std::uint32_t>(context.size()));
  for (const auto& [key, value] : context) {
    writer.write_u32(static_cast<std::uint32_t>(key.size()));
    writer.write_bytes(key);
    writer.write_u32(static_cast<std::uint32_t>(value.size()));
    writer.write_bytes(value);
  }
}

void validate_context(const EncryptionContext& context, const char* field) {
  std::size_t total = 0;
  for (const auto& [key, value] : context) {
    if (key.empty()) {
      throw Error(ErrorCode::kValidation, std::string(field) + " keys must not be empty");
    }
    total += key.size() + value.size();
  }
  if (total > 8192) {
    throw Error(ErrorCode::kValidation, std::string(field) + " is larger than 8192 bytes");
  }
}

}  // namespace coffer::core
