// What cofferd's settings mean to the token and the core, the same for the daemon and the
// offline subcommands (access-key, domain-key).
#pragma once

#include <cstddef>

#include <string>

#include "core/secrets/secrets_service.h"
#include "core/service/kms_service.h"
#include "pkcs11/token.h"
#include "tools/cofferd/config.h"

namespace coffer::cofferd {

// Prepares SoftHSM on first use when the settings ask for it, as the daemon does.
pkcs11::TokenConfig token_config_of(const DaemonConfig& config, std::size_t sessions);
// The KMS of `region` as the settings describe it.
core::KmsConfig kms_config_of(const DaemonConfig& config, const std::string& region);
core::SecretsConfig secrets_config_of(const DaemonConfig& config, const std::string& region);

}  // namespace coffer::cofferd
