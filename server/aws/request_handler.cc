#include "server/aws/request_handler.h"

#include <openssl/rand.h>

#include "common/error.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/utf8.h"
#include "core/api/validation.h"
#include "core/model/caller.h"
#include "server/aws/aws_error.h"
#include "server/aws/aws_operations.h"
#include "server/aws/sts_caller_identity.h"
#include "server/quota/quota_key.h"

namespace coffer::server::aws {
namespace {

constexpr std::string_view kKmsPrefix = "TrentService.";
constexpr std::string_view kSecretsPrefix = "secretsmanager.";
constexpr const char* kContentType = "application/x-amz-json-1.1";

// A UUID-shaped id: SDKs print x-amzn-RequestId in their errors.
std::string request_id() {
  std::uint8_t b[16];
  RAND_bytes(b, sizeof b);
  const auto h = to_hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

// The SigV4 service a request must be signed for: the one its X-Amz-Target names, or STS for
// a query-protocol call.
std::string_view signing_service(std::string_view target, std::string_view body) {
  if (is_sts_query(target, body)) return "sts";
  return target.starts_with(kSecretsPrefix) ? "secretsmanager" : "kms";
}

SignedRequest signed_view(const HttpRequest& r) {
  SignedRequest s;
  s.method = std::string(r.method_string());
  s.target = std::string(r.target());
  for (const auto& field : r)
    s.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  s.body = r.body();
  s.service = std::string(signing_service(r["X-Amz-Target"], r.body()));
  return s;
}

// The operation an X-Amz-Target names (TrentService.<Op> or secretsmanager.<Op>), when this
// endpoint serves it; nullptr otherwise.
const core::api::OperationSpec* target_operation(std::string_view target) {
  const core::api::OperationSpec* op = nullptr;
  if (target.starts_with(kKmsPrefix)) {
    op = core::api::find_aws(core::api::Service::kKms, target.substr(kKmsPrefix.size()));
  } else if (target.starts_with(kSecretsPrefix)) {
    op = core::api::find_aws(core::api::Service::kSecretsManager,
                             target.substr(kSecretsPrefix.size()));
  }
  return op && aws_operations().find(op->operation) ? op : nullptr;
}

// Thrown by the cache-only lookup when the cache does not know the access key id.
struct NeedsStoreLookup {};

}  // namespace

RequestHandler::RequestHandler(AwsRegions& regions, VerifierOptions options,
                               SigV4Verifier::Lookup lookup, Now now, CachedLookup cached)
    : regions_(regions),
      // Only a check before authentication: a region's service is made after it.
      verifier_(std::move(options), std::move(lookup),
                [this](const std::string& region) { regions_.check(region); }),
      now_(now ? std::move(now) : Now([] { return std::chrono::system_clock::now(); })),
      cached_(std::move(cached)) {}

HttpResponse RequestHandler::error_response(unsigned version, bool keep_alive,
                                            const std::string& type, int status,
                                            std::string_view message) noexcept {
  try {
    HttpResponse res{static_cast<http::status>(status), version};
    res.set(http::field::content_type, kContentType);
    res.set("x-amzn-RequestId", request_id());
    res.set("x-amzn-ErrorType", quoted_excerpt(type, 128));
    // valid_utf8 plus error_handler_t::replace: dump() cannot throw on what a peer sent.
    res.body() = Json{{"__type", valid_utf8(type)}, {"message", valid_utf8(message)}}.dump(
        -1, ' ', false, Json::error_handler_t::replace);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
  } catch (...) {
    // Out of memory or worse: a fixed answer that needs nothing.
    HttpResponse res{http::status::internal_server_error, version};
    res.body() = R"({"__type":"KMSInternalException","message":"Internal error"})";
    res.keep_alive(false);
    res.prepare_payload();
    return res;
  }
}

const core::api::OperationSpec* RequestHandler::operation_spec_of(const HttpRequest& request) {
  return target_operation(request["X-Amz-Target"]);
}

void RequestHandler::check_quota(const core::api::OperationSpec& operation, const Json& body,
                                 const Verified& verified, const RegionServices& services,
                                 Outcome& outcome) const {
  std::string_view reference;
  if (const auto member = quota::key_member(operation); !member.empty()) {
    auto it = body.find(std::string(member));
    if (it != body.end() && it->is_string()) reference = it->get_ref<const std::string&>();
  }
  // A Decrypt naming no key: the key id in its ciphertext's header, from the first 264 bytes.
  std::vector<std::uint8_t> head;
  if (auto it = body.find("CiphertextBlob");
      reference.empty() && it != body.end() && it->is_string()) {
    const std::string_view text = it->get_ref<const std::string&>();
    if (auto bytes = from_base64(text.size() <= 352 ? text : text.substr(0, 352)))
      head = std::move(*bytes);
  }
  const auto key = quota::key_for_quotas(reference, head, services.kms);
  if (!quotas_
           ->admit({verified.region, operation.operation, verified.principal, key.key_id, key.spec})
           .empty()) {
    outcome.throttled = true;
    throw Error(ErrorCode::kThrottling, "Rate exceeded");
  }
}

std::string RequestHandler::operation_of(const HttpRequest& request) {
  const auto* op = target_operation(request["X-Amz-Target"]);
  if (!op) return "other";
  // Metric labels stay distinct where both services have an operation of the same name.
  return op->service == core::api::Service::kKms ? std::string(op->aws_name)
                                                 : "secretsmanager." + std::string(op->aws_name);
}

RequestHandler::Authentication RequestHandler::authenticate(const HttpRequest& request,
                                                            bool cached_only) const {
  const bool keep_alive = request.keep_alive();
  try {
    const auto view = signed_view(request);
    if (!cached_only) return {verifier_.verify(view, now_()), std::nullopt};
    // Refusals that need no credentials (no header, bad scope, skew) come before the lookup.
    auto from_cache = [this](const std::string& akid) -> std::optional<Credentials> {
      if (!cached_) throw NeedsStoreLookup{};
      auto c = cached_(akid);
      if (c.known == CachedCredentials::Known::kUnknown) throw NeedsStoreLookup{};
      return c.credentials;
    };
    return {verifier_.verify(view, now_(), from_cache), std::nullopt};
  } catch (const NeedsStoreLookup&) {
    return {};
  } catch (const AwsError& e) {
    return {std::nullopt,
            error_response(request.version(), keep_alive, e.type(), e.http_status(), e.what())};
  } catch (const Error& e) {
    log_event(LogLevel::kError, "aws_authentication_failed",
              {{"code", std::string(e.name())}, {"message", e.what()}});
    return {std::nullopt, error_response(request.version(), keep_alive, std::string(e.name()),
                                         e.http_status(), client_message(e))};
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "aws_authentication_failed", {{"message", e.what()}});
  } catch (...) {
    log_event(LogLevel::kError, "aws_authentication_failed");
  }
  return {std::nullopt, error_response(request.version(), keep_alive, "KMSInternalException", 500,
                                       "Internal error")};
}

HttpResponse RequestHandler::execute(const HttpRequest& request, const Verified& verified,
                                     const std::string& source_ip) const {
  if (!auditor_) {
    Outcome ignored;
    return run(request, verified, source_ip, ignored);
  }
  const auto arrived = std::chrono::system_clock::now();
  Outcome outcome;
  HttpResponse response = run(request, verified, source_ip, outcome);
  if (outcome.throttled) return response;
  if (audit(request, verified, source_ip, outcome, response, arrived)) return response;
  // An unrecorded request is not answered as if it had been: the caller sees a failure.
  const bool secrets = request["X-Amz-Target"].starts_with(kSecretsPrefix);
  return error_response(request.version(), request.keep_alive(),
                        secrets ? "InternalServiceError" : "KMSInternalException", 500,
                        "Internal error");
}

bool RequestHandler::audit(const HttpRequest& request, const Verified& verified,
                           const std::string& source_ip, const Outcome& outcome,
                           const HttpResponse& response,
                           std::chrono::system_clock::time_point arrived) const {
  try {
    audit::AuditedCall call;
    call.front_end = core::audit::FrontEnd::kAwsJson;
    call.operation = outcome.operation;
    if (!call.operation) {
      const std::string_view target = request["X-Amz-Target"];
      const auto dot = target.find('.');
      call.unknown_operation_name = valid_utf8(
          is_sts_query(target, request.body())
              ? std::string("GetCallerIdentity")
              : std::string(dot == std::string_view::npos ? target : target.substr(dot + 1)));
    }
    call.region = verified.region;
    call.account_id = regions_.at(verified.region).kms.config().account_id;
    call.principal = verified.principal;
    call.access_key_id = verified.access_key_id;
    call.source_ip = source_ip;
    call.user_agent = valid_utf8(std::string(request[http::field::user_agent]));
    call.request_id = std::string(response["x-amzn-RequestId"]);
    call.arrived = arrived;
    if (!outcome.request.is_null()) call.request = &outcome.request;
    call.request_bytes = request.body().size();
    call.response_bytes = response.body().size();
    if (!outcome.response.is_null()) call.response = &outcome.response;
    if (response.result() != http::status::ok) {
      // The error the client was told, from the body error_response wrote.
      const Json body = Json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
      const bool has = body.is_object();
      call.error_code =
          has && body.contains("__type") ? body["__type"].get<std::string>() : "InternalError";
      if (has && body.contains("message")) call.error_message = body["message"].get<std::string>();
    }
    auditor_->record(call);
    return true;
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "audit_write_failed", {{"message", e.what()}});
  } catch (...) {
    log_event(LogLevel::kError, "audit_write_failed");
  }
  return false;
}

HttpResponse RequestHandler::run(const HttpRequest& request, const Verified& verified,
                                 const std::string& source_ip, Outcome& outcome) const {
  const bool keep_alive = request.keep_alive();
  // Secrets Manager names its internal error InternalServiceError; KMS, KMSInternalException.
  const bool secrets = request["X-Amz-Target"].starts_with(kSecretsPrefix);
  const std::string internal = secrets ? "InternalServiceError" : "KMSInternalException";
  try {
    RegionServices services = regions_.at(verified.region);
    if (is_sts_query(request["X-Amz-Target"], request.body()))
      return caller_identity(request, verified, services);

    const auto* op = target_operation(request["X-Amz-Target"]);
    if (!op) throw Error(ErrorCode::kUnknownOperation, "");
    outcome.operation = op;
    const AwsOperation& codec = *aws_operations().find(op->operation);

    // Parsed into the outcome, which the audit trail reads once the request is answered.
    Json& body = outcome.request;
    body = Json::parse(
        request.body().empty() ? std::string_view("{}") : std::string_view(request.body()), nullptr,
        /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      body = nullptr;
      throw Error(ErrorCode::kSerialization, "Unable to parse the request body as JSON");
    }
    if (!body.is_object()) {
      body = nullptr;
      throw Error(ErrorCode::kSerialization, "Start of structure or map expected");
    }

    core::api::validate_request(
        *op, [&body](const core::api::Member& m) { return member_value(body, m); });
    if (quotas_) check_quota(*op, body, verified, services, outcome);
    if (authorizer_) authorizer_(verified, *op, body, services);
    // The service authorizes every operation for this caller (core/model/caller.h).
    const core::Caller caller{verified.principal, verified.access_key_id, source_ip, ""};
    const core::CallerScope caller_scope(&caller);
    Json out = codec(services, body);
    HttpResponse res{http::status::ok, request.version()};
    res.set(http::field::content_type, kContentType);
    res.set("x-amzn-RequestId", request_id());
    res.body() = out.dump(-1, ' ', false, Json::error_handler_t::replace);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (auditor_) outcome.response = std::move(out);
    return res;
  } catch (const AwsError& e) {
    return error_response(request.version(), keep_alive, e.type(), e.http_status(), e.what());
  } catch (const Error& e) {
    if (e.http_status() >= 500 || e.from_token()) {
      log_event(LogLevel::kError, "aws_request_failed",
                {{"code", std::string(e.name())}, {"message", e.what()}});
    }
    const std::string name = e.code() == ErrorCode::kInternal ? internal : std::string(e.name());
    return error_response(request.version(), keep_alive, name, e.http_status(), client_message(e));
  } catch (const Json::exception& e) {
    return error_response(request.version(), keep_alive, "SerializationException", 400,
                          "Unable to parse the request body as JSON");
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "aws_request_failed", {{"message", e.what()}});
  } catch (...) {
    log_event(LogLevel::kError, "aws_request_failed");
  }
  return error_response(request.version(), keep_alive, internal, 500, "Internal error");
}

HttpResponse RequestHandler::caller_identity(const HttpRequest& request, const Verified& verified,
                                             const RegionServices& services) const {
  if (!is_get_caller_identity(request.body()))
    throw Error(ErrorCode::kUnknownOperation, "Coffer serves only STS GetCallerIdentity");
  const std::string& account = services.kms.config().account_id;
  HttpResponse res{http::status::ok, request.version()};
  const std::string id = request_id();
  res.set(http::field::content_type, "text/xml");
  res.set("x-amzn-RequestId", id);
  res.body() = caller_identity_xml(core::principal_arn_of(verified.principal, account),
                                   verified.access_key_id, account, id);
  res.keep_alive(request.keep_alive());
  res.prepare_payload();
  return res;
}

HttpResponse RequestHandler::handle(const HttpRequest& request) const {
  auto auth = authenticate(request, /*cached_only=*/false);
  if (!auth.verified) {
    if (auth.refusal) return std::move(*auth.refusal);
    return error_response(request.version(), request.keep_alive(), "KMSInternalException", 500,
                          "Internal error");
  }
  return execute(request, *auth.verified);
}

}  // namespace coffer::server::aws
