// The audit trail's cost per request (issue 16), piece by piece, for an rpc Encrypt as
// bench/audit_compare.sh sends it:
//   Capture     the request and response as AWS members (server/rpc/audit_json.h)
//   EventOf     the CloudTrail event from them (server/audit/request_auditor.h)
//   Serialize   the event's JSON text (core/audit/audit_event.h)
//   Prepare     EventOf and Serialize as a worker does them (RequestAuditor::prepare: the
//               thread's event and buffer reused)
//   Append      AuditLog::append, kWritten, into a temporary directory (1 and 2 threads)
// bench/audit_compare.sh measures the whole daemon; this says where the difference goes.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <memory>

#include "coffer/v1/crypto.pb.h"
#include "core/api/operations.h"
#include "core/audit/audit_log.h"
#include "core/audit/openssl_digest_signer.h"
#include "server/audit/request_auditor.h"
#include "server/rpc/audit_json.h"

namespace {

using namespace coffer;
namespace ca = core::audit;

v1::EncryptRequest encrypt_request() {
  v1::EncryptRequest request;
  request.set_key_id("alias/bench");
  request.set_plaintext(std::string(64, 'p'));
  (*request.mutable_encryption_context())["tenant"] = "acme";
  (*request.mutable_encryption_context())["purpose"] = "bench";
  return request;
}

v1::EncryptResponse encrypt_response() {
  v1::EncryptResponse response;
  response.set_ciphertext_blob(std::string(160, 'c'));
  response.set_key_id(
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  response.set_encryption_algorithm("SYMMETRIC_DEFAULT");
  return response;
}

struct Call {
  nlohmann::json request = server::rpc::aws_members_of(encrypt_request());
  nlohmann::json response = server::rpc::aws_members_of(encrypt_response());
  server::audit::AuditedCall call;
  Call() {
    call.front_end = ca::FrontEnd::kRpc;
    call.operation = &core::api::spec(core::api::Operation::kEncrypt);
    call.region = "us-east-1";
    call.account_id = "111122223333";
    call.principal = "role/AppRole";
    call.access_key_id = "CKIAEXAMPLEEXAMPLE01";
    call.source_ip = "127.0.0.1";
    call.user_agent = "coffer-rpc";
    call.request_id = "12345";
    call.arrived = std::chrono::system_clock::now();
    call.request = &request;
    call.response = &response;
    call.request_bytes = 120;
    call.response_bytes = 260;
  }
};

void BM_Capture(benchmark::State& state) {
  const auto request = encrypt_request();
  const auto response = encrypt_response();
  for (auto _ : state) {
    auto a = server::rpc::aws_members_of(request);
    auto b = server::rpc::aws_members_of(response);
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_Capture);

void BM_EventOf(benchmark::State& state) {
  Call call;
  for (auto _ : state) benchmark::DoNotOptimize(server::audit::audit_event_of(call.call));
}
BENCHMARK(BM_EventOf);

void BM_Serialize(benchmark::State& state) {
  Call call;
  const auto event = server::audit::audit_event_of(call.call);
  for (auto _ : state) benchmark::DoNotOptimize(ca::serialize_event_json(event));
}
BENCHMARK(BM_Serialize);

void BM_Prepare(benchmark::State& state) {
  Call call;
  std::string body;
  for (auto _ : state) {
    server::audit::RequestAuditor::prepare(call.call, body);
    benchmark::DoNotOptimize(body.data());
  }
}
BENCHMARK(BM_Prepare);

// One log for every thread of a run: made by thread 0, removed at the end.
std::unique_ptr<ca::AuditLog> g_log;
std::filesystem::path g_directory;

void BM_Append(benchmark::State& state) {
  if (state.thread_index() == 0) {
    g_directory = std::filesystem::temp_directory_path() /
                  ("coffer-audit-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(g_directory);
    ca::AuditLog::Options options;
    options.directory = g_directory;
    options.signer = ca::openssl_digest_signer(ca::generate_ec_private_key_pem());
    g_log = ca::AuditLog::open(std::move(options));
  }
  Call call;
  const auto event = server::audit::audit_event_of(call.call);
  for (auto _ : state) benchmark::DoNotOptimize(g_log->append(event, ca::Durability::kWritten));
  if (state.thread_index() == 0) {
    g_log.reset();
    std::filesystem::remove_all(g_directory);
  }
}
BENCHMARK(BM_Append)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
