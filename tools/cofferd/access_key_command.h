// `cofferd [--state-dir DIR ...] access-key create --principal NAME`: makes an access key
// offline (token and store opened directly, as the daemon would) and prints
// "ACCESS_KEY_ID SECRET" once. For the AWS SDKs' AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
// and the rpc api_key. `access-key revoke --access-key-id AKID` deactivates one (store
// only); `access-key list` shows them.
#pragma once

#include <string>
#include <vector>

#include "tools/cofferd/config.h"

namespace coffer::daemon {

// `words` are the arguments after "access-key". Returns the exit status.
int run_access_key_command(const DaemonConfig& config, const std::vector<std::string>& words);

}  // namespace coffer::daemon
