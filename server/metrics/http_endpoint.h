// A tiny HTTP/1.1 server for operators' probes and the Prometheus scraper, on its own
// thread so a busy or stuck service thread pool never hides the metrics:
//   GET /metrics  the registry in the text format (kPrometheusContentType)
//   GET /ready    200 "ready" when the ready callback says so, else 503 "not ready"
//   GET /live     200 "live" while the thread runs
// Other paths get 404, other methods on these paths 405. One request per connection;
// requests over the size limit or slower than the timeout are dropped without an answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/metrics/registry.h"

namespace coffer::server::metrics {

class HttpEndpoint {
 public:
  struct Options {
    std::string bind = "127.0.0.1:9464";              // see parse_bind_address
    std::chrono::milliseconds request_timeout{5000};  // from accept to the last request byte
    std::size_t max_request_bytes = 8 * 1024;         // request line and headers; no body
    std::size_t max_connections = 64;                 // more are closed at once
  };
  // Runs on the endpoint's thread for each /ready; empty means always ready. Must be
  // thread-safe; an exception counts as not ready.
  using Ready = std::function<bool()>;

  // `registry` must outlive the endpoint. Nothing listens until start().
  HttpEndpoint(const Registry& registry, Options options, Ready ready = {});
  ~HttpEndpoint();  // stops
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // Binds and starts serving. Throws Error(kValidation) for a bad address and
  // Error(kInternal) when the address cannot be bound. Once per endpoint.
  void start();
  // Closes the listener and every open connection, then joins the thread. Idempotent.
  void stop();
  // The bound port (the kernel's choice when the address asked for port 0); 0 before start().
  std::uint16_t port() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coffer::server::metrics
