// libFuzzer target: the whole path a peer's bytes take through the rpc listener, minus the
// socket. The bytes are a stream: frames are cut by the FrameDecoder (the listener's frame
// limit), parsed as RequestFrames, admitted by the RequestPipeline (credentials from the
// cache or the authentication pool, deadline, method), executed by the KMS handlers on a
// real SoftHSM token with their audit records batched as the server batches them
// (execute_deferring_audit, written before the answers would leave), and answered with
// response frames that must parse back. The first
// byte picks the identity of the connection: none, a valid api_key, a wrong one, or a
// client certificate. Findings: a crash, an escaping exception, a sanitizer report, and any
// response that does not parse, names another request, or has a code outside AWS's names.
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/error.h"
#include "common/utf8.h"
#include "proto/frame_codec.h"
#include "server/quota/quota_key.h"
#include "server/quota/request_quotas.h"
#include "server/rpc/kms_handlers.h"
#include "server/rpc/request_pipeline.h"
#include "tests/fuzz/fuzz_audit.h"
#include "tests/fuzz/fuzz_service.h"

namespace {

using namespace coffer;
using namespace coffer::server;
using namespace coffer::server::rpc;

constexpr std::string_view kApiKey = "AKCFFUZZFUZZFUZZFUZZ:fuzz-secret";

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "finding: %s: %s\n", what, quoted_excerpt(detail, 512).c_str());
  std::abort();
}

std::optional<std::string> authenticate(std::string_view api_key) {
  if (api_key == kApiKey) return "fuzz";
  return std::nullopt;
}

// The cache knows the valid key and one refused id; everything else needs the "store".
CachedAuthentication cached(std::string_view api_key) {
  if (api_key == kApiKey) return {CachedAuthentication::Known::kValid, "fuzz"};
  if (api_key.starts_with("AKCFREFUSED")) return {CachedAuthentication::Known::kInvalid, ""};
  return {};
}

// Quotas on the path as in cofferd: per-key buckets for whatever key a peer names (and the key
// in a ciphertext's header), and a small RSA quota so that refusals are exercised too.
server::quota::RequestQuotas& fuzz_quotas() {
  static server::quota::RequestQuotas quotas(server::quota::parse_quota_settings(
      "key.default = 100\nkms.cryptographic.rsa = 50\n", "fuzz"));
  return quotas;
}

struct Fixture {
  Dispatcher dispatcher;
  RequestPipeline pipeline;
  // Every executed request is audited, as in cofferd (tests/fuzz/fuzz_audit.h).
  std::unique_ptr<fuzz::FuzzAudit> audit;
  Fixture() : pipeline(dispatcher, authenticate, cached, /*allow_unauthenticated=*/false) {
    audit = std::make_unique<fuzz::FuzzAudit>([this](server::audit::RequestAuditor* auditor) {
      pipeline.set_auditor(auditor, "us-east-1", "111122223333");
    });
    // Refused strings are the point of the exercise; cofferd sends these lines to debug.
    google::protobuf::SetLogHandler(nullptr);
    register_kms_handlers(dispatcher, fuzz::FuzzService::instance().kms());
    pipeline.set_quota_check(
        [](const RequestContext& context, const core::api::OperationSpec& operation,
           std::string_view key_reference, std::span<const std::uint8_t> ciphertext) {
          auto& kms = fuzz::FuzzService::instance().kms();
          const auto key = server::quota::key_for_quotas(key_reference, ciphertext, kms);
          fuzz_quotas().enforce(
              {"us-east-1", operation.operation, context.principal, key.key_id, key.spec});
        });
  }
};

bool creates_objects(const std::string& method) {
  // PutPrincipalPolicy stores a row per (principal, name): as unbounded as new keys.
  return method.find("CreateKey") != std::string::npos ||
         method.find("RotateKey") != std::string::npos ||
         method.find("PutPrincipalPolicy") != std::string::npos;
}

void check_response(const v1::RequestFrame& request, const v1::ResponseFrame& response,
                    const std::string& request_bytes) {
  std::string wire;
  proto::append_frame(response, wire);
  proto::FrameDecoder decoder(wire.size());
  decoder.feed(wire.data(), wire.size());
  std::string body;
  v1::ResponseFrame back;
  if (decoder.next(body) != proto::FrameDecoder::Status::kFrame || !back.ParseFromString(body))
    finding("response frame does not parse back", wire);
  if (back.request_id() != request.request_id()) finding("response names another request", wire);
  if (back.has_error()) {
    if (!error_code_named(back.error().code()))
      finding("error code outside AWS's names", back.error().code());
    if (!is_valid_utf8(back.error().message()))
      finding("error message is not UTF-8", back.error().message());
    // A peer may quote "CKR_" itself (say, in a method name the error names back), or
    // "\KR_", which quoting turns into "\x5CKR_". Quoting never makes "KR_" out of other
    // bytes, so only a "KR_" the peer did not send can be the token's.
    if (back.error().message().find("CKR_") != std::string::npos &&
        request_bytes.find("KR_") == std::string::npos)
      finding("token detail reached the client", back.error().message());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  if (size == 0) return 0;
  PeerIdentity peer;
  switch (data[0] & 3) {
    case 1:
      peer.api_key = std::string(kApiKey);
      break;
    case 2:
      peer.api_key = "AKCFREFUSEDREFUSEDRE:wrong";
      break;
    case 3:
      peer.certificate_principal = "fuzz-client";
      break;
    default:
      break;
  }
  proto::FrameDecoder decoder(1 << 20);
  decoder.feed(data + 1, size - 1);
  std::string body;
  // As the rpc server does: the records of answers that changed nothing are batched and
  // written before the answers would leave.
  core::audit::PreparedRecords records;
  for (int frames = 0; frames < 16; ++frames) {
    if (decoder.next(body) != proto::FrameDecoder::Status::kFrame) break;
    v1::RequestFrame request;
    if (!request.ParseFromString(body)) break;  // the listener closes the connection
    auto step = fixture.pipeline.admit(request, peer);
    if (step.kind == RequestPipeline::Step::Kind::kAuthenticate) {
      step = fixture.pipeline.authenticate(request, step.api_key);
    }
    fixture.pipeline.method_label(request);
    if (step.kind == RequestPipeline::Step::Kind::kAnswer) {
      check_response(request, step.answer, body);
      continue;
    }
    if (step.kind != RequestPipeline::Step::Kind::kExecute)
      finding("authentication left no decision", body);
    if (creates_objects(request.method()) && !fuzz::FuzzService::instance().may_create_objects())
      continue;
    const RequestPipeline::Caller caller{step.principal, step.access_key_id, "127.0.0.1"};
    auto executed = fixture.pipeline.execute_deferring_audit(request, caller);
    if (!executed.audit_record.empty()) records.add(executed.audit_record);
    check_response(request, executed.response, body);
  }
  fixture.pipeline.write_audit_records(records);
  fixture.audit->after_input();
  return 0;
}
