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
#include "server/metrics/bind_address.h"

namespace coffer::server::aws {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

// Counts a connection for as long as its session lives.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::shared_ptr<std::atomic<std::size_t>> count) : count_(std::move(count)) { ++*count_; }
  ~ConnectionSlot() { --*count_; }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  std::shared_ptr<std::atomic<std::size_t>> count_;
};

// What the server needs of a live session at stop: close its socket on its own strand.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void shut_down() = 0;
};

// One connection: read a request, hand it to a worker, write the answer on the
// connection's strand, read the next (HTTP/1.1 keep-alive, one request at a time).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `owner` keeps the server's options and executor alive while a worker still holds
  // this session after the server stopped.
  Session(Stream stream, std::shared_ptr<const void> owner, std::shared_ptr<std::atomic<std::size_t>> count,
          const AwsServerOptions& options, const RequestHandler& handler, const AwsHttpServer::Submit& submit)
      : stream_(std::move(stream)),
        owner_(std::move(owner)),
        slot_(std::move(count)),
        options_(options),
        handler_(handler),
        submit_(submit) {}

  void shut_down() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

  void start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read();
                              });
    } else {
      read();
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    beast::get_lowest_layer(stream_).expires_after(first_ ? options_.read_timeout
                                                          : options_.idle_timeout);
    first_ = false;
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      write(RequestHandler::error_response(11, false, "ValidationException", 413,
                                           "Request body is larger than the 1 MiB limit"));
      return;
    }
    if (ec) return close();
    beast::get_lowest_layer(stream_).expires_never();
    auto request = std::make_shared<HttpRequest>(parser_->release());
    auto self = this->shared_from_this();
    const bool accepted = submit_([self, request] {
      auto response = self->handler_.handle(*request);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    });
    if (!accepted) {
      write(RequestHandler::error_response(request->version(), request->keep_alive(),
                                           "ThrottlingException", 400, "Rate exceeded"));
    }
  }

  void write(HttpResponse response) {
    auto res = std::make_shared<HttpResponse>(std::move(response));
    beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec || !res->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  Stream stream_;
  std::shared_ptr<const void> owner_;
  ConnectionSlot slot_;
  const AwsServerOptions& options_;
  const RequestHandler& handler_;
  const AwsHttpServer::Submit& submit_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool first_ = true;
};

}  // namespace

class AwsHttpServer::Impl : public std::enable_shared_from_this<AwsHttpServer::Impl> {
 public:
  Impl(AwsServerOptions options, const RequestHandler& handler, Submit submit)
      : options_(std::move(options)),
        handler_(handler),
        submit_(std::move(submit)),
        acceptor_(io_) {}

  void start() {
    if (options_.tls) {
      tls_.emplace(ssl::context::tls_server);
      tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      try {
        tls_->use_certificate_chain_file(options_.cert_file);
        tls_->use_private_key_file(options_.key_file, ssl::context::pem);
      } catch (const std::exception& e) {
        throw Error(ErrorCode::kValidation, "aws TLS certificate or key: " + std::string(e.what()));
      }
    }
    const auto endpoint = metrics::parse_bind_address(options_.listen);
    try {
      acceptor_.open(endpoint.protocol());
      acceptor_.set_option(asio::socket_base::reuse_address(true));
      acceptor_.bind(endpoint);
      acceptor_.listen();
    } catch (const std::exception& e) {
      throw Error(ErrorCode::kInternal, "cannot listen on " + options_.listen + ": " + e.what());
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.network_threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
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
    while (*connections_ > 0 && std::chrono::steady_clock::now() < give_up) {
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
  std::size_t connections() const noexcept { return *connections_; }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec,
                                                                               tcp::socket s) {
      if (ec) {
        if (ec != asio::error::operation_aborted) self->accept();
        return;
      }
      if (*self->connections_ >= self->options_.max_connections) {
        beast::error_code ignored;
        s.close(ignored);
        self->accept();
        return;
      }
      s.set_option(tcp::no_delay(true));
      if (self->tls_) {
        using Stream = beast::ssl_stream<beast::tcp_stream>;
        self->started(std::make_shared<Session<Stream>>(Stream(beast::tcp_stream(std::move(s)), *self->tls_), self,
                                                        self->connections_, self->options_, self->handler_,
                                                        self->submit_));
      } else {
        self->started(std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(s)), self,
                                                                    self->connections_, self->options_,
                                                                    self->handler_, self->submit_));
      }
      self->accept();
    });
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

  AwsServerOptions options_;
  const RequestHandler& handler_;
  Submit submit_;
  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<SessionBase>> sessions_;
  asio::io_context io_;
  std::optional<ssl::context> tls_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  std::uint16_t port_ = 0;
  std::shared_ptr<std::atomic<std::size_t>> connections_ = std::make_shared<std::atomic<std::size_t>>(0);
};

AwsHttpServer::AwsHttpServer(AwsServerOptions options, const RequestHandler& handler, Submit submit)
    : impl_(std::make_shared<Impl>(std::move(options), handler, std::move(submit))) {}
AwsHttpServer::~AwsHttpServer() { stop(); }
std::size_t AwsHttpServer::connections() const noexcept { return impl_->connections(); }
void AwsHttpServer::start() { impl_->start(); }
void AwsHttpServer::stop() { impl_->stop(); }
std::uint16_t AwsHttpServer::port() const noexcept { return impl_->port(); }

}  // namespace coffer::server::aws
