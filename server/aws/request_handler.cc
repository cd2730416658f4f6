#include "server/aws/request_handler.h"

#include <openssl/rand.h>

#include "common/error.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/utf8.h"
#include "core/api/validation.h"
#include "server/aws/aws_error.h"
#include "server/aws/kms_json_handlers.h"

namespace coffer::server::aws {
namespace {

constexpr std::string_view kTargetPrefix = "TrentService.";
constexpr const char* kContentType = "application/x-amz-json-1.1";

// A UUID-shaped id: SDKs print x-amzn-RequestId in their errors.
std::string request_id() {
  std::uint8_t b[16];
  RAND_bytes(b, sizeof b);
  const auto h = to_hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

SignedRequest signed_view(const HttpRequest& r) {
  SignedRequest s;
  s.method = std::string(r.method_string());
  s.target = std::string(r.target());
  for (const auto& field : r)
    s.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  s.body = r.body();
  return s;
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

std::string RequestHandler::operation_of(const HttpRequest& request) {
  const std::string_view target = request["X-Amz-Target"];
  if (!target.starts_with(kTargetPrefix)) return "other";
  const auto* op = core::api::find_aws(target.substr(kTargetPrefix.size()));
  return op && kms_operations().find(op->operation) ? std::string(op->aws_name) : "other";
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

HttpResponse RequestHandler::execute(const HttpRequest& request, const Verified& verified) const {
  const bool keep_alive = request.keep_alive();
  try {
    core::KmsService& kms = regions_.at(verified.region);

    const std::string_view target = request["X-Amz-Target"];
    if (!target.starts_with(kTargetPrefix)) throw Error(ErrorCode::kUnknownOperation, "");
    const auto* op = core::api::find_aws(target.substr(kTargetPrefix.size()));
    const KmsOperation* codec = op ? kms_operations().find(op->operation) : nullptr;
    if (!codec) throw Error(ErrorCode::kUnknownOperation, "");

    Json body = Json::parse(
        request.body().empty() ? std::string_view("{}") : std::string_view(request.body()), nullptr,
        /*allow_exceptions=*/false);
    if (body.is_discarded())
      throw Error(ErrorCode::kSerialization, "Unable to parse the request body as JSON");
    if (!body.is_object())
      throw Error(ErrorCode::kSerialization, "Start of structure or map expected");

    core::api::validate_request(
        *op, [&body](const core::api::Member& m) { return member_value(body, m); });
    Json out = (*codec)(kms, body);
    HttpResponse res{http::status::ok, request.version()};
    res.set(http::field::content_type, kContentType);
    res.set("x-amzn-RequestId", request_id());
    res.body() = out.dump(-1, ' ', false, Json::error_handler_t::replace);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
  } catch (const AwsError& e) {
    return error_response(request.version(), keep_alive, e.type(), e.http_status(), e.what());
  } catch (const Error& e) {
    if (e.http_status() >= 500 || e.from_token()) {
      log_event(LogLevel::kError, "aws_request_failed",
                {{"code", std::string(e.name())}, {"message", e.what()}});
    }
    return error_response(request.version(), keep_alive, std::string(e.name()), e.http_status(),
                          client_message(e));
  } catch (const Json::exception& e) {
    return error_response(request.version(), keep_alive, "SerializationException", 400,
                          "Unable to parse the request body as JSON");
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "aws_request_failed", {{"message", e.what()}});
  } catch (...) {
    log_event(LogLevel::kError, "aws_request_failed");
  }
  return error_response(request.version(), keep_alive, "KMSInternalException", 500,
                        "Internal error");
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
