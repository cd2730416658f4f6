// The rpc listener (docs/PROTOCOL.md): TLS 1.3 or loopback plaintext over Boost.Asio, a
// fixed set of network threads that parse frames, authenticate from the cache and write
// responses, and token work handed to a WorkQueue. Limits: frame size, a whole-frame
// deadline, idle timeouts (short before authentication), connection caps in total and per
// source, a shared byte budget, and backpressure on peers that do not read.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/net/byte_budget.h"
#include "server/net/certificate_principal_rules.h"
#include "server/net/request_observer.h"
#include "server/rpc/dispatcher.h"
#include "server/rpc/request_pipeline.h"
#include "server/rpc/work_queue.h"

namespace coffer::server::rpc {

struct RpcServerOptions {
  std::string listen = "127.0.0.1:7443";  // host:port; port 0 picks a free one
  bool tls = true;
  std::string cert_file;       // server certificate chain (PEM)
  std::string key_file;        // its private key (PEM)
  std::string client_ca_file;  // when set: mutual TLS, client certificates required
  // Which principal a verified client certificate stands for (server/net).
  net::CertificatePrincipalRules client_principal_rules =
      net::CertificatePrincipalRules::earlier_releases_default();
  // Plaintext is refused unless this is set *and* the listener is a loopback address.
  bool allow_plaintext_loopback = false;
  // Development only: requests without credentials run as "anonymous" on loopback.
  bool allow_unauthenticated_loopback = false;
  std::size_t network_threads = 1;
  std::size_t max_frame = 1 << 20;
  // A frame must arrive whole within this from its first byte (not renewed per byte).
  std::chrono::milliseconds read_timeout{10'000};
  // Time allowed between frames once the connection has authenticated...
  std::chrono::milliseconds idle_timeout{300'000};
  // ...and before it has (a client certificate counts).
  std::chrono::milliseconds unauthenticated_idle_timeout{10'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_source = 128;
  // A connection whose peer does not read its responses stops being read once this many
  // response bytes wait to be sent, and is closed if they still wait after read_timeout.
  std::size_t max_unsent_bytes = 4 << 20;
  // Bytes of requests queued or running, shared with other listeners (null: 64 MiB of
  // this server's own). A request beyond it is answered ThrottlingException.
  std::shared_ptr<net::ByteBudget> budget;
  // Authentication from the cache on the network thread; a miss goes to
  // `authentication_queue` (or the work queue when null) for the full check.
  CachedAuthenticator cached_authenticate;
  WorkQueue* authentication_queue = nullptr;
  // The audit trail (server/audit): every executed request is recorded as a call to
  // audit_region of audit_account_id. Null: no audit trail.
  // Request quotas, checked on each validated request before its handler (empty: none).
  QuotaCheck quota_check;
  audit::RequestAuditor* auditor = nullptr;
  std::string audit_region;
  std::string audit_account_id;
};

class RpcServer {
 public:
  RpcServer(RpcServerOptions options, const Dispatcher& dispatcher, WorkQueue& work,
            Authenticator authenticate, RequestObserver observe = nullptr);
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

}  // namespace coffer::server::rpc
