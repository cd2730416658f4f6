// What cofferd does the first time it starts in a state directory: a SoftHSM2 token with
// random PINs (when it drives SoftHSM), and an administrator credential.
#pragma once

#include <string>

#include "core/auth/access_keys.h"

namespace coffer::cofferd {

// Writes STATE/softhsm2.conf, STATE/user.pin and STATE/so.pin (0600) and initialises a
// token labelled `label`, unless STATE/softhsm2.conf exists. Points SOFTHSM2_CONF at it
// unless the environment already names a configuration.
void prepare_softhsm(const std::string& state_dir, const std::string& label,
                     const std::string& module_path);

// When no access key exists yet: makes one for principal "admin" and writes
// "AKID:SECRET" to STATE/admin.credentials (0600). The secret is never logged.
void ensure_admin_credential(core::AccessKeys& keys, const std::string& state_dir);

}  // namespace coffer::cofferd
