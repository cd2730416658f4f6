// libFuzzer target: the whole path a peer's bytes take through the AWS JSON endpoint, minus
// the socket. The bytes are one HTTP/1.1 request, parsed with the listener's limits; it
// goes through RequestHandler (SigV4, region, X-Amz-Target, JSON, the KMS operation on a
// real SoftHSM token or the Secrets Manager operation over it, or the error response) and the
// response is serialised as it would be written. The first byte picks the mode: odd re-signs
// the request with a known credential, for the SigV4 service its X-Amz-Target names
// (TrentService.* -> kms, secretsmanager.* -> secretsmanager), so operations run; even leaves
// the peer's Authorization alone (refusal paths).
// Every request is recorded in an audit trail, which must verify (tests/fuzz/fuzz_audit.h).
// Findings: a crash, an escaping exception, a sanitizer report, and any response that is
// not JSON in valid UTF-8 or lacks AWS's error headers. With COFFER_FUZZ_STRICT=1 in the
// environment, a 500 (KMSInternalException / InternalServiceError) is a finding too: a
// request the service could not handle rather than refused.
// The dictionary tests/fuzz/aws_json.dict (operation targets, member names, staging labels)
// is loaded unless -dict= is given.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/ostream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "common/hex.h"
#include "common/utf8.h"
#include "server/aws/json_fields.h"
#include "server/aws/request_handler.h"
#include "tests/fuzz/fuzz_audit.h"
#include "tests/fuzz/fuzz_dictionary.h"
#include "tests/fuzz/fuzz_service.h"

namespace {

namespace http = boost::beast::http;
using namespace coffer::server::aws;

constexpr const char* kAccessKeyId = "AKCFFUZZFUZZFUZZFUZZ";
constexpr std::string_view kSecret = "fuzz-secret-access-key";

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "finding: %s: %s\n", what, coffer::quoted_excerpt(detail, 512).c_str());
  std::abort();
}

struct Fixture {
  AwsRegions regions;
  RequestHandler handler;
  // Quotas on the path as in cofferd: per-key buckets for whatever key a peer names (and the
  // key in a ciphertext's header), and a small RSA quota so that refusals are exercised too.
  coffer::server::quota::RequestQuotas quotas{coffer::server::quota::parse_quota_settings(
      "key.default = 100\nkms.cryptographic.rsa = 50\n", "fuzz")};
  // Every request is audited, as in cofferd (tests/fuzz/fuzz_audit.h).
  coffer::fuzz::FuzzAudit audit{
      [this](coffer::server::audit::RequestAuditor* auditor) { handler.set_auditor(auditor); }};
  Fixture()
      : handler(regions, VerifierOptions{},
                [](const std::string& id) -> std::optional<Credentials> {
                  if (id != kAccessKeyId) return std::nullopt;
                  return Credentials{"fuzz", coffer::SecretBytes(coffer::as_bytes(kSecret))};
                }) {
    auto& service = coffer::fuzz::FuzzService::instance();
    regions.add("us-east-1", service.kms(), service.secrets());
    handler.set_quotas(&quotas);
  }
};

constexpr std::string_view kSecretsPrefix = "secretsmanager.";

// Operations that add token objects.
bool creates_objects(std::string_view target) {
  return target.find("CreateKey") != std::string_view::npos ||
         target.find("RotateKeyOnDemand") != std::string_view::npos ||
         target.find("ReplicateKey") != std::string_view::npos;
}

// Secrets Manager operations that add rows (secrets, versions, tags).
bool adds_secret_rows(std::string_view target) {
  if (!target.starts_with(kSecretsPrefix)) return false;
  target.remove_prefix(kSecretsPrefix.size());
  return target == "CreateSecret" || target == "PutSecretValue" || target == "UpdateSecret" ||
         target == "RotateSecret" || target == "TagResource";
}

bool may_run(std::string_view target) {
  auto& service = coffer::fuzz::FuzzService::instance();
  if (creates_objects(target) && !service.may_create_objects()) return false;
  if (adds_secret_rows(target) && !service.may_add_secret_rows()) return false;
  return true;
}

// Replaces the peer's signature with a valid one over everything it sent.
void resign(HttpRequest& request) {
  SignedRequest view;
  view.method = std::string(request.method_string());
  view.target = std::string(request.target());
  request.erase(http::field::authorization);
  request.erase("X-Amz-Date");
  request.erase("X-Amz-Security-Token");
  const bool secrets = std::string_view(request["X-Amz-Target"]).starts_with(kSecretsPrefix);
  if (request.find(http::field::host) == request.end())
    request.set(http::field::host, secrets ? "secretsmanager.fuzz" : "kms.fuzz");
  std::vector<std::string> signed_headers;
  for (const auto& field : request) {
    view.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::find(signed_headers.begin(), signed_headers.end(), name) == signed_headers.end())
      signed_headers.push_back(name);
  }
  signed_headers.push_back("x-amz-date");
  view.body = request.body();
  sign(view, kAccessKeyId, kSecret, amz_date_of(std::chrono::system_clock::now()), "us-east-1",
       secrets ? "secretsmanager" : "kms", signed_headers);
  for (std::size_t i = view.headers.size() - 2; i < view.headers.size(); ++i) {
    request.set(view.headers[i].first, view.headers[i].second);
  }
}

void check_response(const HttpResponse& response) {
  const auto& body = response.body();
  if (!coffer::is_valid_utf8(body)) finding("response body is not UTF-8", body);
  const Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object())
    finding("response body is not a JSON object", body);
  if (response.result_int() != 200) {
    if (!parsed.contains("__type") || response["x-amzn-ErrorType"].empty())
      finding("error response without its type", body);
  }
  static const bool strict = [] {
    const char* v = std::getenv("COFFER_FUZZ_STRICT");
    return v != nullptr && std::string_view(v) == "1";
  }();
  if (strict && response.result_int() >= 500) finding("internal error", body);
  // COFFER_FUZZ_VERBOSE=1: each response's status and body, to check what seeds reach.
  static const bool verbose = [] {
    const char* v = std::getenv("COFFER_FUZZ_VERBOSE");
    return v != nullptr && std::string_view(v) == "1";
  }();
  if (verbose) {
    std::fprintf(stderr, "response %d %s\n", response.result_int(),
                 coffer::quoted_excerpt(body, 300).c_str());
  }
  // As written to the socket.
  std::ostringstream wire;
  wire << response;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  return coffer::fuzz::add_dictionary(argc, argv, COFFER_FUZZ_DICT);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  if (size == 0) return 0;
  const bool sign_it = data[0] & 1;
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data + 1, size - 1), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  HttpRequest request = parser.release();
  if (sign_it && may_run(std::string_view(request["X-Amz-Target"]))) resign(request);
  RequestHandler::operation_of(request);
  check_response(fixture.handler.handle(request));
  fixture.audit.after_input();
  return 0;
}
