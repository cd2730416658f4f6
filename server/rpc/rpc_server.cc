#include "server/rpc/rpc_server.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <list>
#include <mutex>
#include <thread>

#include "coffer/v1/frame.pb.h"
#include "common/secret_bytes.h"
#include "proto/frame_codec.h"

namespace coffer::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void begin_drain() = 0;
  virtual void force_close() = 0;
};

struct RpcServer::State : std::enable_shared_from_this<RpcServer::State> {
  RpcServerOptions options;
  const Dispatcher& dispatcher;
  WorkQueue& work;
  Authenticator authenticate;
  RequestObserver observe;

  asio::io_context io;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> draining{false};
  std::mutex live_mutex;
  std::list<std::weak_ptr<ConnectionBase>> live;

  State(RpcServerOptions o, const Dispatcher& d, WorkQueue& w, Authenticator a, RequestObserver ob)
      : options(std::move(o)), dispatcher(d), work(w), authenticate(std::move(a)), observe(std::move(ob)) {}

  void accept();
};

namespace {

v1::ResponseFrame error_frame(std::uint64_t id, ErrorCode code, const std::string& message) {
  v1::ResponseFrame frame;
  frame.set_request_id(id);
  auto* e = frame.mutable_error();
  e->set_code(std::string(error_name(code)));
  e->set_message(message);
  e->set_http_status(error_http_status(code));
  return frame;
}

std::string peer_common_name(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "";
  char cn[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  X509_free(cert);
  return cn;
}

template <class Stream>
class Connection : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(std::shared_ptr<RpcServer::State> server, Stream stream)
      : server_(std::move(server)),
        stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        decoder_(server_->options.max_frame) {}

  ~Connection() override {
    secure_zero(api_key_.data(), api_key_.size());
    --server_->connections;
  }

  void start() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      read();
    } else {
      arm_timer(server_->options.handshake_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](auto ec) {
        if (ec) return self->close();
        self->certificate_principal_ = peer_common_name(self->stream_.native_handle());
        self->read();
      });
    }
  }

  void force_close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

  void begin_drain() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->draining_ = true;
      self->maybe_finish();
    });
  }

 private:
  tcp::socket& socket() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) return stream_;
    else return stream_.next_layer();
  }

  void arm_timer(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([weak = this->weak_from_this()](auto ec) {
      if (ec) return;  // re-armed or cancelled
      if (auto self = weak.lock()) {
        // A connection with requests being served is not idle.
        if (self->in_flight_ > 0 && !self->decoder_.in_partial_frame()) {
          return self->arm_timer(self->server_->options.idle_timeout);
        }
        self->close();
      }
    });
  }

  void read() {
    if (closed_ || draining_) return;
    arm_timer(decoder_.in_partial_frame() ? server_->options.read_timeout : server_->options.idle_timeout);
    stream_.async_read_some(asio::buffer(buffer_), [self = this->shared_from_this()](auto ec, std::size_t n) {
      if (ec) return self->close();
      self->decoder_.feed(self->buffer_.data(), n);
      std::string body;
      for (;;) {
        auto status = self->decoder_.next(body);
        if (status == proto::FrameDecoder::Status::kNeedMore) break;
        if (status != proto::FrameDecoder::Status::kFrame) return self->close();  // oversized or empty
        if (!self->handle(body)) return self->close();
      }
      self->read();
    });
  }

  // False when the frame is not a RequestFrame: the stream cannot be trusted any more.
  bool handle(const std::string& body) {
    auto request = std::make_shared<v1::RequestFrame>();
    if (!request->ParseFromString(body)) return false;
    const auto arrived = Clock::now();
    ++in_flight_;
    auto task = [self = this->shared_from_this(), request, arrived] { self->execute(*request, arrived); };
    if (!server_->work.try_submit(std::move(task))) {
      respond(error_frame(request->request_id(), ErrorCode::kThrottling, "Rate exceeded: the server is busy"));
      observe(request->method(), error_name(ErrorCode::kThrottling), arrived);
    }
    return true;
  }

  // On a worker thread.
  void execute(const v1::RequestFrame& request, Clock::time_point arrived) {
    v1::ResponseFrame response;
    response.set_request_id(request.request_id());
    std::string_view code = "OK";
    try {
      if (request.has_deadline()) {
        const auto deadline = std::chrono::system_clock::time_point(std::chrono::seconds(request.deadline().seconds()) +
                                                                    std::chrono::nanoseconds(request.deadline().nanos()));
        if (std::chrono::system_clock::now() > deadline) {
          throw Error(ErrorCode::kDependencyTimeout, "the request's deadline passed before it ran");
        }
      }
      const Dispatcher::Handler* handler = server_->dispatcher.find(request.method());
      if (handler == nullptr) throw Error(ErrorCode::kUnknownOperation, "unknown method '" + request.method() + "'");
      RequestContext context{principal_for(request), request.method()};
      response.set_payload((*handler)(context, request.payload()));
    } catch (const Error& e) {
      response = error_frame(request.request_id(), e.code(), e.what());
      code = e.name();
    } catch (const std::exception& e) {
      response = error_frame(request.request_id(), ErrorCode::kInternal, "internal error");
      code = error_name(ErrorCode::kInternal);
    }
    respond(response);
    observe(request.method(), code, arrived);
  }

  std::string principal_for(const v1::RequestFrame& request) {
    std::lock_guard lock(principal_mutex_);
    if (!certificate_principal_.empty()) return certificate_principal_;
    // A client may send api_key on its first request only: the connection remembers it.
    // It is checked again on every request (the authenticator caches), so a revoked key
    // stops working on connections that are already open.
    if (!request.api_key().empty() && request.api_key() != api_key_) {
      secure_zero(api_key_.data(), api_key_.size());
      api_key_ = request.api_key();
    }
    if (!api_key_.empty()) {
      auto principal = server_->authenticate ? server_->authenticate(api_key_) : std::nullopt;
      if (!principal) throw Error(ErrorCode::kAccessDenied, "The security token included in the request is invalid.");
      return *principal;
    }
    if (server_->options.allow_unauthenticated_loopback) return "anonymous";
    throw Error(ErrorCode::kAccessDenied, "Missing credentials: use mutual TLS or an api_key");
  }

  void observe(const std::string& method, std::string_view code, Clock::time_point arrived) {
    if (!server_->observe) return;
    server_->observe(method, code, std::chrono::duration<double>(Clock::now() - arrived).count());
  }

  // Any thread: queue a response; writes happen on the connection's strand.
  void respond(const v1::ResponseFrame& response) {
    std::string bytes;
    proto::append_frame(response, bytes);
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), bytes = std::move(bytes)]() mutable {
      self->pending_ += bytes;
      --self->in_flight_;
      self->write();
    });
  }

  void write() {
    if (writing_ || closed_ || pending_.empty()) return maybe_finish();
    writing_ = true;
    sending_.swap(pending_);
    pending_.clear();
    asio::async_write(stream_, asio::buffer(sending_), [self = this->shared_from_this()](auto ec, std::size_t) {
      self->writing_ = false;
      self->sending_.clear();
      if (ec) return self->close();
      self->write();
    });
  }

  void maybe_finish() {
    if (draining_ && in_flight_ == 0 && pending_.empty() && !writing_) close();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  std::shared_ptr<RpcServer::State> server_;
  Stream stream_;
  asio::steady_timer timer_;
  proto::FrameDecoder decoder_;
  std::array<char, 16384> buffer_{};
  std::string pending_, sending_;
  std::size_t in_flight_ = 0;  // strand only
  bool writing_ = false, closed_ = false, draining_ = false;

  std::mutex principal_mutex_;
  std::string certificate_principal_;
  std::string api_key_;  // wiped when replaced and when the connection ends
};

}  // namespace

void RpcServer::State::accept() {
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](auto ec, tcp::socket socket) {
    if (ec) {
      if (!self->acceptor.is_open()) return;  // shutting down
      return self->accept();
    }
    if (self->draining || self->connections >= self->options.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);  // over the cap: refused at once, never queued
      return self->accept();
    }
    ++self->connections;
    std::shared_ptr<ConnectionBase> connection;
    if (self->tls) {
      auto c = std::make_shared<Connection<asio::ssl::stream<tcp::socket>>>(
          self, asio::ssl::stream<tcp::socket>(std::move(socket), *self->tls));
      c->start();
      connection = c;
    } else {
      auto c = std::make_shared<Connection<tcp::socket>>(self, std::move(socket));
      c->start();
      connection = c;
    }
    {
      std::lock_guard lock(self->live_mutex);
      self->live.remove_if([](const auto& w) { return w.expired(); });
      self->live.push_back(connection);
    }
    self->accept();
  });
}

RpcServer::RpcServer(RpcServerOptions options, const Dispatcher& dispatcher, WorkQueue& work,
                     Authenticator authenticate, RequestObserver observe)
    : state_(std::make_shared<State>(std::move(options), dispatcher, work, std::move(authenticate),
                                     std::move(observe))) {}

RpcServer::~RpcServer() {
  shutdown(std::chrono::milliseconds(0));
  // Responses posted after the threads stopped (by workers finishing late) and the
  // cancellations of closed sockets still sit in the io_context, each holding a connection
  // that holds this state: run them to completion so that everything is freed.
  state_->io.restart();
  state_->io.run();
}

void RpcServer::start() {
  auto& o = state_->options;
  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos) throw Error(ErrorCode::kValidation, "listen address must be host:port");
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.listen.substr(0, colon), ec);
  if (ec) throw Error(ErrorCode::kValidation, "bad listen address '" + o.listen + "'");
  const auto port = static_cast<unsigned short>(std::stoul(o.listen.substr(colon + 1)));
  if (!o.tls && !(o.allow_plaintext_loopback && address.is_loopback())) {
    throw Error(ErrorCode::kValidation, "plaintext rpc is allowed only on a loopback address with "
                                        "allow_plaintext_loopback");
  }
  if (o.allow_unauthenticated_loopback && !address.is_loopback()) {
    throw Error(ErrorCode::kValidation, "allow_unauthenticated_loopback needs a loopback listener");
  }
  if (o.tls) {
    auto& ctx = state_->tls.emplace(asio::ssl::context::tls_server);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_3_VERSION);
    try {
      ctx.use_certificate_chain_file(o.cert_file);
      ctx.use_private_key_file(o.key_file, asio::ssl::context::pem);
      if (!o.client_ca_file.empty()) {
        ctx.load_verify_file(o.client_ca_file);
        ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
      }
    } catch (const boost::system::system_error& e) {
      throw Error(ErrorCode::kValidation, std::string("TLS configuration: ") + e.what());
    }
  }
  tcp::endpoint endpoint(address, port);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(endpoint, ec);
  if (ec) throw Error(ErrorCode::kValidation, "cannot listen on " + o.listen + ": " + ec.message());
  state_->acceptor.listen(asio::socket_base::max_listen_connections);
  state_->accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, o.network_threads); ++i) {
    state_->threads.emplace_back([s = state_] { s->io.run(); });
  }
}

unsigned short RpcServer::port() const { return state_->acceptor.local_endpoint().port(); }

std::size_t RpcServer::connections() const { return state_->connections; }

void RpcServer::shutdown(std::chrono::milliseconds drain_timeout) {
  if (state_->threads.empty()) return;
  state_->draining = true;
  asio::post(state_->io, [s = state_] {
    boost::system::error_code ignored;
    s->acceptor.close(ignored);
  });
  {
    std::lock_guard lock(state_->live_mutex);
    for (auto& weak : state_->live)
      if (auto c = weak.lock()) c->begin_drain();
  }
  const auto give_up = Clock::now() + drain_timeout;
  while (state_->connections > 0 && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Whatever did not finish in time is closed now; closing cancels its pending operations,
  // so the network threads run out of work and return.
  {
    std::lock_guard lock(state_->live_mutex);
    for (auto& weak : state_->live)
      if (auto c = weak.lock()) c->force_close();
  }
  const auto closed_by = Clock::now() + std::chrono::seconds(1);
  while (state_->connections > 0 && Clock::now() < closed_by) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  state_->io.stop();
  for (auto& t : state_->threads) t.join();
  state_->threads.clear();
}

}  // namespace coffer::server
