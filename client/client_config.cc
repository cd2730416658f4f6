#include "client/client_config.h"

#include <cstdlib>
#include <fstream>

#include "common/error.h"
#include "common/secret_bytes.h"

namespace coffer::client {
namespace {

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

}  // namespace

ClientConfig ClientConfig::from_environment() {
  ClientConfig config;
  if (const char* v = env("COFFER_ENDPOINT")) config.endpoint = v;
  if (const char* v = env("COFFER_TLS")) {
    const std::string_view s = v;
    if (s == "1" || s == "true" || s == "yes" || s == "on")
      config.tls = true;
    else if (s == "0" || s == "false" || s == "no" || s == "off")
      config.tls = false;
    else
      throw Error(ErrorCode::kValidation,
                  "COFFER_TLS must be 1 or 0, not '" + std::string(s) + "'");
  }
  if (const char* v = env("COFFER_CA_FILE")) config.ca_file = v;
  if (const char* v = env("COFFER_CERT_FILE")) config.cert_file = v;
  if (const char* v = env("COFFER_KEY_FILE")) config.key_file = v;
  if (const char* v = env("COFFER_API_KEY"))
    config.api_key = v;
  else if (const char* f = env("COFFER_API_KEY_FILE"))
    config.api_key = read_secret_line(f);
  return config;
}

HostPort split_endpoint(std::string_view endpoint) {
  auto bad = [&](const char* why) {
    return Error(ErrorCode::kValidation,
                 "endpoint '" + std::string(endpoint) + "': " + why + " (expected host:port)");
  };
  HostPort out;
  std::size_t colon;
  if (!endpoint.empty() && endpoint.front() == '[') {
    const std::size_t close = endpoint.find(']');
    if (close == std::string_view::npos) throw bad("unterminated '['");
    out.host = endpoint.substr(1, close - 1);
    colon = close + 1;
    if (colon >= endpoint.size() || endpoint[colon] != ':') throw bad("no port");
  } else {
    colon = endpoint.rfind(':');
    if (colon == std::string_view::npos) throw bad("no port");
    out.host = endpoint.substr(0, colon);
  }
  out.port = endpoint.substr(colon + 1);
  if (out.host.empty()) throw bad("no host");
  if (out.host.size() > 253) throw bad("host name too long");  // DNS's limit, and SNI's
  if (out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos)
    throw bad("bad port");
  return out;
}

std::string read_secret_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) throw Error(ErrorCode::kValidation, "cannot read " + path);
  std::size_t end = line.find_last_not_of(" \t\r\n");
  std::string secret = line.substr(0, end == std::string::npos ? 0 : end + 1);
  secure_zero(line.data(), line.size());
  return secret;
}

}  // namespace coffer::client
