// The outcome of one rpc: the serialized response message, or a coffer::Error (from the
// server's ErrorDetail, a deadline, or the transport).
#pragma once

#include <optional>
#include <string>

#include "common/error.h"

namespace coffer::v1 {
class ErrorDetail;
}

namespace coffer::client {

class RpcResult {
 public:
  static RpcResult success(std::string payload);
  static RpcResult failure(Error error);

  RpcResult(RpcResult&&) noexcept = default;
  RpcResult& operator=(RpcResult&&) noexcept = default;
  RpcResult(const RpcResult&) = delete;
  RpcResult& operator=(const RpcResult&) = delete;
  // Responses may carry plaintexts and data keys: the payload is wiped here.
  ~RpcResult();

  bool ok() const noexcept { return !error_.has_value(); }
  // Only when ok().
  std::string& payload() noexcept { return payload_; }
  const std::string& payload() const noexcept { return payload_; }
  // Only when !ok().
  const Error& error() const { return *error_; }
  // The payload, or throws the error.
  std::string& value();

 private:
  RpcResult() = default;
  std::string payload_;
  std::optional<Error> error_;
};

// The coffer::Error an ErrorDetail names. A code this build does not know keeps its
// name in the message and maps by its HTTP status.
Error error_from_detail(const v1::ErrorDetail& detail);

}  // namespace coffer::client
