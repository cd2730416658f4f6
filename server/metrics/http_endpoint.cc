#include "server/metrics/http_endpoint.h"

#include "server/net/listener_policy.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "common/error.h"
#include "common/log.h"
#include "server/metrics/prometheus_text.h"
#include "server/net/bind_address.h"

namespace coffer::server::metrics {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Request = http::request<http::empty_body>;
using Response = http::response<http::string_body>;

Response reply(http::status status, std::string_view content_type, std::string body) {
  Response response(status, 11);
  response.keep_alive(false);
  response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response reply(http::status status, std::string body) {
  return reply(status, "text/plain; charset=utf-8", std::move(body));
}

}  // namespace

// Everything below runs on the endpoint's thread except start(), stop() and port().
class HttpEndpoint::Impl {
 public:
  Impl(const Registry& registry, Options options, Ready ready)
      : registry_(registry), options_(std::move(options)), ready_(std::move(ready)) {}

  void start();
  void stop();
  std::uint16_t port() const noexcept { return port_.load(std::memory_order_acquire); }

 private:
  class Session;

  void accept();
  Response respond(const Request& request) const;
  bool ready() const noexcept;

  const Registry& registry_;
  const Options options_;
  const Ready ready_;

  net::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  net::steady_timer retry_{io_};
  std::unordered_set<Session*> sessions_;  // so stop() can close them
  bool stopping_ = false;

  std::mutex lifecycle_;  // serialises start() and stop()
  bool started_ = false;
  std::thread thread_;
  std::atomic<std::uint16_t> port_ = 0;  // read from any thread
};

// One connection: read one request, write one response, close.
class HttpEndpoint::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl& owner)
      : stream_(std::move(socket)), buffer_(owner.options_.max_request_bytes), owner_(owner) {
    parser_.header_limit(static_cast<std::uint32_t>(owner.options_.max_request_bytes));
    owner_.sessions_.insert(this);
  }
  ~Session() { owner_.sessions_.erase(this); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void run() {
    // One deadline for the whole request, so trickling bytes cannot hold the connection.
    stream_.expires_after(owner_.options_.request_timeout);
    http::async_read(stream_, buffer_, parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void close() { stream_.close(); }

 private:
  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return;  // timed out, too large, had a body, or the peer left: drop it
    response_ = owner_.respond(parser_.get());
    stream_.expires_after(owner_.options_.request_timeout);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t /*bytes*/) {
    if (!ec) stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;  // its limit bounds the request together with header_limit
  http::request_parser<http::empty_body> parser_;  // a request body fails the read
  Response response_;
  Impl& owner_;
};

void HttpEndpoint::Impl::start() {
  std::lock_guard lock(lifecycle_);
  if (started_) throw Error(ErrorCode::kInvalidState, "metrics endpoint already started");
  const tcp::endpoint endpoint = server::net::parse_bind_address(options_.bind);
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    throw Error(ErrorCode::kInternal, "cannot listen on " + options_.bind + ": " + ec.message());
  }
  port_.store(acceptor_.local_endpoint().port(), std::memory_order_release);
  started_ = true;
  accept();
  thread_ = std::thread([this] { server::net::run_io_guarded(io_, "metrics"); });
}

void HttpEndpoint::Impl::stop() {
  std::lock_guard lock(lifecycle_);
  if (!thread_.joinable()) return;
  net::post(io_, [this] {
    stopping_ = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
    for (Session* session : sessions_) session->close();
  });
  thread_.join();  // run() returns once every handler has seen the cancellation
}

void HttpEndpoint::Impl::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (stopping_) return;
    if (ec) {
      log_event(LogLevel::kWarn, "metrics_accept_failed", {{"error", ec.message()}});
      // Usually out of descriptors: retry shortly rather than spin or stop serving.
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](beast::error_code wait_error) {
        if (!wait_error && !stopping_) accept();
      });
      return;
    }
    // Past the limit the socket just closes as it goes out of scope.
    if (sessions_.size() < options_.max_connections)
      std::make_shared<Session>(std::move(socket), *this)->run();
    accept();
  });
}

bool HttpEndpoint::Impl::ready() const noexcept {
  if (!ready_) return true;
  try {
    return ready_();
  } catch (const std::exception& e) {
    log_event(LogLevel::kWarn, "metrics_ready_check_failed", {{"error", e.what()}});
  } catch (...) {
    log_event(LogLevel::kWarn, "metrics_ready_check_failed");
  }
  return false;
}

Response HttpEndpoint::Impl::respond(const Request& request) const {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (path != "/metrics" && path != "/ready" && path != "/live")
    return reply(http::status::not_found, "not found");
  if (request.method() != http::verb::get) {
    Response response = reply(http::status::method_not_allowed, "method not allowed");
    response.set(http::field::allow, "GET");
    return response;
  }
  if (path == "/live") return reply(http::status::ok, "live");
  if (path == "/ready")
    return ready() ? reply(http::status::ok, "ready")
                   : reply(http::status::service_unavailable, "not ready");
  try {
    return reply(http::status::ok, kPrometheusContentType, render_prometheus(registry_));
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "metrics_render_failed", {{"error", e.what()}});
    return reply(http::status::internal_server_error, "cannot render metrics");
  }
}

HttpEndpoint::HttpEndpoint(const Registry& registry, Options options, Ready ready)
    : impl_(std::make_unique<Impl>(registry, std::move(options), std::move(ready))) {}

HttpEndpoint::~HttpEndpoint() { stop(); }

void HttpEndpoint::start() { impl_->start(); }
void HttpEndpoint::stop() { impl_->stop(); }
std::uint16_t HttpEndpoint::port() const noexcept { return impl_->port(); }

}  // namespace coffer::server::metrics
