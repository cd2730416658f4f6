// Builds a CK_ATTRIBUTE array whose values it owns, so templates read like declarations.
#pragma once

#include <deque>
#include <span>
#include <string>
#include <vector>

#include "common/secret_bytes.h"
#include "pkcs11/cryptoki.h"

namespace coffer::pkcs11 {

class AttributeTemplate {
 public:
  AttributeTemplate& add_bool(CK_ATTRIBUTE_TYPE type, bool value);
  AttributeTemplate& add_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);
  AttributeTemplate& add_bytes(CK_ATTRIBUTE_TYPE type, std::span<const std::uint8_t> value);
  AttributeTemplate& add_string(CK_ATTRIBUTE_TYPE type, const std::string& value);
  // Key material: held in a buffer that is wiped with the template.
  AttributeTemplate& add_secret(CK_ATTRIBUTE_TYPE type, std::span<const std::uint8_t> value);

  CK_ATTRIBUTE* data() noexcept { return attributes_.data(); }
  CK_ULONG size() const noexcept { return static_cast<CK_ULONG>(attributes_.size()); }

 private:
  AttributeTemplate& add_raw(CK_ATTRIBUTE_TYPE type, void* value, std::size_t length);
  std::vector<CK_ATTRIBUTE> attributes_;
  // deques keep element addresses stable as they grow.
  std::deque<CK_BBOOL> bools_;
  std::deque<CK_ULONG> ulongs_;
  std::deque<std::vector<std::uint8_t>> bytes_;
  std::deque<SecretBytes> secrets_;
};

}  // namespace coffer::pkcs11
