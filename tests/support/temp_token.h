// A throw-away SoftHSM2 token for one test process: its own config file and token
// directory in a temp dir, initialised with softhsm2-util, removed at exit.
#pragma once

#include <string>

#include "pkcs11/token.h"

namespace coffer::testing {

inline constexpr const char* kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";

class TempToken {
 public:
  // Creates the token (label "coffer-test") and points SOFTHSM2_CONF at it. Call before
  // any SoftHSM module is loaded in this process.
  TempToken();
  ~TempToken();
  TempToken(const TempToken&) = delete;
  TempToken& operator=(const TempToken&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& pin_file() const { return pin_file_; }
  std::string so_pin() const { return "so-pin-5678"; }
  // A config for coffer::pkcs11::Token on this token (SoftHSM module, "softhsm" quirks).
  pkcs11::TokenConfig config(std::size_t max_sessions = 4) const;

 private:
  std::string dir_;
  std::string pin_file_;
};

// The project's Wycheproof vectors (COFFER_VECTORS_DIR, set by CMake).
std::string vectors_dir();

}  // namespace coffer::testing
