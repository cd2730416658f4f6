// Calls coffer.v1 methods over one pipelined connection, from any thread.
//
// - call_async never blocks; its callback runs on the client's own io thread (keep it
//   short, never call the blocking call() from it, and do not let it throw: an exception
//   escaping a callback ends the program, as from any thread's body).
// - Every call has a deadline (config.request_timeout unless given); when it passes the
//   call fails with DependencyTimeoutException and a late response is dropped.
// - A lost connection is replaced on the next call. Requests that were in flight are
//   re-sent once on the new connection when their method is idempotent; the others
//   (CreateKey, RotateKeyOnDemand) fail with DependencyTimeoutException, since they may or
//   may not have run.
// - ThrottlingException is retried with back-off (config.max_throttle_retries).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

#include "client/client_config.h"
#include "client/rpc_result.h"

namespace coffer::client {

class RpcClient {
 public:
  using Callback = std::function<void(RpcResult result)>;

  // Throws coffer::Error (ValidationException) for a bad endpoint or unreadable TLS files.
  // Connects lazily, on the first call.
  explicit RpcClient(ClientConfig config);
  // Fails the calls still pending (DependencyTimeoutException) and joins the io thread.
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  void call_async(std::string_view method, const google::protobuf::MessageLite& request,
                  Callback callback,
                  std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Blocks until the outcome: the response's serialized bytes or the error (not thrown).
  RpcResult call(std::string_view method, const google::protobuf::MessageLite& request,
                 std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // The same with a request message already serialized (load generators, proxies).
  void call_serialized_async(std::string_view method, std::string payload, Callback callback,
                             std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  RpcResult call_serialized(std::string_view method, std::string payload,
                            std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Blocks until the response, parsed, or throws coffer::Error.
  template <class Response>
  Response call(std::string_view method, const google::protobuf::MessageLite& request,
                std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    RpcResult result = call(method, request, timeout);
    return parse<Response>(method, result.value());
  }

  template <class Response>
  static Response parse(std::string_view method, const std::string& payload) {
    Response response;
    if (!response.ParseFromString(payload)) throw_unparsable(method);
    return response;
  }

  const ClientConfig& config() const noexcept;
  // Closes the current connection (pending calls see a lost connection). For tests and
  // for callers that know the server moved.
  void disconnect();

 private:
  [[noreturn]] static void throw_unparsable(std::string_view method);

  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace coffer::client
