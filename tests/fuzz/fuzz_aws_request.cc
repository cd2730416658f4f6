// libFuzzer target: what the AWS listener parses from an untrusted peer, short of calling
// the KMS or Secrets Manager. The bytes are one HTTP/1.1 request (Beast's parser, the
// listener's body cap); its Authorization header goes through SigV4 verification against a
// known credential, scoped to the service its X-Amz-Target names (TrentService.* -> kms,
// secretsmanager.* -> secretsmanager), and its JSON body through the validator of every
// operation of both services and the member readers their codecs use. Each step may refuse
// the input with AwsError or coffer::Error; anything else (a crash, another exception, a read
// out of bounds) is a finding. tests/fuzz/aws_json.dict is loaded unless -dict= is given.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "common/error.h"
#include "common/hex.h"
#include "server/aws/aws_error.h"
#include "server/aws/json_fields.h"
#include "server/aws/secrets_json_handlers.h"
#include "server/aws/sigv4.h"
#include "tests/fuzz/fuzz_dictionary.h"

namespace {

namespace http = boost::beast::http;
using namespace coffer::server::aws;

template <class F>
void refused_or_ok(F&& f) {
  try {
    f();
  } catch (const AwsError&) {
  } catch (const coffer::Error&) {
  }
}

void read_members(const Json& body) {
  // The validator of every operation in the table, then the readers the codecs use.
  for (const auto& op : coffer::core::api::all_operations()) {
    refused_or_ok([&] {
      coffer::core::api::validate_request(
          op, [&](const coffer::core::api::Member& m) { return member_value(body, m); });
    });
  }
  refused_or_ok([&] { optional_string(body, "KeyId"); });
  refused_or_ok([&] { required_string(body, "SigningAlgorithm"); });
  refused_or_ok([&] { optional_int(body, "NumberOfBytes"); });
  refused_or_ok([&] { optional_bool(body, "DryRun"); });
  refused_or_ok([&] { optional_blob(body, "CiphertextBlob"); });
  refused_or_ok([&] { required_blob(body, "Message"); });
  refused_or_ok([&] { context(body, "EncryptionContext"); });
  refused_or_ok([&] { tags(body, "Tags"); });
  refused_or_ok([&] { string_list(body, "GrantTokens"); });
  // Secrets Manager's readers.
  refused_or_ok([&] { secret_value_of(body); });
  refused_or_ok([&] { filters_of(body); });
  refused_or_ok([&] { secret_tags_of(body, "Tags"); });
  refused_or_ok([&] { string_list(body, "VersionStages"); });
  refused_or_ok([&] { string_list(body, "SecretIdList"); });
  refused_or_ok([&] { string_list(body, "TagKeys"); });
  refused_or_ok([&] { optional_int(body, "RecoveryWindowInDays"); });
  refused_or_ok([&] { optional_bool(body, "ForceDeleteWithoutRecovery"); });
  refused_or_ok([&] { optional_string(body, "ClientRequestToken"); });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  return coffer::fuzz::add_dictionary(argc, argv, COFFER_FUZZ_DICT);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  const auto& request = parser.get();

  SignedRequest signed_request;
  signed_request.method = std::string(request.method_string());
  signed_request.target = std::string(request.target());
  for (const auto& field : request) {
    signed_request.headers.emplace_back(std::string(field.name_string()),
                                        std::string(field.value()));
  }
  signed_request.body = request.body();
  if (std::string_view(request["X-Amz-Target"]).starts_with("secretsmanager."))
    signed_request.service = "secretsmanager";
  const SigV4Verifier verifier({}, [](const std::string& id) -> std::optional<Credentials> {
    if (id != "AKIDFUZZ") return std::nullopt;
    return Credentials{"fuzz",
                       coffer::SecretBytes(coffer::as_bytes(std::string_view("fuzz-secret")))};
  });
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  refused_or_ok([&] { verifier.verify(signed_request, now); });

  const Json body = Json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
  if (!body.is_discarded()) read_members(body);
  return 0;
}
