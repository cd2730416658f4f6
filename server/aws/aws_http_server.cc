#include "server/aws/aws_http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "server/net/bind_address.h"
#include "server/net/connection_limiter.h"
#include "server/net/listener_policy.h"
#include "server/quota/work_lane.h"

namespace coffer::server::aws {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

// What the server needs of a live session at stop: close its socket on its own strand.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void shut_down() = 0;
};

// What every session of one server shares. Held by sessions and worker tasks, so it
// outlives a stopped server while a worker still finishes a request.
struct Shared {
  AwsServerOptions options;
  const RequestHandler& handler;
  AwsHttpServer::Submit submit;
  AwsHttpServer::Submit submit_authentication;
  std::shared_ptr<net::ByteBudget> budget;
};

using Clock = std::chrono::steady_clock;

std::string result_code(const HttpResponse& response) {
  const auto type = response["x-amzn-ErrorType"];
  return type.empty() ? "OK" : std::string(type);
}

// One connection: wait for a request's first byte, read it whole before a deadline,
// authenticate it (from the cache on this thread when possible), hand it to a worker,
// write the answer on the connection's strand, and wait for the next (HTTP/1.1
// keep-alive, one request at a time).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `owner` keeps the server (its io_context) alive while a worker still holds this
  // session after the server stopped.
  Session(Stream stream, std::shared_ptr<const void> owner, std::shared_ptr<const Shared> shared,
          std::unique_ptr<net::ConnectionLimiter::Slot> slot)
      : stream_(std::move(stream)),
        owner_(std::move(owner)),
        shared_(std::move(shared)),
        slot_(std::move(slot)) {}

  void shut_down() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

  void start() {
    beast::error_code peer_error;
    const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(peer_error);
    // An IPv4 peer of a dual-stack listener as IPv4, so aws:SourceIp ranges match it.
    if (!peer_error) {
      const auto address = peer.address();
      source_ip_ = address.is_v6() && address.to_v6().is_v4_mapped()
                       ? asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string()
                       : address.to_string();
    }
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(
          std::min(options().read_timeout, options().unauthenticated_idle_timeout));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->wait_for_request();
                              });
    } else {
      wait_for_request();
    }
  }

 private:
  const AwsServerOptions& options() const { return shared_->options; }

  // Idle time: the short one until this connection has sent an authentic request.
  void wait_for_request() {
    reservation_.reset();
    if (buffer_.size() > 0) return read_request();  // pipelined bytes already here
    beast::get_lowest_layer(stream_).expires_after(
        authenticated_ ? options().idle_timeout : options().unauthenticated_idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->close();
                              self->buffer_.commit(n);
                              self->read_request();
                            });
  }

  // From the first byte, the whole request must arrive within read_timeout: the deadline
  // is set once, not renewed per byte, so a trickle cannot hold the connection.
  void read_request() {
    started_ = Clock::now();
    beast::get_lowest_layer(stream_).expires_after(options().read_timeout);
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(options().max_body_bytes);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      return refuse(413, "ValidationException", "Request headers are larger than 16 KiB");
    }
    if (ec) return close();
    // The body is read only once the shared budget has room for it.
    const auto length = parser_->content_length();
    const std::size_t body = length && *length <= options().max_body_bytes
                                 ? static_cast<std::size_t>(*length)
                                 : options().max_body_bytes;
    reservation_ = shared_->budget->reserve(body + 16 * 1024);
    if (!reservation_) return refuse(400, "ThrottlingException", "Rate exceeded");
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code read_ec, std::size_t) {
                       self->on_read(read_ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return refuse(413, "ValidationException", "Request body is larger than the 1 MiB limit");
    }
    if (ec) return close();
    beast::get_lowest_layer(stream_).expires_never();
    auto request = std::make_shared<HttpRequest>(parser_->release());
    on_authenticated(request, shared_->handler.authenticate(*request, /*cached_only=*/true));
  }

  // On the strand: answer a refusal, run an authentic request, or ask a worker to look
  // the access key up (then come back here).
  void on_authenticated(const std::shared_ptr<HttpRequest>& request,
                        RequestHandler::Authentication auth) {
    if (auth.refusal) return respond(*request, std::move(*auth.refusal));
    auto self = this->shared_from_this();
    if (auth.verified) {
      authenticated_ = true;
      net::WorkJob job;
      job.lane =
          quota::lane_of(RequestHandler::operation_spec_of(*request), auth.verified->principal);
      job.shed = [self, request] { self->post_response(request, throttled_response(*request)); };
      job.run = [self, request, verified = std::move(*auth.verified)] {
        self->post_response(request,
                            self->shared_->handler.execute(*request, verified, self->source_ip_));
      };
      if (!shared_->submit(std::move(job))) throttled(*request);
      return;
    }
    const auto& submit =
        shared_->submit_authentication ? shared_->submit_authentication : shared_->submit;
    const bool accepted = submit(net::WorkJob{[self, request] {
      auto checked = self->shared_->handler.authenticate(*request, /*cached_only=*/false);
      asio::post(self->stream_.get_executor(),
                 [self, request, checked = std::move(checked)]() mutable {
                   self->on_authenticated(request, std::move(checked));
                 });
    }});
    if (!accepted) throttled(*request);
  }

  void post_response(const std::shared_ptr<HttpRequest>& request, HttpResponse response) {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), request,
                                        response = std::move(response)]() mutable {
      self->respond(*request, std::move(response));
    });
  }

  static HttpResponse throttled_response(const HttpRequest& request) {
    return RequestHandler::error_response(request.version(), request.keep_alive(),
                                          "ThrottlingException", 400, "Rate exceeded");
  }

  void throttled(const HttpRequest& request) { respond(request, throttled_response(request)); }

  // A refusal before the request was read whole: the connection cannot be reused.
  void refuse(int status, const std::string& type, std::string_view message) {
    auto response = RequestHandler::error_response(11, false, type, status, message);
    observe("other", response);
    write(std::move(response));
  }

  void respond(const HttpRequest& request, HttpResponse response) {
    observe(RequestHandler::operation_of(request), response);
    write(std::move(response));
  }

  void observe(const std::string& operation, const HttpResponse& response) {
    if (!options().observe) return;
    const std::chrono::duration<double> seconds = Clock::now() - started_;
    options().observe(operation, result_code(response), seconds.count());
  }

  void write(HttpResponse response) {
    auto res = std::make_shared<HttpResponse>(std::move(response));
    beast::get_lowest_layer(stream_).expires_after(options().read_timeout);
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec || !res->keep_alive()) return self->close();
                        self->wait_for_request();
                      });
  }

  void close() {
    reservation_.reset();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  Stream stream_;
  std::shared_ptr<const void> owner_;
  std::shared_ptr<const Shared> shared_;
  std::unique_ptr<net::ConnectionLimiter::Slot> slot_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<net::ByteBudget::Reservation> reservation_;
  Clock::time_point started_ = Clock::now();
  bool authenticated_ = false;
  std::string source_ip_;  // the peer's address, for the audit trail and aws:SourceIp
};

}  // namespace

class AwsHttpServer::Impl : public std::enable_shared_from_this<AwsHttpServer::Impl> {
 public:
  Impl(AwsServerOptions options, const RequestHandler& handler, Submit submit,
       Submit submit_authentication)
      : limiter_(options.max_connections, options.max_connections_per_source), acceptor_(io_) {
    auto budget = options.budget ? options.budget : std::make_shared<net::ByteBudget>(64u << 20);
    shared_ =
        std::make_shared<const Shared>(Shared{std::move(options), handler, std::move(submit),
                                              std::move(submit_authentication), std::move(budget)});
  }

  void start() {
    const auto& options = shared_->options;
    const auto endpoint = net::parse_bind_address(options.listen);
    net::require_tls_off_loopback(endpoint, options.tls, "aws");
    if (options.tls) {
      tls_.emplace(ssl::context::tls_server);
      tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      net::set_minimum_tls_version(tls_->native_handle(), TLS1_2_VERSION);
      try {
        tls_->use_certificate_chain_file(options.cert_file);
        tls_->use_private_key_file(options.key_file, ssl::context::pem);
      } catch (const std::exception& e) {
        throw Error(ErrorCode::kValidation, "aws TLS certificate or key: " + std::string(e.what()));
      }
    }
    try {
      acceptor_.open(endpoint.protocol());
      acceptor_.set_option(asio::socket_base::reuse_address(true));
      acceptor_.bind(endpoint);
      acceptor_.listen();
    } catch (const std::exception& e) {
      throw Error(ErrorCode::kInternal, "cannot listen on " + options.listen + ": " + e.what());
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options.network_threads); ++i) {
      threads_.emplace_back([this] { net::run_io_guarded(io_, "aws"); });
    }
  }

  // Closes the acceptor and every open connection, lets their handlers finish (up to 2 s),
  // then stops the threads and runs what is left, so no handler (and no session holding
  // this server) outlives the stop.
  void stop() {
    if (stopped_.exchange(true)) return;
    asio::post(io_, [self = shared_from_this()] {
      beast::error_code ignored;
      self->acceptor_.close(ignored);
      std::lock_guard lock(self->sessions_mutex_);
      for (auto& weak : self->sessions_) {
        if (auto session = weak.lock()) session->shut_down();
      }
      self->sessions_.clear();
    });
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (limiter_.total() > 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    io_.restart();
    for (int round = 0; round < 100 && io_.poll() > 0; ++round) {
    }
  }

  std::uint16_t port() const noexcept { return port_; }
  std::size_t connections() const noexcept { return limiter_.total(); }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
                             if (ec) {
                               if (ec != asio::error::operation_aborted) self->accept();
                               return;
                             }
                             self->admit(std::move(s));
                             self->accept();
                           });
  }

  void admit(tcp::socket s) {
    beast::error_code ec;
    const auto peer = s.remote_endpoint(ec);
    auto slot = ec ? nullptr : limiter_.admit(peer.address());
    if (!slot) {
      s.close(ec);
      return;
    }
    s.set_option(tcp::no_delay(true), ec);
    if (tls_) {
      using Stream = beast::ssl_stream<beast::tcp_stream>;
      started(std::make_shared<Session<Stream>>(Stream(beast::tcp_stream(std::move(s)), *tls_),
                                                shared_from_this(), shared_, std::move(slot)));
    } else {
      started(std::make_shared<Session<beast::tcp_stream>>(
          beast::tcp_stream(std::move(s)), shared_from_this(), shared_, std::move(slot)));
    }
  }

  // Remembers the session for stop(), forgetting ended ones, and starts it.
  template <class SessionType>
  void started(const std::shared_ptr<SessionType>& session) {
    {
      std::lock_guard lock(sessions_mutex_);
      std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
      sessions_.push_back(session);
    }
    session->start();
  }

  std::shared_ptr<const Shared> shared_;
  net::ConnectionLimiter limiter_;
  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<SessionBase>> sessions_;
  asio::io_context io_;
  std::optional<ssl::context> tls_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  std::uint16_t port_ = 0;
};

AwsHttpServer::AwsHttpServer(AwsServerOptions options, const RequestHandler& handler, Submit submit,
                             Submit submit_authentication)
    : impl_(std::make_shared<Impl>(std::move(options), handler, std::move(submit),
                                   std::move(submit_authentication))) {}
AwsHttpServer::~AwsHttpServer() { stop(); }
std::size_t AwsHttpServer::connections() const noexcept { return impl_->connections(); }
void AwsHttpServer::start() { impl_->start(); }
void AwsHttpServer::stop() { impl_->stop(); }
std::uint16_t AwsHttpServer::port() const noexcept { return impl_->port(); }

}  // namespace coffer::server::aws
