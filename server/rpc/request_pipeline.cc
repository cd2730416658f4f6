#include "server/rpc/request_pipeline.h"

#include "core/api/operations.h"

#include "common/log.h"
#include "common/secret_bytes.h"
#include "common/utf8.h"
#include "core/model/caller.h"

namespace coffer::server::rpc {
namespace {

constexpr std::string_view kInvalidKey = "The security token included in the request is invalid.";
constexpr std::string_view kThrottlingName = "ThrottlingException";

// The access key id of an api_key: what comes before ':' (an api_key is AKID:SECRET).
std::string access_key_id_of(std::string_view api_key) {
  const auto colon = api_key.find(':');
  return colon == std::string_view::npos ? "" : std::string(api_key.substr(0, colon));
}

}  // namespace

bool deadline_passed(std::int64_t seconds, std::int32_t nanos,
                     std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const auto since_epoch = now.time_since_epoch();
  const std::int64_t now_seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
  if (seconds != now_seconds) return seconds < now_seconds;
  const auto now_nanos = duration_cast<nanoseconds>(since_epoch).count() % 1'000'000'000;
  return nanos < now_nanos;
}

RequestPipeline::RequestPipeline(const Dispatcher& dispatcher, Authenticator authenticate,
                                 CachedAuthenticator cached, bool allow_unauthenticated)
    : dispatcher_(dispatcher),
      authenticate_(std::move(authenticate)),
      cached_(std::move(cached)),
      allow_unauthenticated_(allow_unauthenticated) {}

v1::ResponseFrame RequestPipeline::error_frame(std::uint64_t id, ErrorCode code,
                                               std::string_view message) {
  v1::ResponseFrame frame;
  frame.set_request_id(id);
  auto* e = frame.mutable_error();
  e->set_code(std::string(error_name(code)));
  // A proto3 string must be UTF-8; messages may quote what a peer sent.
  e->set_message(valid_utf8(message));
  e->set_http_status(error_http_status(code));
  return frame;
}

std::string_view RequestPipeline::result_code(const v1::ResponseFrame& response) {
  return response.has_error() ? std::string_view(response.error().code()) : "OK";
}

std::string RequestPipeline::method_label(const v1::RequestFrame& request) const {
  // Labels come from the operation table: a peer cannot grow a series per name it invents.
  const auto* op = core::api::find_rpc(request.method());
  return op && dispatcher_.find(request.method()) ? std::string(op->rpc_method) : "other";
}

RequestPipeline::Step RequestPipeline::admit(const v1::RequestFrame& request,
                                             PeerIdentity& peer) const {
  Step step;
  if (!peer.certificate_principal.empty()) return admitted(request, peer.certificate_principal);
  if (!request.api_key().empty() && request.api_key() != peer.api_key) {
    secure_zero(peer.api_key.data(), peer.api_key.size());
    peer.api_key = request.api_key();
  }
  if (peer.api_key.empty()) {
    if (allow_unauthenticated_) return admitted(request, "anonymous");
    step.answer = error_frame(request.request_id(), ErrorCode::kAccessDenied,
                              "Missing credentials: use mutual TLS or an api_key");
    return step;
  }
  const auto cached = cached_ ? cached_(peer.api_key) : CachedAuthentication{};
  switch (cached.known) {
    case CachedAuthentication::Known::kValid:
      peer.authenticated = true;
      return admitted(request, cached.principal, peer.api_key);
    case CachedAuthentication::Known::kInvalid:
      step.answer = error_frame(request.request_id(), ErrorCode::kAccessDenied, kInvalidKey);
      return step;
    case CachedAuthentication::Known::kUnknown:
      break;
  }
  step.kind = Step::Kind::kAuthenticate;
  step.api_key = peer.api_key;
  return step;
}

RequestPipeline::Step RequestPipeline::authenticate(const v1::RequestFrame& request,
                                                    const std::string& api_key) const {
  try {
    auto principal = authenticate_ ? authenticate_(api_key) : std::nullopt;
    if (principal) return admitted(request, std::move(*principal), api_key);
    Step step;
    step.answer = error_frame(request.request_id(), ErrorCode::kAccessDenied, kInvalidKey);
    return step;
  } catch (const Error& e) {
    log_event(LogLevel::kError, "rpc_authentication_failed",
              {{"code", std::string(e.name())}, {"message", e.what()}});
    Step step;
    step.answer = error_frame(request.request_id(), e.code(), client_message(e));
    return step;
  } catch (...) {
    log_event(LogLevel::kError, "rpc_authentication_failed");
    Step step;
    step.answer = error_frame(request.request_id(), ErrorCode::kInternal, "Internal error");
    return step;
  }
}

RequestPipeline::Step RequestPipeline::admitted(const v1::RequestFrame& request,
                                                std::string principal,
                                                std::string_view api_key) const {
  Step step;
  if (request.has_deadline() &&
      deadline_passed(request.deadline().seconds(), request.deadline().nanos(),
                      std::chrono::system_clock::now())) {
    step.answer = error_frame(request.request_id(), ErrorCode::kDependencyTimeout,
                              "the request's deadline passed before it ran");
    return step;
  }
  if (dispatcher_.find(request.method()) == nullptr) {
    step.answer = error_frame(request.request_id(), ErrorCode::kUnknownOperation,
                              "unknown method '" + quoted_excerpt(request.method(), 96) + "'");
    return step;
  }
  step.kind = Step::Kind::kExecute;
  step.principal = std::move(principal);
  step.access_key_id = access_key_id_of(api_key);
  return step;
}

void RequestPipeline::set_auditor(audit::RequestAuditor* auditor, std::string region,
                                  std::string account_id) {
  auditor_ = auditor;
  region_ = std::move(region);
  account_id_ = std::move(account_id);
}

v1::ResponseFrame RequestPipeline::execute(const v1::RequestFrame& request,
                                           const Caller& caller) const {
  if (!auditor_) return run(request, caller, nullptr);
  return execute_audited(request, caller, /*defer=*/false).response;
}

RequestPipeline::Executed RequestPipeline::execute_deferring_audit(const v1::RequestFrame& request,
                                                                   const Caller& caller) const {
  if (!auditor_) return {run(request, caller, nullptr), {}};
  return execute_audited(request, caller, /*defer=*/true);
}

void RequestPipeline::write_audit_records(core::audit::PreparedRecords& records) const {
  if (records.empty()) return;
  if (auditor_) auditor_->record_written(records);
  records.clear();
}

RequestPipeline::Executed RequestPipeline::execute_audited(const v1::RequestFrame& request,
                                                           const Caller& caller, bool defer) const {
  const auto arrived = std::chrono::system_clock::now();
  AuditCapture capture;
  Executed executed{run(request, caller, &capture), {}};
  const v1::ResponseFrame& response = executed.response;
  if (response.has_error() && response.error().code() == kThrottlingName) return executed;
  try {
    audit::AuditedCall call;
    call.front_end = core::audit::FrontEnd::kRpc;
    call.operation = core::api::find_rpc(request.method());
    if (!call.operation) call.unknown_operation_name = valid_utf8(request.method().substr(0, 64));
    call.region = region_;
    call.account_id = account_id_;
    call.principal = caller.principal;
    call.access_key_id = caller.access_key_id;
    call.source_ip = caller.source_ip;
    call.user_agent = "coffer-rpc";
    call.request_id = std::to_string(request.request_id());
    call.arrived = arrived;
    if (!capture.request.is_null()) call.request = &capture.request;
    call.request_bytes = request.payload().size();
    call.response_bytes = response.payload().size();
    if (!capture.response.is_null()) call.response = &capture.response;
    if (response.has_error()) {
      call.error_code = response.error().code();
      call.error_message = response.error().message();
    }
    if (defer && !audit::RequestAuditor::needs_disk(call)) {
      // Reused by this worker for every record it makes: no allocation per request.
      thread_local std::string body;
      audit::RequestAuditor::prepare(call, body);
      executed.audit_record = body;
    } else {
      auditor_->record(call);
    }
  } catch (const std::exception& e) {
    // An unrecorded request is not answered as if it had been: the caller sees a failure.
    log_event(LogLevel::kError, "audit_write_failed", {{"message", e.what()}});
    return {error_frame(request.request_id(), ErrorCode::kInternal, "Internal error"), {}};
  }
  return executed;
}

v1::ResponseFrame RequestPipeline::run(const v1::RequestFrame& request, const Caller& who,
                                       AuditCapture* capture) const {
  try {
    // The deadline again: the request may have waited in the queue.
    if (request.has_deadline() &&
        deadline_passed(request.deadline().seconds(), request.deadline().nanos(),
                        std::chrono::system_clock::now())) {
      return error_frame(request.request_id(), ErrorCode::kDependencyTimeout,
                         "the request's deadline passed before it ran");
    }
    const Dispatcher::Handler* handler = dispatcher_.find(request.method());
    if (handler == nullptr) {
      return error_frame(request.request_id(), ErrorCode::kUnknownOperation, "unknown method");
    }
    v1::ResponseFrame response;
    response.set_request_id(request.request_id());
    RequestContext context{who.principal, request.method(), capture,
                           quota_check_ ? &quota_check_ : nullptr};
    // The service authorizes every operation for this caller (core/model/caller.h).
    const core::Caller caller{who.principal, who.access_key_id, who.source_ip, ""};
    const core::CallerScope caller_scope(&caller);
    response.set_payload((*handler)(context, request.payload()));
    return response;
  } catch (const Error& e) {
    if (e.http_status() >= 500 || e.from_token()) {
      log_event(LogLevel::kError, "rpc_request_failed",
                {{"code", std::string(e.name())}, {"message", e.what()}});
    }
    return error_frame(request.request_id(), e.code(), client_message(e));
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "rpc_request_failed", {{"message", e.what()}});
  } catch (...) {
    log_event(LogLevel::kError, "rpc_request_failed");
  }
  return error_frame(request.request_id(), ErrorCode::kInternal, "Internal error");
}

}  // namespace coffer::server::rpc
