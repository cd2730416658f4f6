#include "server/rpc/rpc_server.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "coffer/v1/frame.pb.h"
#include "common/log.h"
#include "common/secret_bytes.h"
#include "core/api/operations.h"
#include "proto/frame_codec.h"
#include "server/net/bind_address.h"
#include "server/net/connection_limiter.h"
#include "server/net/listener_policy.h"
#include "server/net/work_job.h"
#include "server/quota/work_lane.h"

namespace coffer::server::rpc {

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
  WorkQueue& work;
  RequestPipeline pipeline;
  RequestObserver observe;
  std::shared_ptr<net::ByteBudget> budget;
  net::ConnectionLimiter limiter;

  asio::io_context io;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::mutex live_mutex;
  std::list<std::weak_ptr<ConnectionBase>> live;

  State(RpcServerOptions o, const Dispatcher& d, WorkQueue& w, Authenticator a, RequestObserver ob)
      : options(std::move(o)),
        work(w),
        pipeline(d, std::move(a), options.cached_authenticate,
                 options.allow_unauthenticated_loopback),
        observe(std::move(ob)),
        budget(options.budget ? options.budget : std::make_shared<net::ByteBudget>(64u << 20)),
        limiter(options.max_connections, options.max_connections_per_source) {
    pipeline.set_auditor(options.auditor, options.audit_region, options.audit_account_id);
    pipeline.set_quota_check(options.quota_check);
  }

  void accept();
  void admit(tcp::socket socket);
};

namespace {

// The principal the peer's verified certificate maps to, or "" (logged: an operator whose
// rule does not match wants to know why the connection is not authenticated).
std::string certificate_principal(SSL* ssl, const net::CertificatePrincipalRules& rules) {
  std::unique_ptr<X509, decltype(&X509_free)> certificate(SSL_get1_peer_certificate(ssl),
                                                          &X509_free);
  if (!certificate) return "";
  const auto names = net::certificate_names(certificate.get());
  if (auto principal = rules.principal_of(names)) return *principal;
  log_event(LogLevel::kWarn, "rpc_client_certificate_unmapped",
            {{"subject", names.subject.substr(0, 256)}});
  return "";
}

template <class Stream>
class Connection : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(std::shared_ptr<RpcServer::State> server, Stream stream,
             std::unique_ptr<net::ConnectionLimiter::Slot> slot)
      : server_(std::move(server)),
        stream_(std::move(stream)),
        slot_(std::move(slot)),
        timer_(stream_.get_executor()),
        decoder_(server_->options.max_frame) {}

  ~Connection() override { secure_zero(peer_.api_key.data(), peer_.api_key.size()); }

  void start() {
    boost::system::error_code peer_error;
    const auto endpoint = socket().remote_endpoint(peer_error);
    // An IPv4 peer of a dual-stack listener as IPv4, so aws:SourceIp ranges match it.
    if (!peer_error) {
      const auto address = endpoint.address();
      source_ip_ = address.is_v6() && address.to_v6().is_v4_mapped()
                       ? asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string()
                       : address.to_string();
    }
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      read();
    } else {
      arm_timer(server_->options.handshake_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server, [self = this->shared_from_this()](auto ec) {
            if (ec) return self->close();
            self->peer_.certificate_principal = certificate_principal(
                self->stream_.native_handle(), self->server_->options.client_principal_rules);
            self->peer_.authenticated = !self->peer_.certificate_principal.empty();
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
  using Step = RequestPipeline::Step;
  const RpcServerOptions& options() const { return server_->options; }

  tcp::socket& socket() {
    if constexpr (std::is_same_v<Stream, tcp::socket>)
      return stream_;
    else
      return stream_.next_layer();
  }

  void arm_timer(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([weak = this->weak_from_this()](auto ec) {
      if (ec) return;  // re-armed or cancelled
      if (auto self = weak.lock()) {
        // A connection with requests being served is not idle.
        if (self->in_flight_ > 0 && !self->decoder_.in_partial_frame() && !self->backed_up()) {
          return self->arm_timer(self->idle_timeout());
        }
        self->close();
      }
    });
  }

  std::chrono::milliseconds idle_timeout() const {
    return peer_.authenticated ? options().idle_timeout : options().unauthenticated_idle_timeout;
  }

  // The peer does not read what it asked for: stop reading its requests.
  bool backed_up() const { return pending_.size() + sending_.size() > options().max_unsent_bytes; }

  // The timer runs from a frame's first byte to its last, once; between frames it is the
  // idle timeout. A peer sending a byte at a time cannot keep a frame open past it.
  void read() {
    if (closed_ || draining_ || reading_) return;
    if (backed_up()) {
      if (!paused_) arm_timer(options().read_timeout);
      paused_ = true;
      return;
    }
    paused_ = false;
    if (!decoder_.in_partial_frame()) {
      frame_timer_armed_ = false;
      arm_timer(idle_timeout());
    } else if (!frame_timer_armed_) {
      frame_timer_armed_ = true;
      arm_timer(options().read_timeout);
    }
    reading_ = true;
    stream_.async_read_some(asio::buffer(buffer_),
                            [self = this->shared_from_this()](auto ec, std::size_t n) {
                              self->reading_ = false;
                              if (ec) return self->close();
                              self->decoder_.feed(self->buffer_.data(), n);
                              std::string body;
                              for (;;) {
                                auto status = self->decoder_.next(body);
                                if (status == proto::FrameDecoder::Status::kNeedMore) break;
                                if (status != proto::FrameDecoder::Status::kFrame)
                                  return self->close();  // oversized or empty
                                self->frame_timer_armed_ = false;
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
    proceed(request, server_->pipeline.admit(*request, peer_), arrived);
    return true;
  }

  // On the strand: answer, authenticate on the pool, or execute on a worker. Queued work
  // holds a share of the byte budget until its response is queued for writing.
  void proceed(const std::shared_ptr<v1::RequestFrame>& request, Step step,
               Clock::time_point arrived) {
    if (step.kind == Step::Kind::kAnswer) return answer(*request, step.answer, arrived);
    if (step.kind == Step::Kind::kExecute && !peer_.authenticated) {
      // From now on the connection may idle for the long timeout.
      peer_.authenticated = true;
      if (!decoder_.in_partial_frame() && !paused_) arm_timer(idle_timeout());
    }
    auto reservation = server_->budget->reserve(request->ByteSizeLong() + 256);
    if (!reservation) return throttled(*request, arrived);
    auto self = this->shared_from_this();
    bool accepted = false;
    ++in_flight_;
    if (step.kind == Step::Kind::kExecute) {
      net::WorkJob job;
      job.lane = quota::lane_of(core::api::find_rpc(request->method()), step.principal);
      job.start_by = start_by(*request);
      job.shed = [self, request, arrived, reservation] {
        self->respond(*request, throttled_frame(*request), arrived);
      };
      job.run = [self, request, arrived, reservation,
                 caller = RequestPipeline::Caller{std::move(step.principal),
                                                  std::move(step.access_key_id), source_ip_}] {
        auto executed = self->server_->pipeline.execute_deferring_audit(*request, caller);
        if (!executed.audit_record.empty()) self->queue_audit_record(executed.audit_record);
        self->respond(*request, executed.response, arrived);
      };
      accepted = server_->work.try_submit(std::move(job));
    } else {
      auto* queue =
          options().authentication_queue ? options().authentication_queue : &server_->work;
      accepted = queue->try_submit(
          [self, request, arrived, reservation, key = std::move(step.api_key)]() mutable {
            auto next = self->server_->pipeline.authenticate(*request, key);
            secure_zero(key.data(), key.size());
            asio::post(self->stream_.get_executor(),
                       [self, request, arrived, next = std::move(next)]() mutable {
                         --self->in_flight_;
                         self->proceed(request, std::move(next), arrived);
                       });
          });
    }
    if (!accepted) {
      --in_flight_;
      throttled(*request, arrived);
    }
  }

  static v1::ResponseFrame throttled_frame(const v1::RequestFrame& request) {
    return RequestPipeline::error_frame(request.request_id(), ErrorCode::kThrottling,
                                        "Rate exceeded: the server is busy");
  }

  void throttled(const v1::RequestFrame& request, Clock::time_point arrived) {
    answer(request, throttled_frame(request), arrived);
  }

  // The request's deadline on the steady clock: a job still queued then is shed. Computed
  // in whole seconds first, so no peer-chosen value can overflow a conversion.
  static Clock::time_point start_by(const v1::RequestFrame& request) {
    if (!request.has_deadline()) return Clock::time_point::max();
    const auto now = std::chrono::system_clock::now();
    const std::int64_t now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const std::int64_t seconds = request.deadline().seconds();
    if (seconds > now_s + 86400) return Clock::time_point::max();
    if (seconds < now_s - 1) return Clock::now();
    const auto deadline = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(seconds) +
            std::chrono::nanoseconds(std::clamp(request.deadline().nanos(), 0, 999'999'999))));
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(deadline - now);
  }

  // On the strand: an answer that needed no worker.
  void answer(const v1::RequestFrame& request, const v1::ResponseFrame& response,
              Clock::time_point arrived) {
    observe(request, response, arrived);
    proto::append_frame(response, pending_);
    write();
  }

  // Any thread (a worker), before the response it belongs to is queued: the next write of
  // answers writes it first (with any other record waiting).
  void queue_audit_record(std::string_view record) {
    std::lock_guard lock(audit_mutex_);
    audit_queued_.add(record);
  }

  // Any thread (a worker): queue a response; writes happen on the connection's strand.
  void respond(const v1::RequestFrame& request, const v1::ResponseFrame& response,
               Clock::time_point arrived) {
    observe(request, response, arrived);
    std::string bytes;
    proto::append_frame(response, bytes);
    asio::post(stream_.get_executor(),
               [self = this->shared_from_this(), bytes = std::move(bytes)]() mutable {
                 self->pending_ += bytes;
                 --self->in_flight_;
                 self->write();
               });
  }

  void observe(const v1::RequestFrame& request, const v1::ResponseFrame& response,
               Clock::time_point arrived) {
    if (!server_->observe) return;
    server_->observe(server_->pipeline.method_label(request),
                     RequestPipeline::result_code(response),
                     std::chrono::duration<double>(Clock::now() - arrived).count());
  }

  void write() {
    if (closed_) {
      write_audit_records();  // the requests ran, answered or not
      return;
    }
    if (writing_ || pending_.empty()) return maybe_finish();
    // The records of the answers about to leave are written first, together: responses
    // that queued while the last write was in flight share one write(2).
    if (!write_audit_records()) return close();
    writing_ = true;
    sending_.swap(pending_);
    pending_.clear();
    asio::async_write(stream_, asio::buffer(sending_),
                      [self = this->shared_from_this()](auto ec, std::size_t) {
                        self->writing_ = false;
                        self->sending_.clear();
                        if (ec) return self->close();
                        self->write();
                        if (!self->paused_) return;
                        // The peer read something: take its requests again, or, still backed up,
                        // give it another read_timeout to read the rest (progress, not a fixed
                        // total, is required).
                        if (self->backed_up()) return self->arm_timer(self->options().read_timeout);
                        self->read();
                      });
  }

  // False (and logged) when the records were not written: the answers waiting for them must
  // not be sent, and closing the connection is how the client learns they failed.
  // Every record queued so far, including those of answers still on their way here.
  bool write_audit_records() {
    {
      std::lock_guard lock(audit_mutex_);
      if (audit_queued_.empty()) return true;
      audit_writing_.swap(audit_queued_);
    }
    try {
      server_->pipeline.write_audit_records(audit_writing_);
      return true;
    } catch (const std::exception& e) {
      log_event(LogLevel::kError, "audit_write_failed", {{"message", e.what()}});
      audit_writing_.clear();
      return false;
    }
  }

  void maybe_finish() {
    if (draining_ && in_flight_ == 0 && pending_.empty() && !writing_) close();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    write_audit_records();
    timer_.cancel();
    boost::system::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  std::shared_ptr<RpcServer::State> server_;
  Stream stream_;
  std::unique_ptr<net::ConnectionLimiter::Slot> slot_;
  asio::steady_timer timer_;
  proto::FrameDecoder decoder_;
  std::array<char, 16384> buffer_{};
  std::string pending_, sending_;
  // Records of answers in pending_ or on their way to it: added by workers, swapped out and
  // written on the strand. Both buffers are reused, so a record costs no allocation.
  std::mutex audit_mutex_;
  core::audit::PreparedRecords audit_queued_;   // guarded by audit_mutex_
  core::audit::PreparedRecords audit_writing_;  // strand only
  std::size_t in_flight_ = 0;                   // strand only
  bool writing_ = false, closed_ = false, draining_ = false;
  bool reading_ = false, paused_ = false, frame_timer_armed_ = false;
  PeerIdentity peer_;      // strand only; the api_key is wiped when replaced and at the end
  std::string source_ip_;  // the peer's address, for the audit trail and aws:SourceIp
};

}  // namespace

void RpcServer::State::accept() {
  acceptor.async_accept(asio::make_strand(io),
                        [self = shared_from_this()](auto ec, tcp::socket socket) {
                          if (ec) {
                            if (!self->acceptor.is_open()) return;  // shutting down
                            return self->accept();
                          }
                          self->admit(std::move(socket));
                          self->accept();
                        });
}

// Over a cap (in total or from this source) or while draining: refused at once, never queued.
void RpcServer::State::admit(tcp::socket socket) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  auto slot = ec || draining ? nullptr : limiter.admit(peer.address());
  if (!slot) {
    socket.close(ec);
    return;
  }
  // Responses are written as they complete, often one small frame at a time: without this,
  // Nagle's algorithm holds each behind the previous one's acknowledgement.
  socket.set_option(tcp::no_delay(true), ec);
  std::shared_ptr<ConnectionBase> connection;
  if (tls) {
    auto c = std::make_shared<Connection<asio::ssl::stream<tcp::socket>>>(
        shared_from_this(), asio::ssl::stream<tcp::socket>(std::move(socket), *tls),
        std::move(slot));
    c->start();
    connection = c;
  } else {
    auto c = std::make_shared<Connection<tcp::socket>>(shared_from_this(), std::move(socket),
                                                       std::move(slot));
    c->start();
    connection = c;
  }
  std::lock_guard lock(live_mutex);
  live.remove_if([](const auto& w) { return w.expired(); });
  live.push_back(connection);
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
  // The listener policy every listener shares (server/net): numeric address, plaintext only
  // on loopback; rpc asks for allow_plaintext_loopback on top.
  const tcp::endpoint endpoint = net::parse_bind_address(o.listen);
  const auto address = endpoint.address();
  net::require_tls_off_loopback(endpoint, o.tls, "rpc");
  if (!o.tls && !o.allow_plaintext_loopback) {
    throw Error(ErrorCode::kValidation,
                "plaintext rpc is allowed only on a loopback address with "
                "allow_plaintext_loopback");
  }
  if (o.allow_unauthenticated_loopback && !address.is_loopback()) {
    throw Error(ErrorCode::kValidation, "allow_unauthenticated_loopback needs a loopback listener");
  }
  if (o.tls) {
    auto& ctx = state_->tls.emplace(asio::ssl::context::tls_server);
    net::set_minimum_tls_version(ctx.native_handle(), TLS1_3_VERSION);
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
  boost::system::error_code ec;
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(endpoint, ec);
  if (ec) throw Error(ErrorCode::kValidation, "cannot listen on " + o.listen + ": " + ec.message());
  state_->acceptor.listen(asio::socket_base::max_listen_connections);
  state_->accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, o.network_threads); ++i) {
    state_->threads.emplace_back([s = state_] { net::run_io_guarded(s->io, "rpc"); });
  }
}

unsigned short RpcServer::port() const { return state_->acceptor.local_endpoint().port(); }

std::size_t RpcServer::connections() const { return state_->limiter.total(); }

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
  while (state_->limiter.total() > 0 && Clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Whatever did not finish in time is closed now; closing cancels its pending operations,
  // so the network threads run out of work and return.
  {
    std::lock_guard lock(state_->live_mutex);
    for (auto& weak : state_->live)
      if (auto c = weak.lock()) c->force_close();
  }
  const auto closed_by = Clock::now() + std::chrono::seconds(1);
  while (state_->limiter.total() > 0 && Clock::now() < closed_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  state_->io.stop();
  for (auto& t : state_->threads) t.join();
  state_->threads.clear();
}

}  // namespace coffer::server::rpc
