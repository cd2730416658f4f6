#include "server/aws/request_handler.h"

#include <openssl/rand.h>

#include "common/error.h"
#include "common/hex.h"
#include "common/log.h"
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

}  // namespace

RequestHandler::RequestHandler(AwsRegions& regions, VerifierOptions options,
                               SigV4Verifier::Lookup lookup, Now now)
    : regions_(regions),
      verifier_(std::move(options), std::move(lookup),
                [this](const std::string& region) { regions_.at(region); }),
      now_(now ? std::move(now) : Now([] { return std::chrono::system_clock::now(); })) {}

HttpResponse RequestHandler::error_response(unsigned version, bool keep_alive,
                                            const std::string& type, int status,
                                            const std::string& message) {
  HttpResponse res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, kContentType);
  res.set("x-amzn-RequestId", request_id());
  res.set("x-amzn-ErrorType", type);
  res.body() = Json{{"__type", type}, {"message", message}}.dump();
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

HttpResponse RequestHandler::handle(const HttpRequest& request) const {
  const bool keep_alive = request.keep_alive();
  try {
    const auto verified = verifier_.verify(signed_view(request), now_());
    core::KmsService& kms = regions_.at(verified.region);

    const std::string_view target = request["X-Amz-Target"];
    const auto& ops = kms_operations();
    if (!target.starts_with(kTargetPrefix)) throw Error(ErrorCode::kUnknownOperation, "");
    auto op = ops.find(target.substr(kTargetPrefix.size()));
    if (op == ops.end()) throw Error(ErrorCode::kUnknownOperation, "");

    Json body = Json::parse(
        request.body().empty() ? std::string_view("{}") : std::string_view(request.body()), nullptr,
        /*allow_exceptions=*/false);
    if (body.is_discarded())
      throw Error(ErrorCode::kSerialization, "Unable to parse the request body as JSON");
    if (!body.is_object())
      throw Error(ErrorCode::kSerialization, "Start of structure or map expected");

    Json out = op->second(kms, body);
    HttpResponse res{http::status::ok, request.version()};
    res.set(http::field::content_type, kContentType);
    res.set("x-amzn-RequestId", request_id());
    res.body() = out.dump();
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
  } catch (const AwsError& e) {
    return error_response(request.version(), keep_alive, e.type(), e.http_status(), e.what());
  } catch (const Error& e) {
    if (e.http_status() >= 500) {
      log_event(LogLevel::kError, "aws_request_failed",
                {{"code", std::string(e.name())}, {"message", e.what()}});
    }
    return error_response(request.version(), keep_alive, std::string(e.name()), e.http_status(),
                          e.what());
  } catch (const Json::exception& e) {
    return error_response(request.version(), keep_alive, "SerializationException", 400, e.what());
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "aws_request_failed", {{"message", e.what()}});
    return error_response(request.version(), keep_alive, "KMSInternalException", 500,
                          "Internal error");
  }
}

}  // namespace coffer::server::aws
