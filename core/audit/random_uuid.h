// Random UUIDs (RFC 9562 version 4), as CloudTrail's eventID.
#pragma once

#include <string>

namespace coffer::core::audit {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower case, from OpenSSL's RNG.
std::string random_uuid_v4();
// The same into `out`, replacing what it held (no allocation when it has the room).
void random_uuid_v4(std::string& out);

}  // namespace coffer::core::audit
