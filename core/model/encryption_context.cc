#include "core/model/encryption_context.h"

#include "common/error.h"

namespace coffer::core {
namespace {

void append_u32(std::uint32_t v, pkcs11::Bytes& out) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void append_string(const std::string& s, pkcs11::Bytes& out) {
  append_u32(static_cast<std::uint32_t>(s.size()), out);
  out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

void append_canonical(const EncryptionContext& context, pkcs11::Bytes& out) {
  append_u32(static_cast<std::uint32_t>(context.size()), out);
  for (const auto& [key, value] : context) {
    append_string(key, out);
    append_string(value, out);
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
