// Random UUIDs (RFC 9562 version 4), as CloudTrail's eventID.
#pragma once

#include <string>

namespace coffer::core::audit {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower case, from OpenSSL's RNG.
std::string random_uuid_v4();

}  // namespace coffer::core::audit
