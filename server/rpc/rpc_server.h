// The rpc listener (docs/PROTOCOL.md): TLS 1.3 or loopback plaintext over Boost.Asio, a
// fixed set of network threads that parse frames and write responses, and token work
// handed to a WorkQueue. Limits: frame size, read and idle timeouts, a connection cap.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/rpc/dispatcher.h"
#include "server/rpc/work_queue.h"

namespace coffer::server {

struct RpcServerOptions {
  std::string listen = "127.0.0.1:7443";  // host:port; port 0 picks a free one
  bool tls = true;
  std::string cert_file;        // server certificate chain (PEM)
  std::string key_file;         // its private key (PEM)
  std::string client_ca_file;   // when set: mutual TLS, client certificates required
  // Plaintext is refused unless this is set *and* the listener is a loopback address.
  bool allow_plaintext_loopback = false;
  // Development only: requests without credentials run as "anonymous" on loopback.
  bool allow_unauthenticated_loopback = false;
  std::size_t network_threads = 1;
  std::size_t max_frame = 1 << 20;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{300'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  std::size_t max_connections = 1024;
};

// "AKID:SECRET" -> principal, or nullopt. Called on a worker thread (it may use the token).
using Authenticator = std::function<std::optional<std::string>(std::string_view api_key)>;
// Called once per answered request: method, result code ("OK" or the exception name),
// seconds from arrival to response.
using RequestObserver = std::function<void(const std::string& method, std::string_view code, double seconds)>;

class RpcServer {
 public:
  RpcServer(RpcServerOptions options, const Dispatcher& dispatcher, WorkQueue& work, Authenticator authenticate,
            RequestObserver observe = nullptr);
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Binds and starts the network threads; throws coffer::Error on a bad configuration.
  void start();
  unsigned short port() const;
  std::size_t connections() const;
  // Stops accepting, lets in-flight requests finish and their responses go out, closes
  // every connection; gives up waiting after `drain_timeout`.
  void shutdown(std::chrono::milliseconds drain_timeout);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace coffer::server
