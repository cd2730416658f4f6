#include "pkcs11/attribute_template.h"

namespace coffer::pkcs11 {

AttributeTemplate& AttributeTemplate::add_raw(CK_ATTRIBUTE_TYPE type, void* value,
                                              std::size_t length) {
  attributes_.push_back(CK_ATTRIBUTE{type, value, static_cast<CK_ULONG>(length)});
  return *this;
}

AttributeTemplate& AttributeTemplate::add_bool(CK_ATTRIBUTE_TYPE type, bool value) {
  bools_.push_back(value ? CK_TRUE : CK_FALSE);
  return add_raw(type, &bools_.back(), sizeof(CK_BBOOL));
}

AttributeTemplate& AttributeTemplate::add_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
  ulongs_.push_back(value);
  return add_raw(type, &ulongs_.back(), sizeof(CK_ULONG));
}

AttributeTemplate& AttributeTemplate::add_bytes(CK_ATTRIBUTE_TYPE type,
                                                std::span<const std::uint8_t> value) {
  bytes_.emplace_back(value.begin(), value.end());
  return add_raw(type, bytes_.back().data(), bytes_.back().size());
}

AttributeTemplate& AttributeTemplate::add_string(CK_ATTRIBUTE_TYPE type, const std::string& value) {
  return add_bytes(type, {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()});
}

AttributeTemplate& AttributeTemplate::add_secret(CK_ATTRIBUTE_TYPE type,
                                                 std::span<const std::uint8_t> value) {
  secrets_.emplace_back(value);
  return add_raw(type, secrets_.back().data(), secrets_.back().size());
}

}  // namespace coffer::pkcs11
