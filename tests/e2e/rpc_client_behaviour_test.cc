// RpcClient against a scripted server: deadlines, re-sending after a lost connection
// (idempotent methods only), out-of-order answers, error codes, what every frame carries.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <vector>

#include "client/kms_client.h"
#include "client/methods.h"
#include "tests/e2e/fake_server.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

using client::KmsClient;
using ::testing::HasSubstr;

client::ClientConfig config_for(const FakeServer& server) {
  client::ClientConfig config;
  config.endpoint = server.endpoint();
  config.tls = false;
  config.api_key = "AKIDEXAMPLE:s3cret";
  return config;
}

v1::ResponseFrame answer(std::uint64_t id, const std::string& payload = "") {
  v1::ResponseFrame r;
  r.set_request_id(id);
  r.set_payload(payload);
  return r;
}

// Reads requests and answers each with an empty payload until the client goes.
void serve_empty(FakeServer::Socket& socket, std::vector<v1::RequestFrame>* seen, std::mutex* m) {
  while (auto request = FakeServer::read_request(socket)) {
    {
      std::lock_guard lock(*m);
      seen->push_back(*request);
    }
    FakeServer::write_response(socket, answer(request->request_id()));
  }
}

TEST(RpcClientBehaviour, DeadlinePassesWithDependencyTimeout) {
  FakeServer server([](FakeServer::Socket& socket, int) {
    while (FakeServer::read_request(socket)) {
    }  // never answers
  });
  KmsClient kms(config_for(server));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(
      [&] {
        kms.rpc()
            .call(client::method::kGenerateRandom, v1::GenerateRandomRequest(),
                  std::chrono::milliseconds(300))
            .value();
      },
      ThrowsError(ErrorCode::kDependencyTimeout));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(RpcClientBehaviour, IdempotentCallIsResentOnceAfterALostConnection) {
  std::mutex m;
  std::vector<v1::RequestFrame> seen;
  FakeServer server([&](FakeServer::Socket& socket, int connection) {
    if (connection == 0) {  // take the request, then drop the connection unanswered
      if (auto request = FakeServer::read_request(socket)) {
        std::lock_guard lock(m);
        seen.push_back(*request);
      }
      return;
    }
    serve_empty(socket, &seen, &m);
  });
  KmsClient kms(config_for(server));
  v1::DescribeKeyRequest describe;
  describe.set_key_id("k");
  kms.describe_key(describe);  // succeeds on the second connection
  std::lock_guard lock(m);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method(), client::method::kDescribeKey);
  EXPECT_EQ(seen[1].method(), client::method::kDescribeKey);
  EXPECT_EQ(server.connections(), 2);
}

TEST(RpcClientBehaviour, CreateKeyIsNotResentAfterALostConnection) {
  std::mutex m;
  std::vector<v1::RequestFrame> seen;
  FakeServer server([&](FakeServer::Socket& socket, int connection) {
    if (connection == 0) {
      if (auto request = FakeServer::read_request(socket)) {
        std::lock_guard lock(m);
        seen.push_back(*request);
      }
      return;
    }
    serve_empty(socket, &seen, &m);
  });
  KmsClient kms(config_for(server));
  EXPECT_THAT([&] { kms.create_key(v1::CreateKeyRequest()); },
              ThrowsError(ErrorCode::kDependencyTimeout, HasSubstr("may or may not have run")));
  {
    std::lock_guard lock(m);
    EXPECT_EQ(seen.size(), 1u);
  }
  // The next call reconnects.
  kms.generate_random(v1::GenerateRandomRequest());
  std::lock_guard lock(m);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].method(), client::method::kGenerateRandom);
}

TEST(RpcClientBehaviour, AnswersOutOfOrderReachTheirCallers) {
  constexpr int kCalls = 50;
  FakeServer server([](FakeServer::Socket& socket, int) {
    std::vector<v1::RequestFrame> batch;
    while (batch.size() < kCalls) {
      auto request = FakeServer::read_request(socket);
      if (!request) return;
      batch.push_back(*request);
    }
    // Last in, first out; the payload is echoed back (a GenerateRandomRequest parses
    // as a GenerateRandomResponse-sized blob, which is all the test needs).
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
      FakeServer::write_response(socket, answer(it->request_id(), it->payload()));
    }
    while (FakeServer::read_request(socket)) {
    }
  });
  client::RpcClient rpc(config_for(server));
  std::mutex m;
  std::condition_variable cv;
  int done = 0;
  std::vector<std::string> got(kCalls);
  std::vector<int> order;
  for (int i = 0; i < kCalls; ++i) {
    v1::GenerateRandomRequest request;
    request.set_number_of_bytes(i + 1);
    rpc.call_async(client::method::kGenerateRandom, request, [&, i](client::RpcResult r) {
      std::lock_guard lock(m);
      got[i] = r.ok() ? r.payload() : "error";
      order.push_back(i);
      ++done;
      cv.notify_all();
    });
  }
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return done == kCalls; }));
  for (int i = 0; i < kCalls; ++i) {
    v1::GenerateRandomRequest echoed;
    ASSERT_TRUE(echoed.ParseFromString(got[i]));
    EXPECT_EQ(echoed.number_of_bytes(), i + 1);
  }
  EXPECT_EQ(order.front(), kCalls - 1);  // really answered out of order
}

TEST(RpcClientBehaviour, ErrorDetailsBecomeTypedErrors) {
  FakeServer server([](FakeServer::Socket& socket, int) {
    while (auto request = FakeServer::read_request(socket)) {
      v1::ResponseFrame r;
      r.set_request_id(request->request_id());
      auto* error = r.mutable_error();
      const bool known = request->method() == client::method::kDescribeKey;
      error->set_code(known ? "NotFoundException" : "BrandNewException");
      error->set_message("as scripted");
      error->set_http_status(400);
      FakeServer::write_response(socket, r);
    }
  });
  KmsClient kms(config_for(server));
  EXPECT_THAT([&] { kms.describe_key(v1::DescribeKeyRequest()); },
              ThrowsError(ErrorCode::kNotFound, "as scripted"));
  // An unknown 4xx is a client error.
  EXPECT_THAT([&] { kms.list_keys(v1::ListKeysRequest()); },
              ThrowsError(ErrorCode::kValidation, HasSubstr("BrandNewException")));
}

// Answers ThrottlingException to the first `throttled` requests, then empty payloads.
FakeServer::Script throttle_first(int throttled, std::atomic<int>* requests) {
  return [=](FakeServer::Socket& socket, int) {
    while (auto request = FakeServer::read_request(socket)) {
      if ((*requests)++ < throttled) {
        v1::ResponseFrame r;
        r.set_request_id(request->request_id());
        r.mutable_error()->set_code("ThrottlingException");
        r.mutable_error()->set_message("Rate exceeded");
        r.mutable_error()->set_http_status(400);
        FakeServer::write_response(socket, r);
      } else {
        FakeServer::write_response(socket, answer(request->request_id()));
      }
    }
  };
}

TEST(RpcClientBehaviour, ThrottledCallsAreRetriedWithBackoff) {
  std::atomic<int> requests{0};
  FakeServer server(throttle_first(2, &requests));
  auto config = config_for(server);
  config.throttle_backoff = std::chrono::milliseconds(20);
  KmsClient kms(config);
  const auto start = std::chrono::steady_clock::now();
  kms.create_key(v1::CreateKeyRequest());  // throttled requests never ran: safe even here
  EXPECT_EQ(requests.load(), 3);
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(10 + 20));  // >= half of 20 + 40
}

TEST(RpcClientBehaviour, ThrottlingSurfacesWhenRetriesRunOut) {
  std::atomic<int> requests{0};
  FakeServer server(throttle_first(100, &requests));
  auto config = config_for(server);
  config.max_throttle_retries = 2;
  config.throttle_backoff = std::chrono::milliseconds(1);
  KmsClient kms(config);
  EXPECT_THAT([&] { kms.generate_random(v1::GenerateRandomRequest()); },
              ThrowsError(ErrorCode::kThrottling));
  EXPECT_EQ(requests.load(), 3);
}

TEST(RpcClientBehaviour, EveryFrameCarriesApiKeyDeadlineAndUniqueId) {
  std::mutex m;
  std::vector<v1::RequestFrame> seen;
  FakeServer server([&](FakeServer::Socket& socket, int) { serve_empty(socket, &seen, &m); });
  KmsClient kms(config_for(server));
  for (int i = 0; i < 3; ++i) kms.generate_random(v1::GenerateRandomRequest());
  std::lock_guard lock(m);
  ASSERT_EQ(seen.size(), 3u);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::set<std::uint64_t> ids;
  for (const auto& frame : seen) {
    EXPECT_EQ(frame.api_key(), "AKIDEXAMPLE:s3cret");
    EXPECT_TRUE(frame.has_deadline());
    EXPECT_GT(frame.deadline().seconds(), now);  // 30 s ahead by default
    EXPECT_LE(frame.deadline().seconds(), now + 31);
    ids.insert(frame.request_id());
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST(RpcClientBehaviour, UnreachableServerFailsFast) {
  unsigned short port;
  {
    FakeServer probe([](FakeServer::Socket&, int) {});
    port = static_cast<unsigned short>(std::stoi(probe.endpoint().substr(10)));
  }  // closed: nothing listens there now
  client::ClientConfig config;
  config.endpoint = "127.0.0.1:" + std::to_string(port);
  config.tls = false;
  KmsClient kms(config);
  EXPECT_THAT([&] { kms.generate_random(v1::GenerateRandomRequest()); },
              ThrowsError(ErrorCode::kDependencyTimeout, HasSubstr("cannot connect")));
}

TEST(ClientConfig, EndpointsAndEnvironment) {
  auto hp = client::split_endpoint("[::1]:7443");
  EXPECT_EQ(hp.host, "::1");
  EXPECT_EQ(hp.port, "7443");
  hp = client::split_endpoint("kms.example.com:443");
  EXPECT_EQ(hp.host, "kms.example.com");
  EXPECT_THAT([] { client::split_endpoint("nohost"); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([] { client::split_endpoint("host:port"); }, ThrowsError(ErrorCode::kValidation));

  ::setenv("COFFER_ENDPOINT", "10.0.0.1:9000", 1);
  ::setenv("COFFER_TLS", "0", 1);
  ::setenv("COFFER_API_KEY", "AK:SK", 1);
  auto config = client::ClientConfig::from_environment();
  EXPECT_EQ(config.endpoint, "10.0.0.1:9000");
  EXPECT_FALSE(config.tls);
  EXPECT_EQ(config.api_key, "AK:SK");
  ::setenv("COFFER_TLS", "maybe", 1);
  EXPECT_THAT([] { client::ClientConfig::from_environment(); },
              ThrowsError(ErrorCode::kValidation, HasSubstr("COFFER_TLS")));
  ::unsetenv("COFFER_ENDPOINT");
  ::unsetenv("COFFER_TLS");
  ::unsetenv("COFFER_API_KEY");
  EXPECT_EQ(client::ClientConfig::from_environment().endpoint, "127.0.0.1:7443");
  EXPECT_TRUE(client::ClientConfig::from_environment().tls);
}

}  // namespace
}  // namespace coffer::testing
