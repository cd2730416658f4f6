// The HTTP/1.1 listener of the AWS JSON API (Boost.Beast): keep-alive, a body limit, a
// read timeout, optional TLS. Network threads only parse and write; each request goes to
// the caller's executor (cofferd's WorkQueue) because verifying a signature may decrypt
// an access key in the token and every KMS call uses the token. A refused submission is
// answered ThrottlingException at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/aws/request_handler.h"

namespace coffer::server::aws {

struct AwsServerOptions {
  std::string listen = "127.0.0.1:4599";  // see metrics::parse_bind_address
  bool tls = false;
  std::string cert_file, key_file;
  std::size_t network_threads = 1;
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds read_timeout{10'000};   // a started request must finish within this
  std::chrono::milliseconds idle_timeout{300'000};  // between keep-alive requests
  // Connections beyond this are accepted and closed at once (as the rpc listener does),
  // so idle or slow peers cannot exhaust file descriptors.
  std::size_t max_connections = 1024;
};

class AwsHttpServer {
 public:
  // Runs `task` on a worker; false when the worker queue is full.
  using Submit = std::function<bool(std::function<void()> task)>;

  // `handler` must outlive every task handed to `submit` (cofferd drains its WorkQueue
  // before destroying the handler).
  AwsHttpServer(AwsServerOptions options, const RequestHandler& handler, Submit submit);
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
