// ClientRequestTokens for Secrets Manager's mutations: a random UUID (version 4), as AWS's
// SDKs make them. Made once per call, before the first attempt, so that the re-send after a
// lost connection carries the same token and the server answers it without a second version.
#pragma once

#include <string>

namespace coffer::client {

// 36 characters, lower-case hex ("8-4-4-4-12"); from OpenSSL's CSPRNG. Throws coffer::Error
// (KMSInternalException) if the generator fails.
std::string new_client_request_token();

}  // namespace coffer::client
