#include "client/rpc_result.h"

#include "coffer/v1/frame.pb.h"
#include "common/secret_bytes.h"

namespace coffer::client {

RpcResult RpcResult::success(std::string payload) {
  RpcResult r;
  r.payload_ = std::move(payload);
  return r;
}

RpcResult RpcResult::failure(Error error) {
  RpcResult r;
  r.error_.emplace(std::move(error));
  return r;
}

RpcResult::~RpcResult() { secure_zero(payload_.data(), payload_.size()); }

std::string& RpcResult::value() {
  if (error_) throw *error_;
  return payload_;
}

Error error_from_detail(const v1::ErrorDetail& detail) {
  if (auto code = error_code_named(detail.code())) return Error(*code, detail.message());
  // A newer server's code: keep its name visible rather than lose it.
  const ErrorCode fallback = detail.http_status() >= 400 && detail.http_status() < 500
                                 ? ErrorCode::kValidation
                             : detail.http_status() == 503 ? ErrorCode::kDependencyTimeout
                                                           : ErrorCode::kInternal;
  return Error(fallback,
               (detail.code().empty() ? "unnamed error" : detail.code()) + ": " + detail.message());
}

}  // namespace coffer::client
