#include "tests/fuzz/fuzz_service.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/error.h"
#include "common/hex.h"
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
  make_secrets();
}

// What a rotation function does with the token RotateSecret gives it: createSecret,
// finishSecret (setSecret and testSecret have nothing to do here), then the engine's report.
// Refusals end the rotation as failed, as the engine would record them.
void FuzzService::rotate(const std::string& arn, const std::string& token) {
  bool ok = false;
  try {
    core::PutSecretValueRequest put;
    put.secret_id = arn;
    put.client_request_token = token;
    put.value.string = SecretBytes(secrets_->get_random_password({}));
    put.version_stages = std::vector<std::string>{"AWSPENDING"};
    secrets_->put_secret_value(put);
    std::string current;
    for (const auto& [version, stages] : secrets_->describe_secret(arn).version_ids_to_stages) {
      if (std::find(stages.begin(), stages.end(), "AWSCURRENT") != stages.end()) current = version;
    }
    if (current != token) {
      secrets_->update_secret_version_stage(
          {arn, "AWSCURRENT", current.empty() ? std::nullopt : std::optional(current), token});
    }
    secrets_->update_secret_version_stage({arn, "AWSPENDING", token, std::nullopt});
    ok = true;
  } catch (const Error&) {
  }
  try {
    secrets_->rotation_finished(arn, token, ok);
  } catch (const Error&) {
  }
}

void FuzzService::make_secrets() {
  secrets_ = std::make_unique<core::SecretsService>(*kms_, *store_, *clock_, core::SecretsConfig{});
  secrets_->set_rotation_launcher(
      [this](const std::string& arn, const std::string& token) { rotate(arn, token); });
  auto text = [](std::string_view s) {
    core::SecretValue v;
    v.string = SecretBytes(as_bytes(s));
    return v;
  };
  core::CreateSecretRequest request;
  request.name = "fuzz/string";
  request.description = "a string secret";
  request.value = text(R"({"username":"fuzz","password":"hunter2"})");
  request.tags = {{"env", "fuzz"}, {"team", "coffer"}};
  secrets_->create_secret(request);
  secrets_->put_secret_value({"fuzz/string", std::nullopt, text("second value"), std::nullopt});
  secrets_->put_secret_value(
      {"fuzz/string", std::nullopt, text("custom label"), std::vector<std::string>{"fuzz-label"}});

  request = {};
  request.name = "fuzz/binary";
  request.kms_key_id = "alias/fuzz-aes";
  request.value.binary = SecretBytes(as_bytes(std::string_view("\x00\x01\x02\xff", 4)));
  secrets_->create_secret(request);

  request = {};
  request.name = "fuzz/rotating";
  request.value = text("rotate me");
  secrets_->create_secret(request);
  core::RotateSecretRequest rotate;
  rotate.secret_id = "fuzz/rotating";
  rotate.rotation_lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:fuzz-rotator";
  rotate.rotation_rules = core::RotationRules{1, "", ""};
  rotate.rotate_immediately = false;
  secrets_->rotate_secret(rotate);

  request = {};
  request.name = "fuzz/deleted";
  request.value = text("scheduled for deletion");
  secrets_->create_secret(request);
  core::DeleteSecretRequest del;
  del.secret_id = "fuzz/deleted";
  del.recovery_window_in_days = 30;
  secrets_->delete_secret(del);
}

FuzzService::~FuzzService() {
  secrets_.reset();
  kms_.reset();
  store_.reset();
  token_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace coffer::fuzz
