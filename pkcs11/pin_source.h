// Where the user PIN comes from: a file (mode 0600) or an environment variable, never argv.
#pragma once

#include <string>

#include "common/secret_bytes.h"

namespace coffer::pkcs11 {

class PinSource {
 public:
  static PinSource from_file(std::string path);
  static PinSource from_env(std::string variable);

  // Reads the PIN now (a rotated PIN file is picked up at the next login). Throws
  // KeyUnavailable when the source is missing or empty.
  SecretBytes read() const;
  std::string describe() const;

 private:
  enum class Kind { kFile, kEnv };
  PinSource(Kind kind, std::string where) : kind_(kind), where_(std::move(where)) {}
  Kind kind_;
  std::string where_;
};

}  // namespace coffer::pkcs11
