// Where and how a client connects: endpoint, TLS files, credentials and timeouts.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

// OSSL_LIB_CTX, without pulling OpenSSL's headers into every client.
struct ossl_lib_ctx_st;

namespace coffer::client {

struct ClientConfig {
  std::string endpoint = "127.0.0.1:7443";  // host:port, or [v6-address]:port
  bool tls = true;
  std::string ca_file;    // empty: the system's trust store
  std::string cert_file;  // client certificate (chain) for mutual TLS; empty: none
  std::string key_file;
  std::string api_key;  // "AKID:SECRET"; empty when the principal comes from mutual TLS
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{30'000};
  // ThrottlingException means the server queued nothing, so any call may be sent again:
  // up to this many times, after exponentially growing pauses (with jitter) from
  // throttle_backoff, never longer than max_throttle_backoff, while the deadline allows (the
  // AWS SDKs' "standard" retry mode, with a shorter base: a KMS answers in milliseconds).
  // 0 hands the error to the caller at once.
  int max_throttle_retries = 3;
  std::chrono::milliseconds throttle_backoff{25};
  std::chrono::milliseconds max_throttle_backoff{2'000};
  // The OpenSSL library context TLS runs in (not owned; null: the default one). The
  // OpenSSL provider passes a private context so that its own TLS to cofferd never
  // reaches the providers the application loaded, the coffer provider included.
  ::ossl_lib_ctx_st* tls_libctx = nullptr;

  // COFFER_ENDPOINT, COFFER_TLS (1/0), COFFER_CA_FILE, COFFER_CERT_FILE, COFFER_KEY_FILE,
  // COFFER_API_KEY or COFFER_API_KEY_FILE; unset variables keep the defaults above.
  // Throws coffer::Error (ValidationException) for an unreadable key file or bad value.
  static ClientConfig from_environment();
};

struct HostPort {
  std::string host;  // without brackets
  std::string port;
};

// Splits "host:port" / "[::1]:port"; throws coffer::Error (ValidationException).
HostPort split_endpoint(std::string_view endpoint);

// The first line of a file, without trailing white space (API keys, PIN-like secrets).
// Throws coffer::Error (ValidationException) when the file cannot be read.
std::string read_secret_line(const std::string& path);

}  // namespace coffer::client
