#include "tests/support/temp_token.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace coffer::testing {

TempToken::TempToken() {
  std::string pattern = (std::filesystem::temp_directory_path() / "coffer-token-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  std::filesystem::create_directories(dir_ + "/tokens");
  {
    std::ofstream conf(dir_ + "/softhsm2.conf");
    conf << "directories.tokendir = " << dir_ << "/tokens\n"
         << "objectstore.backend = file\n"
         << "log.level = ERROR\n";
  }
  pin_file_ = dir_ + "/user.pin";
  {
    std::ofstream pin(pin_file_);
    pin << "user-pin-1234\n";
  }
  std::filesystem::permissions(
      pin_file_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  setenv("SOFTHSM2_CONF", (dir_ + "/softhsm2.conf").c_str(), 1);
  const std::string command =
      "softhsm2-util --init-token --free --label coffer-test --pin user-pin-1234 --so-pin " +
      so_pin() + " >/dev/null";
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("softhsm2-util --init-token failed");
}

TempToken::~TempToken() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

pkcs11::TokenConfig TempToken::config(std::size_t max_sessions) const {
  pkcs11::TokenConfig config;
  config.module_path = kSoftHsmModule;
  config.token_uri = "pkcs11:token=coffer-test";
  config.pin = pkcs11::PinSource::from_file(pin_file_);
  config.quirks = "softhsm";
  config.pool.max_sessions = max_sessions;
  return config;
}

std::string vectors_dir() {
  const char* from_env = std::getenv("COFFER_VECTORS_DIR");
  if (from_env != nullptr) return from_env;
  return COFFER_VECTORS_DIR;
}

}  // namespace coffer::testing
