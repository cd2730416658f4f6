#include "pkcs11/pin_source.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.h"

namespace coffer::pkcs11 {

PinSource PinSource::from_file(std::string path) { return PinSource(Kind::kFile, std::move(path)); }
PinSource PinSource::from_env(std::string variable) {
  return PinSource(Kind::kEnv, std::move(variable));
}

std::string PinSource::describe() const {
  return kind_ == Kind::kFile ? "PIN file " + where_ : "environment variable " + where_;
}

SecretBytes PinSource::read() const {
  SecretBytes pin;
  if (kind_ == Kind::kEnv) {
    const char* value = std::getenv(where_.c_str());
    if (value != nullptr) {
      pin =
          SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(value), std::strlen(value)));
    }
  } else {
    std::ifstream in(where_, std::ios::binary);
    if (!in) throw Error(ErrorCode::kKeyUnavailable, "cannot read " + describe());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    pin = SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    secure_zero(text.data(), text.size());
  }
  // A trailing newline from `echo pin > file` is not part of the PIN.
  std::size_t size = pin.size();
  while (size > 0 && (pin[size - 1] == '\n' || pin[size - 1] == '\r')) --size;
  pin.resize(size);
  if (pin.empty()) throw Error(ErrorCode::kKeyUnavailable, describe() + " holds no PIN");
  return pin;
}

}  // namespace coffer::pkcs11
