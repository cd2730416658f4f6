#include "tests/fuzz/fuzz_service.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/model/clock.h"
#include "pkcs11/token_init.h"

namespace coffer::fuzz {
namespace {

constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";
constexpr const char* kPin = "fuzz-user-pin";

}  // namespace

FuzzService& FuzzService::instance() {
  static FuzzService service;
  return service;
}

FuzzService::FuzzService() {
  std::string pattern = (std::filesystem::temp_directory_path() / "coffer-fuzz-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  std::filesystem::create_directories(dir_ + "/tokens");
  std::ofstream(dir_ + "/softhsm2.conf") << "directories.tokendir = " << dir_ << "/tokens\n"
                                         << "objectstore.backend = file\nlog.level = ERROR\n";
  std::ofstream(dir_ + "/user.pin") << kPin << "\n";
  setenv("SOFTHSM2_CONF", (dir_ + "/softhsm2.conf").c_str(), 1);
  pkcs11::initialize_free_token(kModule, "coffer-fuzz", "fuzz-so-pin", kPin);

  pkcs11::TokenConfig config;
  config.module_path = kModule;
  config.token_uri = "pkcs11:token=coffer-fuzz";
  config.pin = pkcs11::PinSource::from_file(dir_ + "/user.pin");
  config.quirks = "softhsm";
  config.pool.max_sessions = 2;
  token_ = std::make_unique<pkcs11::Token>(config);
  store_ = std::make_unique<core::SqliteStore>(dir_ + "/coffer.db");
  clock_ = std::make_unique<core::SystemClock>();
  kms_ = std::make_unique<core::KmsService>(*token_, *store_, *clock_, core::KmsConfig{});

  const std::pair<const char*, const char*> keys[] = {{"alias/fuzz-aes", "SYMMETRIC_DEFAULT"},
                                                      {"alias/fuzz-rsa", "RSA_2048"},
                                                      {"alias/fuzz-ec", "ECC_NIST_P256"},
                                                      {"alias/fuzz-hmac", "HMAC_256"}};
  for (const auto& [alias, spec] : keys) {
    core::CreateKeyRequest request;
    request.key_spec = spec;
    if (std::string_view(spec).starts_with("RSA") || std::string_view(spec).starts_with("ECC")) {
      request.key_usage = "SIGN_VERIFY";
    } else if (std::string_view(spec).starts_with("HMAC")) {
      request.key_usage = "GENERATE_VERIFY_MAC";
    }
    kms_->create_alias(alias, kms_->create_key(request).key_id);
  }
}

FuzzService::~FuzzService() {
  kms_.reset();
  store_.reset();
  token_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace coffer::fuzz
