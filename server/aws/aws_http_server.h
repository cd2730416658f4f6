// The HTTP/1.1 listener of the AWS JSON API (Boost.Beast): keep-alive, a body limit, a
// whole-request deadline, short idle time for anonymous peers, connection caps (total and
// per source), a shared byte budget, TLS 1.2+ (plaintext on loopback only). Network
// threads parse, check signatures whose credentials are cached, and write; a request
// goes to the caller's executor (cofferd's WorkQueue) only once authenticated, because
// every KMS call uses the token. A refused submission is answered ThrottlingException.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/aws/request_handler.h"
#include "server/net/byte_budget.h"
#include "server/net/request_observer.h"
#include "server/net/work_job.h"

namespace coffer::server::aws {

struct AwsServerOptions {
  std::string listen = "127.0.0.1:4599";  // see net::parse_bind_address
  bool tls = false;                       // plaintext is refused on anything but a loopback address
  std::string cert_file, key_file;
  std::size_t network_threads = 1;
  std::size_t max_body_bytes = 1 << 20;
  // A request must arrive whole within this from its first byte (slow senders are cut).
  std::chrono::milliseconds read_timeout{10'000};
  // Wait for the next request on a connection that has authenticated a request...
  std::chrono::milliseconds idle_timeout{300'000};
  // ...and on one that has not (yet): anonymous peers do not get to hold sockets.
  std::chrono::milliseconds unauthenticated_idle_timeout{10'000};
  // Connections beyond these are accepted and closed at once, so idle or slow peers
  // cannot exhaust file descriptors, and one host cannot take every slot.
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_source = 128;
  // Bytes of request bodies being read, queued or executed, shared with other listeners;
  // null for a budget of this server's own (64 MiB).
  std::shared_ptr<net::ByteBudget> budget;
  RequestObserver observe;  // optional: each answered request
};

class AwsHttpServer {
 public:
  // Runs a job on a worker; false when the worker queue refuses it (full, or late).
  using Submit = std::function<bool(net::WorkJob job)>;

  // `handler` must outlive every task handed to `submit` (cofferd drains its WorkQueue
  // before destroying the handler). `submit_authentication` runs the signature checks the
  // network threads could not finish from the cache (an access key id not seen lately);
  // without it they go to `submit`.
  AwsHttpServer(AwsServerOptions options, const RequestHandler& handler, Submit submit,
                Submit submit_authentication = {});
  ~AwsHttpServer();
  AwsHttpServer(const AwsHttpServer&) = delete;
  AwsHttpServer& operator=(const AwsHttpServer&) = delete;

  // Binds and starts the network threads. Throws coffer::Error on a bad address or TLS files.
  void start();
  // Stops accepting, closes connections, joins the threads. Idempotent. Tasks already
  // submitted still run; their responses are dropped.
  void stop();
  std::uint16_t port() const noexcept;
  std::size_t connections() const noexcept;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace coffer::server::aws
