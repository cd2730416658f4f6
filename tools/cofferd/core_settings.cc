#include "tools/cofferd/core_settings.h"

#include "tools/cofferd/first_run.h"

namespace coffer::cofferd {

pkcs11::TokenConfig token_config_of(const DaemonConfig& config, std::size_t sessions) {
  if (config.softhsm_autoinit && config.pkcs11_module.find("softhsm") != std::string::npos) {
    prepare_softhsm(config.state_dir, "coffer", config.pkcs11_module);
  }
  pkcs11::TokenConfig token_config;
  token_config.module_path = config.pkcs11_module;
  token_config.token_uri = config.token_uri;
  token_config.pin = pkcs11::PinSource::from_file(config.pin_file);
  token_config.quirks = config.token_quirks;
  token_config.pool.max_sessions = sessions;
  return token_config;
}

core::KmsConfig kms_config_of(const DaemonConfig& config, const std::string& region) {
  core::KmsConfig kms;
  kms.region = region;
  kms.account_id = config.account_id;
  kms.rewrap_batch = config.rewrap_batch;
  kms.retire_domain_keys = config.retire_domain_keys;
  kms.domain_key_rotation_days = static_cast<int>(config.domain_key_rotation_days);
  kms.version_cache_capacity = config.version_cache_capacity;
  return kms;
}

core::SecretsConfig secrets_config_of(const DaemonConfig& config, const std::string& region) {
  core::SecretsConfig c;
  c.region = region;
  c.account_id = config.account_id;
  return c;
}

}  // namespace coffer::cofferd
