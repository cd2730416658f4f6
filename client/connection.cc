#include "client/connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "client/tls_context.h"
#include "common/secret_bytes.h"

namespace coffer::client {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

}  // namespace

std::shared_ptr<Connection> Connection::create(asio::io_context& io, ConnectionOptions options) {
  return std::shared_ptr<Connection>(new Connection(io, std::move(options)));
}

Connection::Connection(asio::io_context& io, ConnectionOptions options)
    : options_(std::move(options)),
      peer_(options_.host.find(':') == std::string::npos
                ? options_.host + ":" + options_.port
                : "[" + options_.host + "]:" + options_.port),
      resolver_(io),
      connect_timer_(io),
      plain_(io),
      decoder_(options_.max_frame) {
  if (options_.tls != nullptr) {
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(io, *options_.tls);
    expect_server_name(*tls_, options_.host);
  }
}

Connection::~Connection() {
  // Request frames may hold plaintexts.
  secure_zero(outbox_.data(), outbox_.size());
  secure_zero(writing_.data(), writing_.size());
}

asio::ip::tcp::socket& Connection::socket() { return tls_ ? tls_->next_layer() : plain_; }

void Connection::start() {
  if (state_ != State::kIdle) return;
  state_ = State::kConnecting;
  auto self = shared_from_this();
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([self](const error_code& ec) {
    if (ec || self->state_ != State::kConnecting) return;
    self->timed_out_ = true;
    self->resolver_.cancel();
    error_code ignored;
    self->socket().close(ignored);
  });
  resolver_.async_resolve(
      options_.host, options_.port,
      [self](const error_code& ec, const asio::ip::tcp::resolver::results_type& results) {
        if (self->state_ != State::kConnecting) return;
        if (ec) return self->on_connected(ec);
        asio::async_connect(self->socket(), results,
                            [self](const error_code& connect_ec, const asio::ip::tcp::endpoint&) {
                              self->on_connected(connect_ec);
                            });
      });
}

void Connection::on_connected(const error_code& ec) {
  if (state_ != State::kConnecting) return;
  if (ec) {
    const std::string why = timed_out_ ? "timed out" : ec.message();
    return fail(Error(ErrorCode::kDependencyTimeout, "cannot connect to " + peer_ + ": " + why));
  }
  error_code ignored;
  socket().set_option(asio::ip::tcp::no_delay(true), ignored);  // small frames, latency matters
  if (!tls_) return on_ready();
  tls_->async_handshake(
      asio::ssl::stream_base::client, [self = shared_from_this()](const error_code& hs_ec) {
        if (self->state_ != State::kConnecting) return;
        if (hs_ec) {
          if (self->timed_out_) {
            return self->fail(Error(ErrorCode::kDependencyTimeout,
                                    "TLS handshake with " + self->peer_ + " timed out"));
          }
          // Certificate and protocol failures: retrying will not help, the set-up must change.
          return self->fail(Error(ErrorCode::kAccessDenied, "TLS handshake with " + self->peer_ +
                                                                " failed: " + hs_ec.message()));
        }
        self->on_ready();
      });
}

void Connection::on_ready() {
  state_ = State::kReady;
  connect_timer_.cancel();
  read_more();
  if (!outbox_.empty()) write_more();
}

std::uint64_t Connection::send(v1::RequestFrame& frame, Handler handler) {
  const std::uint64_t id = next_id_++;
  frame.set_request_id(id);
  if (state_ == State::kClosed) {
    // Never on the wire: the caller may safely try elsewhere.
    Failure failure{Error(ErrorCode::kDependencyTimeout, "connection to " + peer_ + " is closed"),
                    false};
    handler(nullptr, &failure);
    return id;
  }
  pending_.emplace(id, std::move(handler));
  proto::append_frame(frame, outbox_);
  if (state_ == State::kReady && !write_in_progress_) write_more();
  return id;
}

void Connection::write_more() {
  write_in_progress_ = true;
  writing_.swap(outbox_);
  auto on_written = [self = shared_from_this()](const error_code& ec, std::size_t) {
    secure_zero(self->writing_.data(), self->writing_.size());
    self->writing_.clear();
    self->write_in_progress_ = false;
    if (self->state_ != State::kReady) return;
    if (ec)
      return self->fail(Error(ErrorCode::kDependencyTimeout,
                              "connection to " + self->peer_ + " lost: " + ec.message()));
    if (!self->outbox_.empty()) self->write_more();
  };
  if (tls_)
    asio::async_write(*tls_, asio::buffer(writing_), std::move(on_written));
  else
    asio::async_write(plain_, asio::buffer(writing_), std::move(on_written));
}

void Connection::read_more() {
  auto on_read = [self = shared_from_this()](const error_code& ec, std::size_t size) {
    self->on_read(ec, size);
  };
  if (tls_)
    tls_->async_read_some(asio::buffer(read_buffer_), std::move(on_read));
  else
    plain_.async_read_some(asio::buffer(read_buffer_), std::move(on_read));
}

void Connection::on_read(const error_code& ec, std::size_t size) {
  if (state_ != State::kReady) return;
  if (ec) {
    const std::string why =
        ec == asio::error::eof ? "closed by the server" : "lost: " + ec.message();
    return fail(Error(ErrorCode::kDependencyTimeout, "connection to " + peer_ + " " + why));
  }
  decoder_.feed(read_buffer_.data(), size);
  secure_zero(read_buffer_.data(), size);
  std::string body;
  for (;;) {
    const auto status = decoder_.next(body);
    if (status == proto::FrameDecoder::Status::kNeedMore) break;
    if (status != proto::FrameDecoder::Status::kFrame) {
      return fail(Error(
          ErrorCode::kInternal,
          "protocol error from " + peer_ + ": " +
              (status == proto::FrameDecoder::Status::kEmpty ? "empty frame" : "frame too large")));
    }
    if (!dispatch(body)) break;
  }
  secure_zero(body.data(), body.size());
  if (state_ == State::kReady) read_more();
}

bool Connection::dispatch(const std::string& body) {
  v1::ResponseFrame response;
  if (!response.ParseFromString(body)) {
    fail(Error(ErrorCode::kInternal,
               "protocol error from " + peer_ + ": a response frame does not parse"));
    return false;
  }
  auto it = pending_.find(response.request_id());
  if (it == pending_.end()) return true;  // forgotten after its deadline
  Handler handler = std::move(it->second);
  pending_.erase(it);
  handler(&response, nullptr);
  if (response.has_payload())
    secure_zero(response.mutable_payload()->data(), response.payload().size());
  return state_ == State::kReady;  // a handler may have closed us
}

void Connection::close(const Error& why) {
  if (state_ == State::kClosed) return;
  fail(why);
}

void Connection::fail(Error error) {
  if (state_ == State::kClosed) return;
  const bool maybe_delivered = state_ == State::kReady;
  state_ = State::kClosed;
  connect_timer_.cancel();
  resolver_.cancel();
  error_code ignored;
  socket().close(ignored);
  // Handlers may send again (through a new connection): work on a detached copy.
  auto pending = std::move(pending_);
  pending_.clear();
  const Failure failure{std::move(error), maybe_delivered};
  for (auto& [id, handler] : pending) handler(nullptr, &failure);
}

}  // namespace coffer::client
