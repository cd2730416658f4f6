// `cofferd [--state-dir DIR ...] access-key create --principal NAME`: makes an access key
// offline (token and store opened directly, as the daemon would) and prints
// "ACCESS_KEY_ID SECRET" once. For the AWS SDKs' AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
// and the rpc api_key. `access-key revoke --access-key-id AKID` deactivates one (store
// only); `access-key list` shows them.
#pragma once

#include <string>

#include "tools/cofferd/config.h"

namespace coffer::cofferd {

// Each returns the exit status; tools/cofferd/command_line.cc declares their arguments.
int create_access_key(const DaemonConfig& config, const std::string& principal);
int revoke_access_key(const DaemonConfig& config, const std::string& access_key_id);
int list_access_keys(const DaemonConfig& config);

}  // namespace coffer::cofferd
