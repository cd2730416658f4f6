#include "client/rpc_client.h"

#include <future>
#include <random>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/connection.h"
#include "client/methods.h"
#include "client/tls_context.h"
#include "coffer/v1/frame.pb.h"
#include "common/secret_bytes.h"

namespace coffer::client {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// One call through its attempts. Lives on the io thread once posted.
struct Call {
  Call(asio::io_context& io, std::string_view method_name, RpcClient::Callback cb)
      : method(method_name),
        idempotent(method::is_idempotent(method_name)),
        callback(std::move(cb)),
        timer(io) {}
  ~Call() { secure_zero(payload.data(), payload.size()); }  // may hold a plaintext

  std::string method;
  std::string payload;  // the serialized request message
  bool idempotent;
  bool resent = false;  // after a lost connection: at most once
  int throttle_retries = 0;
  bool done = false;
  RpcClient::Callback callback;
  asio::steady_timer timer;                     // the deadline
  std::unique_ptr<asio::steady_timer> backoff;  // made on the first throttled attempt
  Clock::time_point deadline;
  std::weak_ptr<Connection> connection;  // where the current attempt went
  std::uint64_t request_id = 0;
};

google::protobuf::Timestamp wall_clock_deadline(Clock::duration remaining) {
  const auto at = std::chrono::system_clock::now() + remaining;
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
  google::protobuf::Timestamp ts;
  ts.set_seconds(ns / 1'000'000'000);
  ts.set_nanos(static_cast<std::int32_t>(ns % 1'000'000'000));
  return ts;
}

}  // namespace

struct RpcClient::Impl : std::enable_shared_from_this<RpcClient::Impl> {
  explicit Impl(ClientConfig c) : config(std::move(c)), endpoint(split_endpoint(config.endpoint)) {
    if (config.tls) tls = make_tls_context(config);
  }

  void start(const std::shared_ptr<Call>& call) {
    if (shutting_down)
      return finish(
          *call, RpcResult::failure(Error(ErrorCode::kDependencyTimeout, "the client is closed")));
    call->timer.expires_at(call->deadline);
    call->timer.async_wait([self = shared_from_this(), call](const boost::system::error_code& ec) {
      if (ec || call->done) return;
      if (auto c = call->connection.lock()) c->forget(call->request_id);
      self->finish(*call,
                   RpcResult::failure(Error(ErrorCode::kDependencyTimeout,
                                            call->method + ": no response before the deadline")));
    });
    send(call);
  }

  void send(const std::shared_ptr<Call>& call) {
    if (!connection || connection->closed()) {
      try {
        connection = Connection::create(io, {.host = endpoint.host,
                                             .port = endpoint.port,
                                             .tls = tls.get(),
                                             .connect_timeout = config.connect_timeout});
      } catch (const Error& e) {  // the TLS name could not be set: nothing to send on
        return finish(*call, RpcResult::failure(Error(e.code(), call->method + ": " + e.what())));
      }
      connection->start();
    }
    v1::RequestFrame frame;
    frame.set_method(call->method);
    frame.set_payload(call->payload);
    if (!config.api_key.empty()) frame.set_api_key(config.api_key);
    *frame.mutable_deadline() = wall_clock_deadline(call->deadline - Clock::now());
    call->connection = connection;
    call->request_id = connection->send(
        frame, [self = shared_from_this(), call](v1::ResponseFrame* response,
                                                 const Connection::Failure* failure) {
          self->on_answer(call, response, failure);
        });
    secure_zero(frame.mutable_payload()->data(), frame.payload().size());
    secure_zero(frame.mutable_api_key()->data(), frame.api_key().size());
  }

  void on_answer(const std::shared_ptr<Call>& call, v1::ResponseFrame* response,
                 const Connection::Failure* failure) {
    if (call->done) return;
    if (response != nullptr) {
      if (response->has_error()) {
        Error error = error_from_detail(response->error());
        if (error.code() == ErrorCode::kThrottling) {
          if (retry_later(call)) return;
          // Say that the client did retry, so a caller does not add retries of its own blindly.
          if (call->throttle_retries > 0) {
            error = Error(ErrorCode::kThrottling,
                          std::string(error.what()) + " (still throttled after " +
                              std::to_string(call->throttle_retries) + " retries)");
          }
        }
        return finish(*call, RpcResult::failure(std::move(error)));
      }
      return finish(*call, RpcResult::success(std::move(*response->mutable_payload())));
    }
    // Re-send once, and only what may have reached the server: a connection that never
    // came up would most likely fail again, after another connect timeout.
    const bool retry =
        !shutting_down && failure->maybe_delivered && call->idempotent && !call->resent;
    if (retry) {
      call->resent = true;
      return send(call);
    }
    std::string message = call->method + ": " + failure->error.what();
    if (failure->maybe_delivered && !call->idempotent)
      message += " (it may or may not have run; not re-sent)";
    finish(*call, RpcResult::failure(Error(failure->error.code(), std::move(message))));
  }

  // Schedules another attempt of a throttled call; false when retries or time ran out.
  bool retry_later(const std::shared_ptr<Call>& call) {
    if (shutting_down || call->throttle_retries >= config.max_throttle_retries) return false;
    const auto full = std::min<std::chrono::milliseconds>(
        config.max_throttle_backoff,
        config.throttle_backoff * (1 << std::min(call->throttle_retries, 16)));
    // Half to all of the pause, at random, so throttled clients do not return in step.
    std::uniform_int_distribution<std::int64_t> pick(full.count() / 2, full.count());
    const auto pause = std::chrono::milliseconds(pick(rng));
    if (Clock::now() + pause >= call->deadline) return false;
    ++call->throttle_retries;
    if (!call->backoff) call->backoff = std::make_unique<asio::steady_timer>(io);
    call->backoff->expires_after(pause);
    call->backoff->async_wait([self = shared_from_this(),
                               call](const boost::system::error_code& ec) {
      if (ec || call->done) return;
      if (self->shutting_down) {
        return self->finish(*call, RpcResult::failure(Error(
                                       ErrorCode::kThrottling,
                                       call->method + ": throttled, and the client is closed")));
      }
      self->send(call);
    });
    return true;
  }

  void finish(Call& call, RpcResult result) {
    call.done = true;
    call.timer.cancel();
    if (call.backoff) call.backoff->cancel();
    auto callback = std::move(call.callback);
    callback(std::move(result));
  }

  ClientConfig config;
  HostPort endpoint;
  std::unique_ptr<asio::ssl::context> tls;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::shared_ptr<Connection> connection;
  bool shutting_down = false;
  std::minstd_rand rng{std::random_device{}()};
  std::thread thread;
};

RpcClient::RpcClient(ClientConfig config) : impl_(std::make_shared<Impl>(std::move(config))) {
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

RpcClient::~RpcClient() {
  asio::post(impl_->io, [impl = impl_] {
    impl->shutting_down = true;
    if (impl->connection)
      impl->connection->close(Error(ErrorCode::kDependencyTimeout, "the client is closed"));
    impl->connection.reset();
    impl->work.reset();
  });
  impl_->thread.join();
}

void RpcClient::call_async(std::string_view method, const google::protobuf::MessageLite& request,
                           Callback callback, std::optional<std::chrono::milliseconds> timeout) {
  std::string payload;
  if (!request.SerializeToString(&payload)) {
    throw Error(ErrorCode::kValidation,
                std::string(method) + ": the request message does not serialize");
  }
  call_serialized_async(method, std::move(payload), std::move(callback), timeout);
}

void RpcClient::call_serialized_async(std::string_view method, std::string payload,
                                      Callback callback,
                                      std::optional<std::chrono::milliseconds> timeout) {
  auto call = std::make_shared<Call>(impl_->io, method, std::move(callback));
  call->deadline = Clock::now() + timeout.value_or(impl_->config.request_timeout);
  call->payload = std::move(payload);
  asio::post(impl_->io, [impl = impl_, call] { impl->start(call); });
}

RpcResult RpcClient::call(std::string_view method, const google::protobuf::MessageLite& request,
                          std::optional<std::chrono::milliseconds> timeout) {
  std::string payload;
  if (!request.SerializeToString(&payload)) {
    throw Error(ErrorCode::kValidation,
                std::string(method) + ": the request message does not serialize");
  }
  return call_serialized(method, std::move(payload), timeout);
}

RpcResult RpcClient::call_serialized(std::string_view method, std::string payload,
                                     std::optional<std::chrono::milliseconds> timeout) {
  if (impl_->io.get_executor().running_in_this_thread()) {
    // The io thread would wait for itself.
    throw Error(ErrorCode::kInternal,
                "RpcClient::call used inside an rpc callback; use call_async there");
  }
  std::promise<RpcResult> promise;
  auto future = promise.get_future();
  call_serialized_async(
      method, std::move(payload),
      [&promise](RpcResult result) { promise.set_value(std::move(result)); }, timeout);
  return future.get();
}

const ClientConfig& RpcClient::config() const noexcept { return impl_->config; }

void RpcClient::disconnect() {
  asio::post(impl_->io, [impl = impl_] {
    if (impl->connection)
      impl->connection->close(Error(ErrorCode::kDependencyTimeout, "disconnected by the client"));
  });
}

void RpcClient::throw_unparsable(std::string_view method) {
  throw Error(ErrorCode::kInternal, std::string(method) + ": the response does not parse");
}

}  // namespace coffer::client
