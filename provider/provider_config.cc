// The provider's section in openssl.cnf, read through the core's get_params upcall:
//
//   [coffer_sect]
//   module = /usr/lib/x86_64-linux-gnu/ossl-modules/coffer.so
//   activate = 1
//   endpoint = kms.example.net:7443
//   tls = yes                      # "no": plaintext TCP (loopback development only)
//   ca-file = /etc/coffer/ca.pem
//   cert-file = /etc/coffer/app.pem   # mutual TLS
//   key-file = /etc/coffer/app.key
//   api-key-file = /etc/coffer/app.apikey   # "AKID:SECRET" on its first line
//   connect-timeout-ms = 5000
//   request-timeout-ms = 10000
//
// Anything not set there comes from the COFFER_* environment, as for the CLI.
#include <openssl/core_dispatch.h>
#include <openssl/params.h>

#include <charconv>
#include <string>

#include "common/secret_bytes.h"
#include "provider/provider_context.h"

namespace coffer::provider {
namespace {

// A provider should answer quickly when cofferd is away; the client's defaults suit a CLI.
constexpr std::chrono::milliseconds kConnectTimeout{5'000};
constexpr std::chrono::milliseconds kRequestTimeout{10'000};

bool parse_bool(const std::string& name, const std::string& value) {
  if (value == "1" || value == "yes" || value == "true" || value == "on") return true;
  if (value == "0" || value == "no" || value == "false" || value == "off") return false;
  throw Error(ErrorCode::kValidation, name + " must be yes or no, not '" + value + "'");
}

std::chrono::milliseconds parse_ms(const std::string& name, const std::string& value) {
  long long ms = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (ec != std::errc() || end != value.data() + value.size() || ms <= 0 || ms > 3'600'000)
    throw Error(ErrorCode::kValidation,
                name + " must be a number of milliseconds, not '" + value + "'");
  return std::chrono::milliseconds(ms);
}

}  // namespace

client::ClientConfig read_client_config(const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in) {
  OSSL_FUNC_core_get_params_fn* get_params = nullptr;
  for (; in->function_id != 0; ++in) {
    if (in->function_id == OSSL_FUNC_CORE_GET_PARAMS) get_params = OSSL_FUNC_core_get_params(in);
  }
  client::ClientConfig config = client::ClientConfig::from_environment();
  config.connect_timeout = kConnectTimeout;
  config.request_timeout = kRequestTimeout;
  if (get_params == nullptr) return config;

  char* endpoint = nullptr;
  char* tls = nullptr;
  char* ca_file = nullptr;
  char* cert_file = nullptr;
  char* key_file = nullptr;
  char* api_key_file = nullptr;
  char* connect_timeout = nullptr;
  char* request_timeout = nullptr;
  OSSL_PARAM params[] = {
      OSSL_PARAM_utf8_ptr("endpoint", &endpoint, 0),
      OSSL_PARAM_utf8_ptr("tls", &tls, 0),
      OSSL_PARAM_utf8_ptr("ca-file", &ca_file, 0),
      OSSL_PARAM_utf8_ptr("cert-file", &cert_file, 0),
      OSSL_PARAM_utf8_ptr("key-file", &key_file, 0),
      OSSL_PARAM_utf8_ptr("api-key-file", &api_key_file, 0),
      OSSL_PARAM_utf8_ptr("connect-timeout-ms", &connect_timeout, 0),
      OSSL_PARAM_utf8_ptr("request-timeout-ms", &request_timeout, 0),
      OSSL_PARAM_END,
  };
  if (get_params(handle, params) != 1)
    throw Error(ErrorCode::kValidation, "cannot read the provider's configuration");

  if (endpoint != nullptr) config.endpoint = endpoint;
  if (tls != nullptr) config.tls = parse_bool("tls", tls);
  if (ca_file != nullptr) config.ca_file = ca_file;
  if (cert_file != nullptr) config.cert_file = cert_file;
  if (key_file != nullptr) config.key_file = key_file;
  if (api_key_file != nullptr) config.api_key = client::read_secret_line(api_key_file);
  if (connect_timeout != nullptr)
    config.connect_timeout = parse_ms("connect-timeout-ms", connect_timeout);
  if (request_timeout != nullptr)
    config.request_timeout = parse_ms("request-timeout-ms", request_timeout);
  client::split_endpoint(config.endpoint);  // a bad endpoint fails now, at load time
  return config;
}

}  // namespace coffer::provider
